import { describe, expect, it } from 'vitest';
import { bandHalts, haltIn, marketWideHalts, type HaltLevel, type TickPrices } from '../../src/market/halts.js';

const S = 1_000_000;
const MINUTE = 60 * S;
const LEVELS: HaltLevel[] = [
  { drop: 0.07, durationUs: 15 * MINUTE },
  { drop: 0.13, durationUs: 15 * MINUTE },
  { drop: 0.2, durationUs: 60 * MINUTE },
];

/** Prices on a 1 s grid: 100 until the first step, then each step's level from its tick on. */
function stepped(ticks: number, steps: [number, number][]): TickPrices {
  return {
    ticks,
    priceAtTick: (i) => {
      let p = 100;
      for (const [at, level] of steps) if (i >= at) p = level;
      return p;
    },
  };
}

describe('market-wide halts', () => {
  it('fires level 1 at the first tick the decline reaches 7%, for its duration', () => {
    const h = marketWideHalts(LEVELS, [stepped(3600, [[100, 95], [240, 92.9]])], S);
    expect(h).toEqual([{ kind: 'level_1', category: null, startUs: 240 * S, endUs: 240 * S + 15 * MINUTE, move: -0.071 }]);
  });

  it('does not fire on a decline just short of the level', () => {
    expect(marketWideHalts(LEVELS, [stepped(3600, [[100, 93.01]])], S)).toEqual([]);
  });

  it('fires each level at most once, and the next level only after the halt ends', () => {
    // -8% at 60 s, -14% at 300 s (inside the level 1 halt), back up and down again later.
    const path = stepped(7200, [[60, 92], [300, 86], [2000, 99], [2500, 91], [3000, 79]]);
    const h = marketWideHalts(LEVELS, [path], S);
    expect(h.map((x) => [x.kind, x.startUs / S, x.endUs / S])).toEqual([
      ['level_1', 60, 960],
      ['level_2', 960, 1860],
      ['level_3', 3000, 6600],
    ]);
  });

  it('a drop straight past several levels fires the highest, and spends the lower ones', () => {
    const h = marketWideHalts(LEVELS, [stepped(3600, [[30, 85], [1000, 95], [1200, 92]])], S);
    expect(h.map((x) => x.kind)).toEqual(['level_2']);
    expect(h[0]!.startUs).toBe(30 * S);
  });

  it('measures the decline on the mean of the categories relative to their start', () => {
    const a = stepped(600, [[10, 90]]);
    const b = stepped(600, []);
    expect(marketWideHalts(LEVELS, [a, b], S)).toEqual([]);
    const c = stepped(600, [[20, 95]]);
    expect(marketWideHalts(LEVELS, [a, c], S).map((x) => x.startUs)).toEqual([20 * S]);
  });
});

describe('limit-up/limit-down bands', () => {
  const spec = { width: 0.05, windowUs: 60 * S, limitStateUs: 15 * S, pauseUs: 5 * MINUTE };

  it('pauses a category whose price stays outside its band for the limit-state time', () => {
    const h = bandHalts(spec, 'widgets', stepped(1200, [[100, 90]]), S);
    // In the limit state from 100 s; paused 15 s later, when the trailing mean is (45 × 100 + 15 × 90) / 60.
    expect(h).toEqual([{ kind: 'limit_down', category: 'widgets', startUs: 115 * S, endUs: 415 * S, move: -0.076923 }]);
  });

  it('does not pause when the price returns inside the band in time', () => {
    expect(bandHalts(spec, 'widgets', stepped(1200, [[100, 90], [110, 100]]), S)).toEqual([]);
  });

  it('pauses on the way up as limit_up', () => {
    const h = bandHalts(spec, 'widgets', stepped(1200, [[100, 110]]), S);
    expect(h.map((x) => [x.kind, x.startUs / S])).toEqual([['limit_up', 115]]);
  });
});

describe('haltIn', () => {
  it('finds a market-wide halt for any category and a band pause only for its own, within [start, end)', () => {
    const halts = [
      { kind: 'level_1' as const, category: null, startUs: 10, endUs: 20, move: -0.07 },
      { kind: 'limit_down' as const, category: 'a', startUs: 30, endUs: 40, move: -0.1 },
    ];
    expect(haltIn(halts, 'b', 10)?.kind).toBe('level_1');
    expect(haltIn(halts, 'b', 20)).toBeUndefined();
    expect(haltIn(halts, 'a', 39)?.kind).toBe('limit_down');
    expect(haltIn(halts, 'b', 35)).toBeUndefined();
  });
});
