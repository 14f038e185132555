/**
 * A comparison: a candidate scenario against a baseline (another scenario, or the saved
 * per-seed figures of an earlier comparison) over the same seeds. Seed k of both runs draws the
 * same market, demand and faults (common random numbers), so each metric's difference is taken
 * within the pair; each metric gets a bootstrap interval of its relative change and a verdict
 * (statistics.ts). A study runs the public API only: swarms of whole runs.
 */
import type { SimulationPlan } from '../scenario/schema.js';
import { runSwarm, type SeedOutcome } from '../run/swarm.js';
import { compareMetric, type MetricComparison } from './statistics.js';
import { comparedMetrics, type RegressionThreshold } from './thresholds.js';

export const BASELINE_FORMAT = 'a2a-market-sim/baseline@1';
export const COMPARE_FORMAT = 'a2a-market-sim/compare@1';

/** One seed's figures: every budget metric of its run, or why it has none. */
export interface SeedFigures {
  readonly seed: number;
  readonly status: SeedOutcome['status'];
  readonly problem?: SeedOutcome['problem'];
  readonly metrics: Readonly<Record<string, number>>;
}

/** The per-seed figures of a scenario, saved to compare against later (`compare --save-baseline`). */
export interface SavedBaseline {
  readonly format: typeof BASELINE_FORMAT;
  readonly scenario: string;
  readonly file: string;
  readonly seeds: readonly SeedFigures[];
  readonly regression: readonly RegressionThreshold[];
}

export interface CompareOptions {
  /** seeds to run (default 1..30); a saved baseline brings its own */
  readonly seeds?: readonly number[];
  /** the candidate's seeds when they are not the baseline's (to measure false alarms: unpaired runs) */
  readonly candidateSeeds?: readonly number[];
  /** worker threads running seeds side by side; 0 runs them here one after another */
  readonly workers?: number;
  /** thresholds beside the scenarios' own `regression` lists (these win) */
  readonly thresholds?: readonly RegressionThreshold[];
  /** default noise threshold of the default metrics (0.01) */
  readonly noise?: number;
  /** confidence level of the intervals (0.95) */
  readonly confidence?: number;
  /** bootstrap resamples (2,000) */
  readonly resamples?: number;
  readonly onSeed?: (side: 'baseline' | 'candidate', done: number, total: number) => void;
}

export interface Outlier {
  readonly seed: number;
  readonly metric: string;
  readonly baseline: number;
  readonly candidate: number;
  /** relative change of this pair, in the worse direction when positive */
  readonly worse_by: number;
}

export interface Comparison {
  readonly format: typeof COMPARE_FORMAT;
  readonly baseline: { readonly scenario: string; readonly file: string; readonly saved: boolean };
  readonly candidate: { readonly scenario: string; readonly file: string };
  readonly seeds: readonly number[];
  readonly confidence: number;
  readonly resamples: number;
  readonly thresholds: readonly string[];
  readonly metrics: readonly MetricComparison[];
  readonly regressed: readonly string[];
  readonly improved: readonly string[];
  /** the seeds whose pair differs most in the worse direction, for the metrics that regressed (else the success rate) */
  readonly outliers: readonly Outlier[];
  /** seeds whose run did not finish, on either side (left out of the pairs) */
  readonly failures: readonly { readonly side: 'baseline' | 'candidate'; readonly seed: number; readonly status: string; readonly message: string }[];
  readonly baseline_seeds: readonly SeedFigures[];
  readonly candidate_seeds: readonly SeedFigures[];
  /** nothing regressed and every seed finished */
  readonly passed: boolean;
}

/** A side of a comparison: a scenario to run, with the file it came from. */
export interface ScenarioSide {
  readonly plan: SimulationPlan;
  readonly file: string;
}

const figures = (o: SeedOutcome): SeedFigures => ({ seed: Number(o.seed), status: o.status, ...(o.problem ? { problem: o.problem } : {}), metrics: o.metrics });

/** Runs one side of a comparison over `seeds`: each seed's figures, in seed order. */
export async function runSide(side: ScenarioSide, seeds: readonly number[], workers: number, onSeed: ((done: number) => void) | undefined): Promise<SeedFigures[]> {
  const outcomes = await runSwarm(side.plan, { seeds, workers, ...(onSeed ? { onSeed: (_o: SeedOutcome, done: number) => onSeed(done) } : {}) });
  return outcomes.map(figures);
}

