/**
 * Market halts, derived from the reference price paths alone (so every shard derives the same):
 * market-wide halts at levels of decline from the session's reference (the prices at time zero),
 * each level at most once per session; and limit-up/limit-down bands per category, which pause a
 * category whose price stays outside its band for long enough.
 */

export type HaltKind = 'level_1' | 'level_2' | 'level_3' | 'limit_up' | 'limit_down';

export interface Halt {
  readonly kind: HaltKind;
  /** the category paused, or null for a market-wide halt */
  readonly category: string | null;
  readonly startUs: number;
  readonly endUs: number;
  /** decline from the session's reference (market-wide) or distance from the band's reference (bands) when it started */
  readonly move: number;
}

export interface HaltLevel {
  /** decline from the session's reference, as a fraction (0.07 = 7%) */
  readonly drop: number;
  readonly durationUs: number;
}

export interface BandSpec {
  /** half-width of the band around the trailing mean, as a fraction */
  readonly width: number;
  readonly windowUs: number;
  /** how long the price must stay outside the band before the category pauses */
  readonly limitStateUs: number;
  readonly pauseUs: number;
}

/** Prices of one category on the tick grid. */
export interface TickPrices {
  readonly ticks: number;
  priceAtTick(i: number): number;
}

/**
 * Market-wide halts: the market index is the mean over categories of price / price at time
 * zero. A level fires at the first tick, outside any halt, where the decline reaches it and no
 * level as high has fired yet; the highest level reached fires, and the levels below it are spent.
 */
export function marketWideHalts(levels: readonly HaltLevel[], paths: readonly TickPrices[], tickUs: number): Halt[] {
  if (levels.length === 0 || paths.length === 0) return [];
  const n = Math.min(...paths.map((p) => p.ticks));
  const start = paths.map((p) => p.priceAtTick(0));
  const halts: Halt[] = [];
  let spent = -1;
  let haltedUntilUs = 0;
  for (let i = 1; i < n && spent < levels.length - 1; i++) {
    const t = i * tickUs;
    if (t < haltedUntilUs) continue;
    let index = 0;
    for (let c = 0; c < paths.length; c++) index += paths[c]!.priceAtTick(i) / start[c]!;
    const drop = 1 - index / paths.length;
    let reached = -1;
    for (let l = levels.length - 1; l > spent; l--) {
      if (drop >= levels[l]!.drop) {
        reached = l;
        break;
      }
    }
    if (reached < 0) continue;
    spent = reached;
    haltedUntilUs = t + levels[reached]!.durationUs;
    halts.push({ kind: `level_${Math.min(3, reached + 1)}` as HaltKind, category: null, startUs: t, endUs: haltedUntilUs, move: round6(-drop) });
  }
  return halts;
}

/**
 * Limit-up/limit-down pauses of one category: the band is the trailing mean of the previous
 * `window` of ticks ± width; the price enters the limit state when it leaves the band, and the
 * category pauses once it has been there for `limitState` (measured on ticks).
 */
export function bandHalts(spec: BandSpec, category: string, path: TickPrices, tickUs: number): Halt[] {
  const w = Math.max(1, Math.round(spec.windowUs / tickUs));
  const halts: Halt[] = [];
  let sum = path.priceAtTick(0);
  let count = 1;
  let pausedUntilUs = 0;
  let limitSinceUs = -1;
  for (let i = 1; i < path.ticks; i++) {
    const t = i * tickUs;
    const price = path.priceAtTick(i);
    const mean = sum / count;
    sum += price;
    count++;
    if (count > w) {
      sum -= path.priceAtTick(i - w);
      count--;
    }
    if (t < pausedUntilUs) continue;
    const move = price / mean - 1;
    if (Math.abs(move) <= spec.width) {
      limitSinceUs = -1;
      continue;
    }
    if (limitSinceUs < 0) limitSinceUs = t;
    if (t - limitSinceUs >= spec.limitStateUs) {
      pausedUntilUs = t + spec.pauseUs;
      limitSinceUs = -1;
      halts.push({ kind: move > 0 ? 'limit_up' : 'limit_down', category, startUs: t, endUs: pausedUntilUs, move: round6(move) });
    }
  }
  return halts;
}

/** The halt in force for `category` at `timeUs`, if any (market-wide halts first). */
export function haltIn(halts: readonly Halt[], category: string, timeUs: number): Halt | undefined {
  for (const h of halts) {
    if (timeUs >= h.startUs && timeUs < h.endUs && (h.category === null || h.category === category)) return h;
  }
  return undefined;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
