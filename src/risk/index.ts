export * from './breaker.js';
export * from './exposure.js';
export * from './limiter.js';
