/**
 * Named random streams. Every stream is a seedrandom Alea generator whose state is derived by
 * Alea's own string hash (Mash) from (seed, stream name), so adding a stream never shifts
 * another one.
 */
import seedrandom from 'seedrandom';

const Z_99 = 2.3263478740408408; // standard normal quantile at 0.99

/** A deterministic source of randomness; simulation code receives one, never reaches for one. */
export class Rng {
  private readonly source: () => number;

  constructor(seed: string | number, streamName: string) {
    this.source = seedrandom.alea(`${seed}\u0000${streamName}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.source();
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.source();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.source() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.source() < p;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.source());
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u1 = 1 - this.source();
    const u2 = this.source();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Lognormal given its median and 99th percentile. */
  lognormal(median: number, p99: number): number {
    const sigma = Math.log(p99 / median) / Z_99;
    return median * Math.exp(sigma * this.normal());
  }

  /** Picks `k` distinct indices from [0, n), in the order drawn. */
  sample(n: number, k: number): number[] {
    const take = Math.min(n, k);
    if (take * 4 <= n) {
      // Few from many: redraw duplicates instead of shuffling a whole scratch array.
      const picked: number[] = [];
      while (picked.length < take) {
        const i = this.int(n);
        if (!picked.includes(i)) picked.push(i);
      }
      return picked;
    }
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < take; i++) {
      const j = i + this.int(n - i);
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
    }
    return pool.slice(0, take);
  }
}
