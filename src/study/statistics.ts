/**
 * The verdict on one metric of a comparison, after criterion.rs: a paired, seeded bootstrap
 * gives a confidence interval of the relative change of the mean (candidate against baseline,
 * resampling seeds, each with both of its runs). A metric regressed only when the change is
 * significant (the interval excludes 0) and the whole interval lies beyond the noise threshold
 * in the worse direction; improved, symmetrically; otherwise unchanged. The same pairs and seed
 * give the same interval.
 */
import seedrandom from 'seedrandom';
import { mean, quantileSorted } from 'simple-statistics';
import type { ComparedMetric } from './thresholds.js';

export type Verdict = 'regressed' | 'improved' | 'unchanged';

export interface MetricComparison {
  readonly metric: string;
  readonly better: 'higher' | 'lower';
  readonly noise: number;
  /** seeds where both runs have a value */
  readonly pairs: number;
  readonly baseline_mean: number | null;
  readonly candidate_mean: number | null;
  /** relative change of the mean (0.05: 5% more); null without pairs */
  readonly change: number | null;
  /** its confidence interval */
  readonly low: number | null;
  readonly high: number | null;
  readonly verdict: Verdict;
}

export interface BootstrapOptions {
  /** confidence level of the interval (default 0.95) */
  readonly confidence: number;
  readonly resamples: number;
  /** names the random stream (with the metric): the interval is a function of it */
  readonly seed: string;
}

/**
 * Relative change of the mean: against the baseline's mean, or, when that is 0, against the
 * candidate's (a change from nothing is ±100%); 0 when both are 0.
 */
export function relativeChange(baselineMean: number, candidateMean: number): number {
  const scale = Math.abs(baselineMean) > 0 ? Math.abs(baselineMean) : Math.abs(candidateMean);
  return scale === 0 ? 0 : (candidateMean - baselineMean) / scale;
}

export function compareMetric(spec: ComparedMetric, pairs: readonly (readonly [number, number])[], options: BootstrapOptions): MetricComparison {
  const base = { metric: spec.name, better: spec.better, noise: spec.noise, pairs: pairs.length };
  if (pairs.length === 0) return { ...base, baseline_mean: null, candidate_mean: null, change: null, low: null, high: null, verdict: 'unchanged' };
  const b = pairs.map((p) => p[0]);
  const c = pairs.map((p) => p[1]);
  const bMean = mean(b);
  const cMean = mean(c);
  const change = relativeChange(bMean, cMean);
  const random = seedrandom.alea(`${options.seed}\u0000${spec.name}`);
  const n = pairs.length;
  const draws = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    let sb = 0;
    let sc = 0;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * n);
      sb += b[i]!;
      sc += c[i]!;
    }
    draws[r] = relativeChange(sb / n, sc / n);
  }
  const sorted = Array.from(draws).sort((x, y) => x - y);
  const alpha = 1 - options.confidence;
  const low = quantileSorted(sorted, alpha / 2);
  const high = quantileSorted(sorted, 1 - alpha / 2);
  return { ...base, baseline_mean: bMean, candidate_mean: cMean, change, low, high, verdict: verdictOf(spec, low, high) };
}

/** Beyond the noise threshold in the worse direction with all of the interval: regressed. */
export function verdictOf(spec: ComparedMetric, low: number, high: number): Verdict {
  const significant = low > 0 || high < 0;
  if (!significant) return 'unchanged';
  const worseUp = spec.better === 'lower';
  if (worseUp ? low > spec.noise : high < -spec.noise) return 'regressed';
  if (worseUp ? high < -spec.noise : low > spec.noise) return 'improved';
  return 'unchanged';
}
