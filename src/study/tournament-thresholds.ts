/**
 * A tournament's thresholds, the CI checks of a ranking: "candidate rank <= 2" (the competitor
 * ranks in the top 2) or "candidate advantage >= 0.3" (the mean of a score over its runs).
 */
import { SCORE_NAMES } from '../metrics/scores.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface TournamentThreshold {
  /** as written */
  readonly expression: string;
  readonly competitor: string;
  /** 'rank', or a score name ('agreement_rate', 'advantage', …) */
  readonly figure: string;
  readonly op: ThresholdOp;
  readonly value: number;
}

const FIGURES = ['rank', 'agreement_rate', ...SCORE_NAMES];

/** Parses "<competitor> <rank|score> <op> <number>". */
export function parseTournamentThreshold(text: string): TournamentThreshold | { error: string } {
  // "≥" and "≤" read as ">=" and "<=", as people write them in issues and reviews.
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s+([a-z_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text.replaceAll('≥', '>=').replaceAll('≤', '<='));
  if (!m) return { error: `"${text}": expected "<competitor> <figure> <op> <number>", e.g. "candidate rank <= 2" or "candidate advantage >= 0.3"` };
  const [, competitor, figure, op, value] = m;
  if (!FIGURES.includes(figure!)) return { error: `"${text}": unknown figure "${figure}" (one of: ${FIGURES.join(', ')})` };
  if (figure === 'rank' && (!Number.isInteger(Number(value)) || Number(value) < 1)) return { error: `"${text}": a rank is a whole number from 1` };
  return { expression: text.trim(), competitor: competitor!, figure: figure!, op: op as ThresholdOp, value: Number(value) };
}

/** Whether `actual` meets the threshold (a missing figure does not). */
export function thresholdHolds(t: TournamentThreshold, actual: number | null): boolean {
  if (actual === null) return false;
  switch (t.op) {
    case '<':
      return actual < t.value;
    case '<=':
      return actual <= t.value;
    case '>':
      return actual > t.value;
    case '>=':
      return actual >= t.value;
  }
}
