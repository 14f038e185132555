/** a2a-market-sim: the programmatic API. */
export { runSimulation, runSimulationAsync, evaluateBudgets, RunInvariantViolation } from './simulation.js';
export { runParallel, autoWorkers, autoWorkersFor, WorkerFailure } from './run/parallel.js';
export type { Reporter, RunOptions, RunResult, BudgetResult, Progress } from './simulation.js';
export { parseScenarioText, validate, formatProblems } from './scenario/load.js';
export type { SimulationPlan } from './scenario/schema.js';
export type { Results } from './metrics/results.js';
export type { TraceLine } from './broker/trace.js';
export { verifyAuditLog } from './trust/audit-verify.js';
export type { NegotiatorFactory, Negotiator, NegotiatorInfo, NegotiationState, OfferRecord, Response, Role, EndReason } from './agents/strategies/contract.js';
export { BUILTIN_KINDS } from './agents/strategies/builtins.js';
export { loadStrategyModules, resolveStrategyModules } from './run/strategy-modules.js';
export { StrictStrategyError } from './agents/agent.js';
export { compareScenarios, savedBaseline, type Comparison, type CompareOptions, type SavedBaseline, type ScenarioSide } from './study/compare.js';
export { parseRegression, type RegressionThreshold } from './scenario/regression.js';
export { DEFAULT_METRICS } from './study/thresholds.js';
export type { MetricComparison, Verdict } from './study/statistics.js';
export { Gateway, ReplayLink, ReplayMismatch, readRecording, type AgentLink, type GatewayReport, type ExternalWallclock } from './gateway/index.js';
