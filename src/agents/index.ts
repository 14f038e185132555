export * from './agent.js';
export * from './buyer.js';
export * from './store.js';
export * from './organisation.js';
export * from './mandates.js';
export * from './strategies/index.js';
