import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { AleaSlab, Hash53, hash53, Rng } from '../../src/engine/rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('named streams', () => {
  it("are seedrandom's Alea streams, draw for draw", () => {
    for (const [seed, name] of [[42, 'agent:buyer-17'], ['nightly', 'market:components'], [0, ''], [7, 'link:agent:a→agent:b']] as const) {
      const reference = seedrandom.alea(hash53(`${seed}\u0000${name}`).toString(36));
      const ours = new Rng(seed, name);
      for (let i = 0; i < 20_000; i++) expect(ours.next()).toBe(reference());
    }
  });

  it('kept many to a slab, each stream is the same as on its own, whatever the interleaving', () => {
    const slab = new AleaSlab();
    const alone = Array.from({ length: 3000 }, (_, i) => new Rng(5, `link:${i}`));
    for (let i = 0; i < 3000; i++) expect(slab.add(5, `link:${i}`)).toBe(i);
    expect(slab.size).toBe(3000);
    // Seeded without seedrandom's closures, but to the very state seedrandom gives.
    for (const [seed, name] of [['nightly', 'link:agent:é→agent:ü'], [0, ''], [-3.5, 'x'.repeat(500)]] as const) {
      const one = new AleaSlab();
      const i = one.add(seed, name);
      const reference = new Rng(seed, name);
      for (let k = 0; k < 100; k++) expect(one.at(i).next()).toBe(reference.next());
    }
    let x = 1;
    for (let k = 0; k < 30_000; k++) {
      x = (x * 48271) % 2147483647;
      const i = x % 3000;
      expect(slab.at(i).next()).toBe(alone[i]!.next());
    }
  });

  it('are the same when their name is hashed in parts, for digests of every size', () => {
    let x = 7;
    for (let k = 0; k < 2000; k++) {
      x = (x * 48271) % 2147483647;
      const [seed, from, to] = [k % 3 === 0 ? x : `s${x}`, `agent:buyer-${x % 977}`, `agent:st${k}é-${x % 13}`];
      const parts = new Hash53().update(`${seed}\u0000link:`).update(from).update('→').update(to).digest();
      expect(parts).toBe(hash53(`${seed}\u0000link:${from}→${to}`));
      const slab = new AleaSlab();
      const i = slab.addDigest(parts);
      const reference = new Rng(seed, `link:${from}→${to}`);
      for (let d = 0; d < 5; d++) expect(slab.at(i).next()).toBe(reference.next());
    }
    // digests with one base-36 digit and with eleven (up to 2^53 - 1) seed the stream as their text does
    for (const digest of [0, 1, 35, 36, 2 ** 32, 2 ** 53 - 1, 2 ** 53 - 2]) {
      const slab = new AleaSlab();
      const reference = seedrandom.alea(digest.toString(36));
      const i = slab.addDigest(digest);
      for (let d = 0; d < 5; d++) expect(slab.at(i).next()).toBe(reference());
    }
  });

  it('give the same sequence for the same seed and name', () => {
    expect(draws(new Rng(42, 'agent:buyer-17'), 1000)).toEqual(draws(new Rng(42, 'agent:buyer-17'), 1000));
  });

  it('give different sequences for different names', () => {
    const a = draws(new Rng(42, 'agent:buyer-17'), 20);
    expect(draws(new Rng(42, 'agent:buyer-18'), 20)).not.toEqual(a);
    expect(draws(new Rng(42, 'link:buyer-17→store-3'), 20)).not.toEqual(a);
    expect(draws(new Rng(42, ''), 20)).not.toEqual(a);
  });

  it('give different sequences for different seeds', () => {
    const a = draws(new Rng(42, 'market:components'), 20);
    expect(draws(new Rng(43, 'market:components'), 20)).not.toEqual(a);
    expect(draws(new Rng('nightly', 'market:components'), 20)).not.toEqual(a);
  });

  it('do not let seed and name run into each other', () => {
    expect(draws(new Rng(1, '2x'), 5)).not.toEqual(draws(new Rng(12, 'x'), 5));
  });

  it('are not shifted by creating or using other streams', () => {
    const reference = draws(new Rng(7, 'agent:buyer-1'), 10);
    const stream = new Rng(7, 'agent:buyer-1');
    const got = draws(stream, 5);
    for (let i = 0; i < 50; i++) draws(new Rng(7, `agent:buyer-${i + 2}`), 3);
    got.push(...draws(stream, 5));
    expect(got).toEqual(reference);
  });

  it('give distinct values across many streams', () => {
    const firsts = new Set(Array.from({ length: 1000 }, (_, i) => new Rng(1, `agent:${i}`).next()));
    expect(firsts.size).toBe(1000);
  });
});

