/** a2a-market-sim: the programmatic API. */
export { runSimulation, evaluateBudgets, RunInvariantViolation } from './simulation.js';
export { runParallel, autoWorkers, autoWorkersFor, WorkerFailure } from './run/parallel.js';
export type { Reporter, RunOptions, RunResult, BudgetResult, Progress } from './simulation.js';
export { parseScenarioText, validate, formatProblems } from './scenario/load.js';
export type { SimulationPlan } from './scenario/schema.js';
export type { Results } from './metrics/results.js';
export type { TraceLine } from './broker/trace.js';
export { verifyAuditLog } from './trust/audit-verify.js';
