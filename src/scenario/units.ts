/** Parsers for the human units in scenario files: durations, rates and money. */
import { parseDecimalMinor, isWireMoney, toMinor } from '../protocol/money.js';

const DURATION_UNITS_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};

/** "250ms", "1.5s", "5m", "500us", "2h", "7d" → integer µs; null when unparsable. */
export function parseDurationUs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return null;
  const us = Math.round(Number(m[1]) * DURATION_UNITS_US[m[2]!]!);
  return Number.isSafeInteger(us) ? us : null;
}

/** Formats µs for people: 1500 → "1.5ms", 90_000_000 → "1.5m". */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us === 0) return '0s';
  const abs = Math.abs(us);
  const pick = (div: number, unit: string) => `${trim(us / div)}${unit}`;
  if (abs >= 3_600_000_000) return pick(3_600_000_000, 'h');
  if (abs >= 60_000_000) return pick(60_000_000, 'm');
  if (abs >= 1_000_000) return pick(1_000_000, 's');
  if (abs >= 1_000) return pick(1_000, 'ms');
  return `${us}µs`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(3)));
}

/**
 * "6/m", "0.5/s", "100/h" (per ms, s, m, h or d) → events per µs; null when unparsable. A rate
 * carries its unit, as a duration does: a bare number is null, except 0 (none at all).
 */
export function parseRatePerUs(value: string | number): number | null {
  if (typeof value === 'number') return value === 0 ? 0 : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!m) return null;
  const perUs = Number(m[1]) / DURATION_UNITS_US[m[2]!]!;
  // At most one per ns: more digits than that is no rate a run could keep (and may be Infinity).
  return Number.isFinite(perUs) && perUs <= 1_000 ? perUs : null;
}

/** 249.99 or "249.99" → minor units; null when not a decimal with at most two places. */
export function parseMoneyMinor(value: string | number): number | null {
  if (typeof value === 'number') return isWireMoney(value) ? toMinor(value) : null;
  return parseDecimalMinor(value);
}
