import { describe, expect, it } from 'vitest';
import { ASK_NOISE, exponentGrid, LOWEST_FLOOR, OpponentModel } from '../../../src/agents/strategies/opponent-model.js';
import { storeAsk } from '../../../src/agents/strategies/time-dependent.js';

const L = 100_000;
const HORIZON = 10;

/** The asks a time-dependent store with `floor` and `e` makes at rounds 1..n (round-based progress). */
function asks(floor: number, e: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => storeAsk(L, floor, (k + 1) / HORIZON, e));
}

function modelAfter(floor: number, e: number, n: number, floorSteps = 200, exponentSteps = 24): OpponentModel {
  const m = new OpponentModel({ floorSteps, exponentSteps });
  m.reset(L);
  asks(floor, e, n).forEach((a, k) => m.observe(k + 1, a));
  return m;
}

/** The same posterior the plain way: every log posterior in an array, then normalised. */
function bruteForce(m: { floorSteps: number; exponentSteps: number }, observed: [number, number][], reservation: number, nextRound: number) {
  const es = exponentGrid(m.exponentSteps);
  const sigma = ASK_NOISE * L + 1;
  const lps: { lp: number; floor: number; next: number }[] = [];
  for (let j = 0; j < m.exponentSteps; j++) {
    for (let i = 0; i < m.floorSteps; i++) {
      const floor = L * (LOWEST_FLOOR + ((1 - LOWEST_FLOOR) * i) / (m.floorSteps - 1));
      const predict = (round: number) => L - (L - floor) * Math.pow(Math.min(1, round / HORIZON), 1 / es[j]!);
      let lp = 0;
      for (const [round, ask] of observed) lp -= (ask - predict(round)) ** 2 / (2 * sigma * sigma);
      lps.push({ lp, floor, next: predict(nextRound) });
    }
  }
  const max = Math.max(...lps.map((h) => h.lp));
  const w = lps.map((h) => Math.exp(h.lp - max));
  const z = w.reduce((a, b) => a + b, 0);
  return {
    pFloorAbove: lps.reduce((a, h, k) => a + (h.floor > reservation ? w[k]! : 0), 0) / z,
    expectedFloor: lps.reduce((a, h, k) => a + w[k]! * h.floor, 0) / z,
    expectedNextAsk: lps.reduce((a, h, k) => a + w[k]! * h.next, 0) / z,
  };
}

describe('exponentGrid', () => {
  it('spaces the concession exponents evenly on a log scale from 0.1 to 10', () => {
    const g = exponentGrid(5);
    expect([...g].map((e) => Number(e.toFixed(6)))).toEqual([0.1, 0.316228, 1, 3.162278, 10]);
    expect([...exponentGrid(1)]).toEqual([1]);
  });
});

