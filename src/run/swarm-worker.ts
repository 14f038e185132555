/**
 * A worker thread of a swarm (swarm.ts): runs whole scenarios inline, one seed per task. The
 * thread loads this module and the simulation only, not the pool that feeds it.
 */
import { InvariantViolation } from '../engine/kernel.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { metricValues } from '../metrics/results.js';
import { parseDecimalMinor } from '../protocol/money.js';
import { runSimulationAsync } from '../simulation.js';

export interface SeedTask {
  readonly plan: SimulationPlan;
  readonly seed: string | number;
}

/** How one seed's run ended: every budget metric it has a value for, and its deals. */
export interface SeedOutcome {
  readonly seed: string | number;
  readonly status: 'ok' | 'violation' | 'error';
  /** what was violated or what failed, with the virtual time (-1 when unknown) */
  readonly problem?: { readonly message: string; readonly virtual_us: number };
  /** the budget metrics (durations in µs), as a budget of the scenario would read them */
  readonly metrics: Readonly<Record<string, number>>;
  /** deals confirmed, what was paid for them in all (a decimal) and per deal */
  readonly deals: { readonly count: number; readonly value: number; readonly mean_value: number | null };
  readonly sagas_compensated_by_cause: Readonly<Record<string, number>>;
  /** the scenario's budgets this seed breached, as written */
  readonly budgets_breached: readonly string[];
}

/** The outcome of a seed whose run did not finish: what went wrong, and nothing counted. */
export function failedSeed(seed: string | number, status: 'violation' | 'error', message: string, virtualUs: number): SeedOutcome {
  return { seed, status, problem: { message, virtual_us: virtualUs }, metrics: {}, deals: { count: 0, value: 0, mean_value: null }, sagas_compensated_by_cause: {}, budgets_breached: [] };
}

/** Runs one seed inline; a violation or failure is part of the outcome, not thrown. */
export async function runSeed(plan: SimulationPlan, seed: string | number): Promise<SeedOutcome> {
  try {
    const { results: r, budgets } = await runSimulationAsync(plan, { seed });
    const valueMinor = parseDecimalMinor(r.settlement.value) ?? 0;
    const count = r.settlement.deals;
    return {
      seed,
      status: 'ok',
      metrics: Object.fromEntries(metricValues(r)),
      deals: { count, value: valueMinor / 100, mean_value: count > 0 ? Math.round(valueMinor / count) / 100 : null },
      sagas_compensated_by_cause: r.settlement.sagas?.compensated_by_cause ?? {},
      budgets_breached: budgets.filter((b) => !b.passed).map((b) => b.expression),
    };
  } catch (err) {
    if (err instanceof InvariantViolation) return failedSeed(seed, 'violation', err.message, err.virtualUs);
    return failedSeed(seed, 'error', err instanceof Error ? err.message : String(err), -1);
  }
}

export default function runSeedTask(task: SeedTask): Promise<SeedOutcome> {
  return runSeed(task.plan, task.seed);
}