/** Runs `baseline` (unless saved) and `candidate` over the same seeds and compares them metric by metric. */
export async function compareScenarios(baseline: ScenarioSide | SavedBaseline, candidate: ScenarioSide, options: CompareOptions = {}): Promise<Comparison> {
  const saved = 'format' in baseline;
  const seeds = saved ? baseline.seeds.map((s) => s.seed) : (options.seeds ?? Array.from({ length: 30 }, (_, i) => i + 1));
  const candidateSeeds = options.candidateSeeds ?? seeds;
  if (candidateSeeds.length !== seeds.length) throw new Error(`the candidate needs as many seeds as the baseline (${seeds.length}), got ${candidateSeeds.length}`);
  const workers = options.workers ?? 0;
  const total = seeds.length;
  const baseSeeds = saved ? baseline.seeds : await runSide(baseline, seeds, workers, options.onSeed ? (d) => options.onSeed!('baseline', d, total) : undefined);
  const candSeeds = await runSide(candidate, candidateSeeds, workers, options.onSeed ? (d) => options.onSeed!('candidate', d, total) : undefined);
  const thresholds = [...(saved ? baseline.regression : baseline.plan.regression), ...candidate.plan.regression, ...(options.thresholds ?? [])];
  return analyzeComparison(
    {
      baseline: saved ? { scenario: baseline.scenario, file: baseline.file, saved: true } : { scenario: baseline.plan.name, file: baseline.file, saved: false },
      candidate: { scenario: candidate.plan.name, file: candidate.file },
      seeds,
      candidateSeeds,
      baseSeeds,
      candSeeds,
      thresholds,
    },
    options,
  );
}

/** What a comparison's verdicts are computed from: both sides' per-seed figures and the thresholds. */
export interface ComparisonInput {
  readonly baseline: Comparison['baseline'];
  readonly candidate: Comparison['candidate'];
  readonly seeds: readonly number[];
  readonly candidateSeeds: readonly number[];
  readonly baseSeeds: readonly SeedFigures[];
  readonly candSeeds: readonly SeedFigures[];
  readonly thresholds: readonly RegressionThreshold[];
}

/** The comparison of figures already run (by one machine, or by shards and merged). */
export function analyzeComparison(input: ComparisonInput, options: Pick<CompareOptions, 'noise' | 'confidence' | 'resamples'> = {}): Comparison {
  const { seeds, candidateSeeds, baseSeeds, candSeeds, thresholds } = input;
  const specs = comparedMetrics(thresholds, options.noise);
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const failures = [
    ...baseSeeds.filter((s) => s.status !== 'ok').map((s) => ({ side: 'baseline' as const, seed: s.seed, status: s.status, message: s.problem?.message ?? '' })),
    ...candSeeds.filter((s) => s.status !== 'ok').map((s) => ({ side: 'candidate' as const, seed: s.seed, status: s.status, message: s.problem?.message ?? '' })),
  ];
  const metrics = specs.map((spec) => compareMetric(spec, pairsOf(spec.name, baseSeeds, candSeeds), { confidence, resamples, seed: `${seeds.join(',')}|${candidateSeeds.join(',')}` }));
  const regressed = metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric);
  const improved = metrics.filter((m) => m.verdict === 'improved').map((m) => m.metric);
  const watch = regressed.length > 0 ? regressed : ['negotiation.success_rate'];
  return {
    format: COMPARE_FORMAT,
    baseline: input.baseline,
    candidate: input.candidate,
    seeds,
    confidence,
    resamples,
    thresholds: thresholds.map((t) => t.expression),
    metrics,
    regressed,
    improved,
    outliers: outliersOf(watch, metrics, baseSeeds, candSeeds),
    failures,
    baseline_seeds: baseSeeds,
    candidate_seeds: candSeeds,
    passed: regressed.length === 0 && failures.length === 0,
  };
}

/** The (baseline, candidate) values of `metric`, pair by pair, where both runs have one. */
function pairsOf(metric: string, base: readonly SeedFigures[], cand: readonly SeedFigures[]): [number, number][] {
  const pairs: [number, number][] = [];
  base.forEach((b, k) => {
    const c = cand[k];
    const x = b.metrics[metric];
    const y = c?.metrics[metric];
    if (b.status === 'ok' && c?.status === 'ok' && x !== undefined && y !== undefined) pairs.push([x, y]);
  });
  return pairs;
}

/** The three pairs that moved most in the worse direction, for each watched metric. */
function outliersOf(watch: readonly string[], metrics: readonly MetricComparison[], base: readonly SeedFigures[], cand: readonly SeedFigures[]): Outlier[] {
  const out: Outlier[] = [];
  for (const name of watch) {
    const spec = metrics.find((m) => m.metric === name);
    if (!spec || spec.baseline_mean === null) continue;
    const scale = Math.abs(spec.baseline_mean) || Math.abs(spec.candidate_mean ?? 0) || 1;
    const sign = spec.better === 'higher' ? -1 : 1;
    const rows: Outlier[] = [];
    base.forEach((b, k) => {
      const c = cand[k];
      const x = b.metrics[name];
      const y = c?.metrics[name];
      if (x === undefined || y === undefined) return;
      rows.push({ seed: b.seed, metric: name, baseline: x, candidate: y, worse_by: (sign * (y - x)) / scale });
    });
    rows.sort((p, q) => q.worse_by - p.worse_by || p.seed - q.seed);
    out.push(...rows.slice(0, 3).filter((r) => r.worse_by > 0));
  }
  return out;
}

/** The per-seed figures of the baseline of `comparison`, to compare against later without running it. */
export function savedBaseline(comparison: Comparison, regression: readonly RegressionThreshold[]): SavedBaseline {
  return { format: BASELINE_FORMAT, scenario: comparison.baseline.scenario, file: comparison.baseline.file, seeds: comparison.baseline_seeds, regression };
}
