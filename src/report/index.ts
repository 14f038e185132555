export * from './report.js';
export * from './table.js';
export * from './markdown.js';
export * from './trace-writer.js';
export * from './progress.js';
export * from './html/index.js';
