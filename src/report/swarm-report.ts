/**
 * The report of a swarm (swarm.json): per seed every budget metric and its deals, and summary
 * statistics of each across the seeds that finished. A pure function of the outcomes, in seed
 * order, so it is the same for any number of worker threads; wall-clock figures live apart.
 */
import type { SeedOutcome } from '../run/swarm-worker.js';
import type { ToolInfo } from './tool.js';

/** Summary statistics of one figure across seeds (nearest-rank percentiles). */
export interface SeedStatistics {
  /** seeds with a value */
  readonly seeds: number;
  readonly mean: number;
  /** sample standard deviation (0 for one seed) */
  readonly stdev: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
}

export interface SwarmWallclock {
  readonly started_at: string;
  readonly elapsed_ms: number;
  readonly workers: number;
  readonly node: string;
}

export interface SwarmReport {
  readonly format: 'a2a-market-sim/swarm@1';
  readonly scenario: string;
  readonly scenario_file: string;
  readonly first_seed: number;
  readonly seed_count: number;
  /** the scenario's budgets, as written (absent from reports written before they were recorded) */
  readonly budgets?: readonly string[];
  /** no seed violated an invariant or failed, and every budget held in every seed */
  readonly passed: boolean;
  readonly summary: {
    readonly passed: number;
    readonly violations: number;
    readonly errors: number;
    readonly budgets_breached: number;
    readonly sagas_compensated_by_cause: Record<string, number>;
    /** each budget metric across the seeds that finished (durations in µs) */
    readonly metrics: Record<string, SeedStatistics>;
    readonly deals: { readonly count: SeedStatistics | null; readonly value: SeedStatistics | null; readonly mean_value: SeedStatistics | null };
  };
  readonly outcomes: readonly SeedOutcome[];
  /** the version of a2a-market-sim that ran, and the commit it was built from when known */
  readonly tool?: ToolInfo;
  readonly wallclock: SwarmWallclock;
}

const round = (x: number) => Number(x.toPrecision(12));

/** Statistics of `values`, or null when there are none. */
export function statistics(values: readonly number[]): SeedStatistics | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const rank = (q: number) => v[Math.max(0, Math.ceil(q * n) - 1)]!;
  return { seeds: n, mean: round(mean), stdev: round(Math.sqrt(variance)), min: v[0]!, p50: rank(0.5), p90: rank(0.9), max: v[n - 1]! };
}

export function buildSwarmReport(input: { scenario: string; file: string; firstSeed: number; budgets?: readonly string[]; outcomes: readonly SeedOutcome[]; tool?: ToolInfo; wallclock: SwarmWallclock }): SwarmReport {
  const { outcomes } = input;
  const ok = outcomes.filter((o) => o.status === 'ok');
  const breaching = ok.filter((o) => o.budgets_breached.length > 0).length;
  const names = [...new Set(ok.flatMap((o) => Object.keys(o.metrics)))].sort();
  const metrics: Record<string, SeedStatistics> = {};
  for (const name of names) {
    const s = statistics(ok.map((o) => o.metrics[name]).filter((x): x is number => x !== undefined));
    if (s) metrics[name] = s;
  }
  const causes = new Map<string, number>();
  for (const o of ok) for (const [cause, n] of Object.entries(o.sagas_compensated_by_cause)) causes.set(cause, (causes.get(cause) ?? 0) + n);
  const violations = outcomes.filter((o) => o.status === 'violation').length;
  const errors = outcomes.filter((o) => o.status === 'error').length;
  return {
    format: 'a2a-market-sim/swarm@1',
    scenario: input.scenario,
    scenario_file: input.file,
    first_seed: input.firstSeed,
    seed_count: outcomes.length,
    budgets: input.budgets ?? [],
    passed: violations === 0 && errors === 0 && breaching === 0,
    summary: {
      passed: ok.length - breaching,
      violations,
      errors,
      budgets_breached: breaching,
      sagas_compensated_by_cause: Object.fromEntries([...causes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      metrics,
      deals: {
        count: statistics(ok.map((o) => o.deals.count)),
        value: statistics(ok.map((o) => o.deals.value)),
        mean_value: statistics(ok.map((o) => o.deals.mean_value).filter((x): x is number => x !== null)),
      },
    },
    outcomes,
    ...(input.tool ? { tool: input.tool } : {}),
    wallclock: input.wallclock,
  };
}
