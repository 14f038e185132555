/** report.json: the deterministic `results` (plus budgets) and, apart, the `wallclock` figures. */
import type { Fallback } from '../run/fallback.js';
import type { LatencyPercentiles, RunResult, ThreadSync } from '../simulation.js';
import type { LimitBands } from '../metrics/bands.js';
import { toolInfo, type ToolInfo } from './tool.js';
import type { ExternalWallclock } from '../gateway/wallclock.js';

export interface Wallclock {
  readonly started_at: string;
  readonly elapsed_ms: number;
  readonly events_per_s: number;
  readonly messages_per_s: number;
  readonly negotiations_per_s: number;
  readonly peak_rss_bytes: number;
  readonly node: string;
  readonly workers: number;
  /** per worker thread: steps run and times it waited for another (absent inline) */
  readonly threads?: readonly ThreadSync[];
  /** asked for worker threads, ran inline because they were slower (run/fallback.ts): what the probe saw */
  readonly fallback?: Fallback;
  /** external agents over the gateway: what the wall clock measured, and what happened at the edge */
  readonly external?: ExternalWallclock;
}

export interface Report {
  readonly format: 'a2a-market-sim/report@1';
  readonly scenario_file: string;
  readonly results: RunResult['results'];
  readonly budgets: RunResult['budgets'];
  readonly passed: boolean;
  /** the same scenario without its adversaries, for comparison (only when it has any) */
  readonly baseline?: Baseline;
  /** negotiation and settlement latency at p0 … p99.99 and the maximum, from the HDR histograms */
  readonly latency_percentiles?: LatencyPercentiles;
  /** limit-up/limit-down band edges per time-series bucket, for categories with bands */
  readonly limit_bands?: LimitBands[];
  /** the version of a2a-market-sim that ran, and the commit it was built from when known */
  readonly tool?: ToolInfo;
  readonly wallclock: Wallclock;
}

/**
 * Honest agents' figures in a run of the same scenario and seed without the adversaries; null,
 * with the reason in `not_run`, when that run could not be made (external agents join one run).
 */
export interface Baseline {
  readonly without_adversaries: { readonly negotiations: number; readonly success_rate: number | null; readonly deals: number } | null;
  readonly not_run?: string;
}

/** The baseline section from the results of a run without adversaries. */
export function baselineOf(results: RunResult['results']): Baseline {
  return { without_adversaries: { negotiations: results.negotiation.count, success_rate: results.negotiation.success_rate, deals: results.settlement.deals } };
}

export function buildReport(scenarioFile: string, result: RunResult, wallclock: Wallclock, baseline?: Baseline): Report {
  return {
    format: 'a2a-market-sim/report@1',
    scenario_file: scenarioFile,
    results: result.results,
    budgets: result.budgets,
    passed: result.passed,
    ...(baseline ? { baseline } : {}),
    ...(result.latencyPercentiles ? { latency_percentiles: result.latencyPercentiles } : {}),
    ...(result.limitBands?.length ? { limit_bands: result.limitBands } : {}),
    tool: toolInfo(),
    wallclock,
  };
}
