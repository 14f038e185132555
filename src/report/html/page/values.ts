/** How the pages write and draw figures: a metric's value and unit, signed changes, the tool that ran. */
import { isDurationMetric } from '../../../scenario/budgets.js';
import { formatDurationUs } from '../../../scenario/units.js';
import type { ToolInfo } from '../../tool.js';

/** Metrics that are fractions of one, drawn and written as percentages. */
const RATIO_METRICS = new Set(['negotiation.success_rate', 'exposure.peak_ratio']);

/** How a metric is drawn on an axis: durations in ms, ratios in %, counts and the rest as they are. */
export function axisOf(metric: string): { readonly unit: string; readonly scale: (value: number) => number } {
  if (isDurationMetric(metric)) return { unit: 'ms', scale: (us) => us / 1000 };
  if (RATIO_METRICS.has(metric)) return { unit: '%', scale: (x) => x * 100 };
  return { unit: '', scale: (x) => x };
}

/** A value drawn on an axis (see axisOf), rounded for a label. */
export function drawn(metric: string, value: number): number {
  return Number(axisOf(metric).scale(value).toPrecision(6));
}

/** A metric's value as people read it: durations with their unit, ratios as percentages, others to 6 significant digits. */
export function metricText(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (isDurationMetric(metric)) return formatDurationUs(Math.round(value));
  if (RATIO_METRICS.has(metric)) return `${Number((value * 100).toPrecision(4))}%`;
  return String(Number(value.toPrecision(6)));
}

/** A relative change as a signed percentage: 0.031 → "+3.10%", −0.25 → "−25.0%". */
export function signedPct(x: number | null): string {
  return x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(Math.abs(x) < 0.1 ? 2 : 1)}%`;
}

/** The "tool" fact of a header: name, version and commit, or that the report did not record them. */
export function toolFact(tool: ToolInfo | undefined): string {
  if (!tool) return 'a2a-market-sim, version and commit unknown (not recorded in this report)';
  return `${tool.name} ${tool.version}${tool.commit ? ` (commit ${tool.commit.slice(0, 12)}${tool.dirty ? ', with uncommitted changes' : ''})` : ' (commit unknown)'}`;
}

export const int = (n: number): string => n.toLocaleString('en-US');

/** The command that replays one seed of a scenario file. */
export function replayCommand(file: string, seed: number | string): string {
  return `a2a-sim run ${file} --seed ${seed}`;
}

/** Linear-interpolated quantile q of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Text made safe for the HTML of a chart's tooltip. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
