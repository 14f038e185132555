/** report.json: the deterministic `results` (plus budgets) and, apart, the `wallclock` figures. */
import type { RunResult } from '../simulation.js';

export interface Wallclock {
  readonly started_at: string;
  readonly elapsed_ms: number;
  readonly events_per_s: number;
  readonly messages_per_s: number;
  readonly negotiations_per_s: number;
  readonly peak_rss_bytes: number;
  readonly node: string;
  readonly workers: number;
}

export interface Report {
  readonly format: 'a2a-market-sim/report@1';
  readonly scenario_file: string;
  readonly results: RunResult['results'];
  readonly budgets: RunResult['budgets'];
  readonly passed: boolean;
  readonly wallclock: Wallclock;
}

export function buildReport(scenarioFile: string, result: RunResult, wallclock: Wallclock): Report {
  return {
    format: 'a2a-market-sim/report@1',
    scenario_file: scenarioFile,
    results: result.results,
    budgets: result.budgets,
    passed: result.passed,
    wallclock,
  };
}
