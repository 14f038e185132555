/**
 * The page of a comparison (compare.json): what was compared and the verdict, a forest plot of
 * every metric's change with its interval and noise band, the table of the same figures, each
 * metric seed by seed, and the pairs and seeds to replay. Data only (no DOM).
 */
import type { CompareReport } from '../../compare-report.js';
import { forestChart, pairedChart } from './compare-options.js';
import type { PageSpec, SectionSpec, TableSpec } from './spec.js';
import { int, metricText, replayCommand, signedPct, toolFact } from './values.js';

/** "1 to 30" for consecutive seeds, else the first few and a count. */
function seedList(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  if (consecutive) return seeds.length === 1 ? String(seeds[0]) : `${seeds[0]} to ${seeds[seeds.length - 1]}`;
  return seeds.length <= 8 ? seeds.join(', ') : `${seeds.slice(0, 8).join(', ')}, … (${seeds.length} in all)`;
}

/** Every metric's figures: means, change, interval, noise threshold and verdict (the verdict cell coloured). */
export function metricsTable(c: CompareReport): TableSpec {
  return {
    caption: 'Per metric',
    head: ['metric', 'better', 'pairs', 'baseline mean', 'candidate mean', 'change', `${Math.round(c.confidence * 100)}% interval`, 'noise', 'verdict'],
    rows: c.metrics.map((m) => [
      m.metric,
      m.better,
      String(m.pairs),
      metricText(m.metric, m.baseline_mean),
      metricText(m.metric, m.candidate_mean),
      signedPct(m.change),
      m.low === null ? '–' : `[${signedPct(m.low)}, ${signedPct(m.high)}]`,
      `${m.better === 'higher' ? '−' : '+'}${(100 * m.noise).toFixed(1)}%`,
      m.verdict,
    ]),
    states: c.metrics.map((m) => (m.verdict === 'regressed' ? 'fail' : m.verdict === 'improved' ? 'pass' : 'none')),
  };
}

/** Header facts, verdict and every section of a comparison's page. */
export function comparePage(c: CompareReport): PageSpec {
  const w = c.wallclock;
  const outliers: TableSpec | undefined =
    c.outliers.length === 0
      ? undefined
      : {
          caption: 'The pairs that moved most in the worse direction',
          head: ['metric', 'seed', 'baseline', 'candidate', 'worse by', 'replay baseline', 'replay candidate'],
          rows: c.outliers.map((o) => [o.metric, String(o.seed), metricText(o.metric, o.baseline), metricText(o.metric, o.candidate), signedPct(o.worse_by), c.baseline.saved ? '(saved figures)' : replayCommand(c.baseline.file, o.seed), replayCommand(c.candidate.file, o.seed)]),
          code: c.baseline.saved ? [6] : [5, 6],
        };
  const failures: TableSpec | undefined =
    c.failures.length === 0
      ? undefined
      : {
          caption: `${c.failures.length} run${c.failures.length === 1 ? '' : 's'} did not finish (their seeds are left out of the pairs)`,
          head: ['side', 'seed', 'outcome', 'what', 'replay'],
          rows: c.failures.map((f) => [f.side, String(f.seed), f.status === 'violation' ? 'invariant violated' : 'run failed', f.message, f.side === 'baseline' && c.baseline.saved ? '(saved figures)' : replayCommand(f.side === 'baseline' ? c.baseline.file : c.candidate.file, f.seed)]),
          code: [4],
        };
  const sections: SectionSpec[] = [
    { id: 'changes', title: 'Change per metric', charts: [forestChart(c)], tables: [metricsTable(c)] },
    { id: 'per-seed', title: 'Baseline and candidate per seed', charts: c.metrics.filter((m) => m.pairs > 0).map((m) => pairedChart(c, m)), empty: 'No seed finished on both sides.' },
    { id: 'outliers', title: 'Pairs that differ most', charts: [], ...(outliers ? { tables: [outliers] } : { empty: `No pair moved in the worse direction on ${c.regressed.length > 0 ? 'the metrics that regressed' : 'negotiation.success_rate'}.` }) },
    { id: 'failures', title: 'Runs that did not finish', charts: [], ...(failures ? { tables: [failures] } : { empty: 'Every run finished, on both sides.' }) },
  ];
  const verdict: PageSpec['verdict'] =
    c.regressed.length > 0
      ? { text: `${c.regressed.length} metric${c.regressed.length === 1 ? '' : 's'} regressed: ${c.regressed.join(', ')}`, state: 'fail' }
      : c.failures.length > 0
        ? { text: `nothing regressed, but ${c.failures.length} run${c.failures.length === 1 ? '' : 's'} did not finish`, state: 'fail' }
        : { text: `nothing regressed${c.improved.length > 0 ? `; improved: ${c.improved.join(', ')}` : ''}`, state: 'pass' };
  return {
    title: `${c.candidate.scenario} against ${c.baseline.scenario}: comparison`,
    verdict,
    facts: [
      ['baseline', `${c.baseline.scenario} (${c.baseline.file}${c.baseline.saved ? ', saved per-seed figures' : ''})`],
      ['candidate', `${c.candidate.scenario} (${c.candidate.file})`],
      ['seeds', `${seedList(c.seeds)} (${int(c.seeds.length)}), paired: seed k of both sides draws the same market, demand and faults`],
      ['intervals', `${Math.round(c.confidence * 100)}% paired bootstrap of the relative change of the mean, ${int(c.resamples)} resamples`],
      ['thresholds', c.thresholds.length === 0 ? 'the defaults (1% noise; 5% for the p99 latencies)' : `${[...new Set(c.thresholds)].join(', ')} (the other metrics at their defaults)`],
      ['metrics', `${c.metrics.length} compared: ${c.regressed.length} regressed, ${c.improved.length} improved, ${c.metrics.length - c.regressed.length - c.improved.length} unchanged`],
      ['tool', toolFact(c.tool)],
      ['ran', `${w.started_at ? `${w.started_at}, ` : ''}${int(w.elapsed_ms)} ms on Node ${w.node}, ${w.workers === 0 ? 'on the main thread' : `${w.workers} worker thread${w.workers === 1 ? '' : 's'}`}`],
    ],
    sections,
  };
}
