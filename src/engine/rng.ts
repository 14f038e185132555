/**
 * Named random streams. Every stream is a seedrandom Alea generator seeded by a 53-bit hash of
 * (seed, stream name), so adding a stream never shifts another one.
 */
import seedrandom from 'seedrandom';

/**
 * cyrb53, a fast 53-bit string hash. Alea's own seeding hashes its seed string three times
 * character by character; handing it a short digest instead of a long stream name
 * (`link:agent:…→agent:…`) makes a new stream several times cheaper.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const Z_99 = 2.3263478740408408; // standard normal quantile at 0.99

/** A deterministic source of randomness; simulation code receives one, never reaches for one. */
export class Rng {
  private readonly source: () => number;

  constructor(seed: string | number, streamName: string) {
    this.source = seedrandom.alea(hash53(`${seed}\u0000${streamName}`).toString(36));
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
