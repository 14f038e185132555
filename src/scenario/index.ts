export * from './schema.js';
export * from './load.js';
export * from './budgets.js';
export * from './units.js';
