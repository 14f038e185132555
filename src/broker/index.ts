export * from './broker.js';
export * from './network.js';
export * from './trace.js';
export * from './directory.js';
