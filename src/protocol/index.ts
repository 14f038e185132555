export * from './codes.js';
export * from './money.js';
export * from './schemas.js';
export * from './time.js';
export * from './hash.js';
export * from './records.js';
export * from './validate.js';
