/** Small formatters shared by the report writers. */
import type { Results } from '../metrics/results.js';
import { isDurationMetric } from '../scenario/budgets.js';
import { formatDurationUs } from '../scenario/units.js';

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`;
}

export function dur(us: number | null | undefined): string {
  return us === null || us === undefined ? '–' : formatDurationUs(us);
}

/** A budget's measured value as people read it: durations with their unit, other numbers to 10 significant digits. */
export function budgetValue(b: { readonly metric: string; readonly value: number | null }): string {
  if (b.value === null) return 'no data';
  if (isDurationMetric(b.metric)) return formatDurationUs(b.value);
  return Number.isInteger(b.value) ? String(b.value) : String(Number(b.value.toPrecision(10)));
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** "cause n, cause n" (or "–" when there are none). */
export function causes(byCause: Record<string, number>): string {
  return Object.entries(byCause).map(([k, v]) => `${k} ${int(v)}`).join(', ') || '–';
}

/** In a summary's cell, this many entries of a list that can grow with the run (halts, a breaker's transitions). */
export const LIST_SHOWN = 8;

/**
 * The first LIST_SHOWN of `texts`, and how many more there are, or "–" when empty: a cell of
 * thousands of entries is unreadable, and a terminal table takes seconds to wrap it. report.json
 * holds them all.
 */
export function firstFew(texts: readonly string[]): string {
  if (texts.length === 0) return '–';
  const more = texts.length - LIST_SHOWN;
  return more > 0 ? `${texts.slice(0, LIST_SHOWN).join(', ')}, and ${int(more)} more (report.json)` : texts.join(', ');
}

/** Halts, held and refused work, exposure and breaker trips as [label, text] rows; empty when none apply. */
export function riskLines(r: Results): [string, string][] {
  const rows: [string, string][] = [];
  const list = (o: Record<string, number>) =>
    Object.entries(o)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${int(v)}`)
      .join(', ');
  if (r.halts.length > 0) rows.push(['halts', firstFew(r.halts.map((h) => `${h.kind}${h.category ? ` (${h.category})` : ''} ${dur(h.start_us)}–${dur(h.end_us)}`))]);
  const held = list(r.risk.held_by_reason);
  if (held) rows.push(['held intents', held]);
  const refused = list(r.risk.refused_by_reason);
  if (refused) rows.push(['refused requests', refused]);
  for (const e of r.risk.exposure) rows.push([`exposure ${e.organisation}`, `peak ${e.peak} of limit ${e.limit}`]);
  for (const b of r.breakers) {
    const trips = list(b.trips_by_cause);
    if (trips) rows.push([`trips ${b.organisation}`, trips]);
  }
  return rows;
}

/** A Markdown table (a `|` inside a cell is escaped). */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
