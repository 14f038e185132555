/**
 * A worker thread of a tournament (study/tournament.ts): runs one whole scenario inline per task
 * and returns what the tournament reads of it, the figures per strategy. The thread loads this
 * module and the simulation only.
 */
import { InvariantViolation } from '../engine/kernel.js';
import type { StrategySummary } from '../metrics/strategies.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { runSimulationAsync } from '../simulation.js';

export interface TournamentTask {
  /** the run's scenario: the competitors in place, its seed set */
  readonly plan: SimulationPlan;
}

/** How a run ended, and the figures of every strategy in it. */
export interface RunFigures {
  readonly status: 'ok' | 'violation' | 'error';
  readonly problem?: string;
  readonly strategies: readonly StrategySummary[];
}

/** Runs one task inline; a violation or failure is part of the answer, not thrown. */
export async function runTournamentTask(task: TournamentTask): Promise<RunFigures> {
  try {
    const { results } = await runSimulationAsync(task.plan, { seed: task.plan.seed });
    return { status: 'ok', strategies: results.strategies?.by_strategy ?? [] };
  } catch (err) {
    if (err instanceof InvariantViolation) return { status: 'violation', problem: `${err.message} (at ${err.virtualUs} µs)`, strategies: [] };
    return { status: 'error', problem: err instanceof Error ? err.message : String(err), strategies: [] };
  }
}

export default runTournamentTask;