describe('draws', () => {
  const rng = new Rng(2025, 'test:draws');

  it('next is uniform in [0, 1)', () => {
    const values = draws(rng, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(mean(values)).toBeCloseTo(0.5, 1);
    // each tenth of the interval gets about a tenth of the draws
    const deciles = new Array(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]++;
    for (const count of deciles) expect(count).toBeGreaterThan(1_700);
  });

  it('uniform stays in [min, max)', () => {
    for (let i = 0; i < 5_000; i++) {
      const v = rng.uniform(-3, 5);
      if (!(v >= -3 && v < 5)) throw new Error(`out of range: ${v}`);
    }
  });

  it('int covers [0, n) with integers only', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('chance(0) is never true, chance(1) always, chance(0.3) about 30%', () => {
    let zero = 0;
    let one = 0;
    let third = 0;
    for (let i = 0; i < 20_000; i++) {
      if (rng.chance(0)) zero++;
      if (rng.chance(1)) one++;
      if (rng.chance(0.3)) third++;
    }
    expect(zero).toBe(0);
    expect(one).toBe(20_000);
    expect(third / 20_000).toBeCloseTo(0.3, 1);
  });

  it('exponential is positive with the given mean', () => {
    const values = Array.from({ length: 20_000 }, () => rng.exponential(3_000));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(mean(values) / 3_000).toBeGreaterThan(0.95);
    expect(mean(values) / 3_000).toBeLessThan(1.05);
  });

  it('normal has mean 0 and standard deviation 1', () => {
    const values = Array.from({ length: 20_000 }, () => rng.normal());
    const m = mean(values);
    const sd = Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('lognormal matches the requested median and 99th percentile', () => {
    const values = Array.from({ length: 40_000 }, () => rng.lognormal(2_000, 12_000));
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(quantile(values, 0.5) / 2_000).toBeGreaterThan(0.95);
    expect(quantile(values, 0.5) / 2_000).toBeLessThan(1.05);
    expect(quantile(values, 0.99) / 12_000).toBeGreaterThan(0.9);
    expect(quantile(values, 0.99) / 12_000).toBeLessThan(1.1);
  });

  it('lognormal draws the same numbers whichever distributions were drawn from before (its sigma is kept for the last two)', () => {
    const Z_99 = 2.3263478740408408;
    const a = new Rng(11, 'lognormal');
    const b = new Rng(11, 'lognormal');
    const params = [
      [2_000, 12_000],
      [1_000, 6_000],
      [2_000, 12_000],
      [500, 700],
      [1_000, 6_000],
      [1_000, 6_000],
      [2_000, 12_000],
    ] as const;
    for (let i = 0; i < 60; i++) {
      const [median, p99] = params[i % params.length]!;
      expect(a.lognormal(median, p99)).toBe(median * Math.exp((Math.log(p99 / median) / Z_99) * b.normal()));
    }
  });

  it.each([
    [10, 4],
    [10, 9],
    [1_000, 5],
    [40, 10],
  ])('sample(%s, %s) picks k distinct indices from [0, n)', (n, k) => {
    for (let i = 0; i < 200; i++) {
      const picked = rng.sample(n, k);
      expect(picked).toHaveLength(k);
      expect(new Set(picked).size).toBe(k);
      for (const x of picked) expect(x >= 0 && x < n && Number.isInteger(x)).toBe(true);
    }
  });

  it('sample with k >= n is a permutation of [0, n)', () => {
    expect([...rng.sample(5, 10)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(rng.sample(0, 3)).toEqual([]);
  });

  it.each([
    [6, 2, 6_000],
    [40, 3, 8_000],
  ])('sample(%s, %s) picks every index about equally often', (n, k, runs) => {
    const counts = new Array(n).fill(0);
    for (let i = 0; i < runs; i++) for (const x of rng.sample(n, k)) counts[x]++;
    const expected = (runs * k) / n;
    for (const c of counts) expect(Math.abs(c - expected) / expected).toBeLessThan(0.15);
  });

  it.each([
    [1_000, 5],
    [10, 8],
    [4, 9],
    [0, 2],
  ])('pick(list of %s, %s) takes the elements at the indices sample draws, drawing the same', (n, k) => {
    const list = Array.from({ length: n }, (_, i) => ({ i }));
    const a = new Rng(5, 'test:pick');
    const b = new Rng(5, 'test:pick');
    expect(a.pick(list, k)).toEqual(b.sample(n, k).map((i) => list[i]));
    expect(a.next()).toBe(b.next());
  });

  it.each([1, 2, 3, 4, 5, 40])('sample(%s, 1) is one draw of int(n)', (n) => {
    const a = new Rng(9, 'test:one');
    const b = new Rng(9, 'test:one');
    for (let i = 0; i < 200; i++) {
      expect(a.sample(n, 1)).toEqual([b.int(n)]);
      expect(a.next()).toBe(b.next());
    }
  });

  it('sample is reproducible from the stream', () => {
    const a = new Rng(3, 'test:sample');
    const b = new Rng(3, 'test:sample');
    expect([a.sample(1_000, 5), a.sample(10, 8)]).toEqual([b.sample(1_000, 5), b.sample(10, 8)]);
  });
});
