export * from './rng.js';
export * from './distribution.js';
export * from './queue.js';
export * from './kernel.js';
export * from './fifo.js';
