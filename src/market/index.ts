export * from './regimes.js';
export * from './price-path.js';
export * from './market.js';
export * from './processes.js';
export * from './halts.js';
