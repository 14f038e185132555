/**
 * A worker thread of a swarm (swarm.ts): runs whole scenarios inline, one seed per task. The
 * thread loads this module and the simulation only, not the pool that feeds it.
 */
import { InvariantViolation } from '../engine/kernel.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { runSimulationAsync } from '../simulation.js';

export interface SeedTask {
  readonly plan: SimulationPlan;
  readonly seed: string | number;
}

/** How one seed's run ended, in a few numbers. */
export interface SeedOutcome {
  readonly seed: string | number;
  readonly status: 'ok' | 'violation' | 'error';
  /** what was violated or what failed, with the virtual time (-1 when unknown) */
  readonly problem?: { readonly message: string; readonly virtualUs: number };
  readonly negotiations: number;
  readonly succeeded: number;
  readonly sagas: { readonly settled: number; readonly compensated: number; readonly byCause: Record<string, number> };
  readonly settlementP99Us: number | null;
  /** the scenario's budgets this seed breached, as written */
  readonly budgetsBreached: readonly string[];
}

/** The outcome of a seed whose run did not finish: what went wrong, and nothing counted. */
export function failedSeed(seed: string | number, status: 'violation' | 'error', message: string, virtualUs: number): SeedOutcome {
  return { seed, status, problem: { message, virtualUs }, negotiations: 0, succeeded: 0, sagas: { settled: 0, compensated: 0, byCause: {} }, settlementP99Us: null, budgetsBreached: [] };
}

/** Runs one seed inline; a violation or failure is part of the outcome, not thrown. */
export async function runSeed(plan: SimulationPlan, seed: string | number): Promise<SeedOutcome> {
  try {
    const { results: r, budgets } = await runSimulationAsync(plan, { seed });
    const s = r.settlement.sagas;
    return {
      seed,
      status: 'ok',
      negotiations: r.negotiation.count,
      succeeded: r.negotiation.succeeded,
      sagas: { settled: s?.settled ?? 0, compensated: s?.compensated ?? 0, byCause: s?.compensated_by_cause ?? {} },
      settlementP99Us: r.settlement.latency.p99_us,
      budgetsBreached: budgets.filter((b) => !b.passed).map((b) => b.expression),
    };
  } catch (err) {
    if (err instanceof InvariantViolation) return failedSeed(seed, 'violation', err.message, err.virtualUs);
    return failedSeed(seed, 'error', err instanceof Error ? err.message : String(err), -1);
  }
}

export default function runSeedTask(task: SeedTask): Promise<SeedOutcome> {
  return runSeed(task.plan, task.seed);
}
