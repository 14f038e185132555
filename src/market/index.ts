export * from './regimes.js';
export * from './price-path.js';
export * from './market.js';
