export * from './time-dependent.js';