describe('OpponentModel', () => {
  it('counts its hypotheses and starts from a uniform prior', () => {
    const m = new OpponentModel({ floorSteps: 101, exponentSteps: 8 });
    expect(m.hypotheses).toBe(808);
    m.reset(L);
    expect(m.observations).toBe(0);
    const b = m.belief(0.75 * L, 1, HORIZON);
    // Floors are even from half the first quote to all of it: the prior mean is 0.75 L.
    expect(b.expectedFloor).toBeCloseTo(0.75 * L, 6);
    // 50 of the 101 floor steps lie above 0.75 L.
    expect(b.pFloorAbove).toBeCloseTo(50 / 101, 9);
  });

  it.each([
    ['boulware', 0.2, 0.88],
    ['linear', 1, 0.8],
    ['conceder', 3, 0.7],
  ])('predicts the next ask of a %s store to within 0.5%% after four asks', (_kind, e, share) => {
    const b = modelAfter(share * L, e, 4).belief(0, 5, HORIZON);
    expect(Math.abs(b.expectedNextAsk - storeAsk(L, share * L, 5 / HORIZON, e)) / L).toBeLessThan(0.005);
  });

  it('learns the floor once the asks tell floor and exponent apart', () => {
    // Early asks fit a low floor conceded slowly as well as a high floor conceded fast.
    const early = modelAfter(0.8 * L, 1, 2).belief(0, 3, HORIZON);
    expect(Math.abs(early.expectedFloor - 0.8 * L) / L).toBeGreaterThan(0.01);
    expect(Math.abs(modelAfter(0.8 * L, 1, 8).belief(0, 9, HORIZON).expectedFloor - 0.8 * L) / L).toBeLessThan(0.005);
    // A conceder gives most of its range away early: four asks show its floor.
    expect(Math.abs(modelAfter(0.7 * L, 3, 4).belief(0, 5, HORIZON).expectedFloor - 0.7 * L) / L).toBeLessThan(0.005);
  });

  it('becomes sure the floor is above a budget below it, and not above a budget over it', () => {
    expect(modelAfter(0.9 * L, 1, 2).belief(0.8 * L, 3, HORIZON).pFloorAbove).toBeLessThan(0.95);
    expect(modelAfter(0.9 * L, 1, 6).belief(0.8 * L, 7, HORIZON).pFloorAbove).toBeGreaterThan(0.95);
    expect(modelAfter(0.9 * L, 1, 8).belief(0.8 * L, 9, HORIZON).pFloorAbove).toBeGreaterThan(0.999);
    expect(modelAfter(0.9 * L, 1, 8).belief(0.95 * L, 9, HORIZON).pFloorAbove).toBeLessThan(0.01);
  });

  it('gives what the plain two-pass computation gives', () => {
    const settings = { floorSteps: 40, exponentSteps: 7 };
    const m = new OpponentModel(settings);
    m.reset(L);
    const observed: [number, number][] = [
      [1, 97_000],
      [2, 93_500],
      [3, 91_000],
    ];
    for (const [round, ask] of observed) m.observe(round, ask);
    const got = m.belief(85_000, 4, HORIZON);
    const want = bruteForce(settings, observed, 85_000, 4);
    expect(got.pFloorAbove).toBeCloseTo(want.pFloorAbove, 9);
    expect(got.expectedFloor / L).toBeCloseTo(want.expectedFloor / L, 9);
    expect(got.expectedNextAsk / L).toBeCloseTo(want.expectedNextAsk / L, 9);
  });

  it('forgets the last negotiation on reset', () => {
    const m = modelAfter(0.9 * L, 1, 4);
    expect(m.observations).toBe(4);
    m.reset(L);
    expect(m.observations).toBe(0);
    expect(m.belief(0.75 * L, 1, HORIZON).expectedFloor).toBeCloseTo(0.75 * L, 6);
  });
});

describe('OpponentModel.prepare', () => {
  const floor = 0.85 * L;
  const ask = (round: number) => storeAsk(L, floor, round / HORIZON, 2);

  it('keeps exactly the belief the next observation and consultation ask for, and leaves the evidence alone', () => {
    const m = modelAfter(floor, 2, 3);
    const fresh = modelAfter(floor, 2, 3);
    expect(m.prepare(4, ask(4), 0.9 * L, 5, HORIZON)).toBe(true);
    expect(m.observations).toBe(3);
    expect(m.prepare(4, ask(4), 0.9 * L, 5, HORIZON)).toBe(false); // already kept
    m.observe(4, ask(4));
    fresh.observe(4, ask(4));
    const kept = m.belief(0.9 * L, 5, HORIZON);
    expect(kept).toEqual(fresh.belief(0.9 * L, 5, HORIZON));
    // Used once: the same consultation again is computed, and gives the same.
    const again = m.belief(0.9 * L, 5, HORIZON);
    expect(again).not.toBe(kept);
    expect(again).toEqual(kept);
  });

  // What was kept, and what is asked for instead: each one must be computed afresh.
  it.each([
    ['another ask', (m: OpponentModel) => (m.observe(4, ask(4) + 1), m.belief(0.9 * L, 5, HORIZON))],
    ['another round', (m: OpponentModel) => (m.observe(5, ask(4)), m.belief(0.9 * L, 5, HORIZON))],
    ['another budget', (m: OpponentModel) => (m.observe(4, ask(4)), m.belief(0.8 * L, 5, HORIZON))],
    ['another next round', (m: OpponentModel) => (m.observe(4, ask(4)), m.belief(0.9 * L, 6, HORIZON))],
    ['another horizon', (m: OpponentModel) => (m.observe(4, ask(4)), m.belief(0.9 * L, 5, HORIZON + 2))],
    ['no observation', (m: OpponentModel) => m.belief(0.9 * L, 5, HORIZON)],
    ['two observations', (m: OpponentModel) => (m.observe(4, ask(4)), m.observe(4, ask(4)), m.belief(0.9 * L, 5, HORIZON))],
    ['a reset between', (m: OpponentModel) => (m.reset(L), [1, 2, 3].forEach((r) => m.observe(r, ask(r))), m.observe(4, ask(4)), m.belief(0.9 * L, 5, HORIZON))],
  ])('is not used for %s', (_, consult) => {
    const m = modelAfter(floor, 2, 3, 60, 8);
    m.prepare(4, ask(4), 0.9 * L, 5, HORIZON);
    const fresh = modelAfter(floor, 2, 3, 60, 8);
    expect(consult(m)).toEqual(consult(fresh));
  });
});
