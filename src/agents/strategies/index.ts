export * from './contract.js';
export * from './time-dependent.js';
export { BUILTIN_KINDS, FARATIN_KINDS } from './builtins.js';
export { Strategy, type StrategyPlan } from './registry.js';
