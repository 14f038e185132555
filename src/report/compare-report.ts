/** A comparison for people: the terminal tables and the Markdown (summary.md, --markdown, the GitHub step summary). */
import type { Comparison } from '../study/compare.js';
import type { MetricComparison } from '../study/statistics.js';
import { DEFAULT_WIDTH, fitTable } from './fit.js';
import { budgetValue, markdownTable as md } from './format.js';
import { isDurationMetric } from '../scenario/budgets.js';
import type { ToolInfo } from './tool.js';

/** compare.json: the comparison, the tool that ran it and, apart, the wall-clock figures. */
export interface CompareReport extends Comparison {
  /** the version of a2a-market-sim that ran, and the commit it was built from when known */
  readonly tool?: ToolInfo;
  readonly wallclock: { readonly started_at?: string; readonly elapsed_ms: number; readonly workers: number; readonly node: string };
}

const signed = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(Math.abs(x) < 0.1 ? 2 : 1)}%`);
const value = (metric: string, x: number | null) => (x === null ? '–' : budgetValue({ metric, value: isDurationMetric(metric) ? Math.round(x) : Number(x.toPrecision(6)) }));

function rows(c: Comparison): string[][] {
  return c.metrics.map((m: MetricComparison) => [
    m.metric,
    m.better,
    value(m.metric, m.baseline_mean),
    value(m.metric, m.candidate_mean),
    signed(m.change),
    m.low === null ? '–' : `[${signed(m.low)}, ${signed(m.high)}]`,
    `${m.better === 'higher' ? '−' : '+'}${(100 * m.noise).toFixed(m.noise < 0.1 ? 1 : 0)}%`,
    m.verdict === 'unchanged' ? 'unchanged' : m.verdict.toUpperCase(),
  ]);
}

const head = (c: Comparison) => ['metric', 'better', 'baseline mean', 'candidate mean', 'change', `${Math.round(c.confidence * 100)}% interval`, 'noise', 'verdict'];

/** The command that replays one side of a seed. */
export function replay(file: string, seed: number): string {
  return `a2a-sim run ${file} --seed ${seed}`;
}

function lines(c: Comparison): string[] {
  const out: string[] = [];
  for (const name of c.regressed) {
    const m = c.metrics.find((x) => x.metric === name)!;
    out.push(`regressed: ${name} ${signed(m.change)} [${signed(m.low)}, ${signed(m.high)}], beyond ${m.better === 'higher' ? '−' : '+'}${(100 * m.noise).toFixed(1)}%`);
  }
  for (const f of c.failures) out.push(`${f.side} seed ${f.seed}: ${f.status === 'violation' ? 'invariant violated' : 'failed'}: ${f.message}\n  replay: ${replay(f.side === 'baseline' ? c.baseline.file : c.candidate.file, f.seed)}`);
  return out;
}

function outlierRows(c: Comparison): string[][] {
  return c.outliers.map((o) => [o.metric, String(o.seed), value(o.metric, o.baseline), value(o.metric, o.candidate), c.baseline.saved ? '(saved)' : replay(c.baseline.file, o.seed), replay(c.candidate.file, o.seed)]);
}
const OUTLIER_HEAD = ['metric', 'seed', 'baseline', 'candidate', 'replay baseline', 'replay candidate'];

function title(c: Comparison): string {
  return `${c.candidate.scenario} (${c.candidate.file}) against ${c.baseline.scenario} (${c.baseline.file}${c.baseline.saved ? ', saved' : ''}), ${c.seeds.length} seeds paired`;
}

/** The terminal form. */
export function renderCompare(c: Comparison, width = DEFAULT_WIDTH): string {
  const parts = [title(c), fitTable(head(c), rows(c), { width, key: true })];
  if (c.outliers.length > 0) parts.push(`the pairs that differ most in the worse direction:\n${fitTable(OUTLIER_HEAD, outlierRows(c), { width, key: true })}`);
  parts.push(...lines(c));
  parts.push(c.regressed.length > 0 ? `${c.regressed.length} metric${c.regressed.length === 1 ? '' : 's'} regressed` : `nothing regressed${c.improved.length > 0 ? `; improved: ${c.improved.join(', ')}` : ''}`);
  return parts.join('\n');
}


/** The Markdown form. */
export function markdownCompare(c: Comparison): string {
  const verdict = c.regressed.length > 0 ? `**${c.regressed.length} regressed**: ${c.regressed.map((m) => `\`${m}\``).join(', ')}` : `nothing regressed${c.improved.length > 0 ? `; improved: ${c.improved.map((m) => `\`${m}\``).join(', ')}` : ''}`;
  const parts = [`## Comparison: ${c.candidate.scenario} against ${c.baseline.scenario}`, `${title(c)}. ${verdict}.`, md(head(c), rows(c))];
  if (c.outliers.length > 0) parts.push('### Pairs that differ most', md(OUTLIER_HEAD, outlierRows(c).map((r) => r.map((x, i) => (i >= 4 && x.startsWith('a2a-sim') ? `\`${x}\`` : x)))));
  const extra = lines(c);
  if (extra.length > 0) parts.push(extra.map((l) => `- ${l.replace('\n  ', ' — ')}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}
