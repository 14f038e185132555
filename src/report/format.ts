/** Small formatters shared by the report writers. */
import { formatDurationUs } from '../scenario/units.js';

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`;
}

export function dur(us: number | null | undefined): string {
  return us === null || us === undefined ? '–' : formatDurationUs(us);
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** "cause n, cause n" (or "–" when there are none). */
export function causes(byCause: Record<string, number>): string {
  return Object.entries(byCause).map(([k, v]) => `${k} ${int(v)}`).join(', ') || '–';
}
