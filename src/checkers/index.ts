export * from './deals.js';
export * from './exposure.js';
