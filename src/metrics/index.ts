export * from './collector.js';
export * from './latency.js';
export * from './results.js';
