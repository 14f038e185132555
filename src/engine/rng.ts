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
  return new Hash53().update(text).digest();
}

/** hash53 over text given in parts, without joining them into one string first. */
export class Hash53 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  /** Starts over from the state of `other` (e.g. a prefix hashed once). */
  from(other: Hash53): this {
    this.h1 = other.h1;
    this.h2 = other.h2;
    return this;
  }

  update(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** The hash of the text so far, as hash53 gives it for that text whole. */
  digest(): number {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}

const Z_99 = 2.3263478740408408; // standard normal quantile at 0.99
/** 2^-32: Alea's scale from its 32-bit carry to [0, 1). */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** The state of one Alea stream: three fractions and a carry. */
export interface AleaState {
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
  readonly c: number;
}

/** The text seedrandom's Alea is seeded with for stream (seed, name). */
function seedText(seed: string | number, streamName: string): string {
  return hash53(`${seed}\u0000${streamName}`).toString(36);
}

/** The state seedrandom's Alea starts stream (seed, name) from. */
export function aleaState(seed: string | number, streamName: string): AleaState {
  return seedrandom.alea(seedText(seed, streamName), { state: true }).state() as AleaState;
}

/** Baagøe's Mash, the string hash Alea seeds with: the hash state after one more character code. */
function mashCode(n: number, code: number): number {
  n += code;
  let h = 0.02519603282416938 * n;
  n = h >>> 0;
  h -= n;
  h *= n;
  n = h >>> 0;
  h -= n;
  return n + h * 0x100000000;
}

/** The Mash state after `data`. */
function mash(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) n = mashCode(n, data.charCodeAt(i));
  return n;
}

/** Base-36 digits of a non-negative integer, most significant first, as Number#toString(36) writes them. */
const digits36 = new Int32Array(16);
const DIGIT_CODES = '0123456789abcdefghijklmnopqrstuvwxyz';

/** mash() over the text `value.toString(36)` of a non-negative safe integer, without making that text. */
function mashBase36(n: number, value: number): number {
  let count = 0;
  do {
    const q = Math.floor(value / 36);
    digits36[count++] = DIGIT_CODES.charCodeAt(value - q * 36);
    value = q;
  } while (value > 0);
  for (let k = count - 1; k >= 0; k--) n = mashCode(n, digits36[k]!);
  return n;
}

// Alea's seeding starts by mashing ' ' three times from a fixed state: always the same numbers.
const MASH_0 = mash(0xefc8249d, ' ');
const MASH_1 = mash(MASH_0, ' ');
const MASH_2 = mash(MASH_1, ' ');

/**
 * seedrandom's Alea seeding, computed in place (a link stream is made millions of times in a long
 * run, and seedrandom builds half a dozen closures for each). Tests hold it to aleaState().
 */
function seedAleaInto(state: Float64Array, at: number, digest: number): void {
  let s0 = (MASH_0 >>> 0) * TWO_POW_MINUS_32;
  let s1 = (MASH_1 >>> 0) * TWO_POW_MINUS_32;
  let s2 = (MASH_2 >>> 0) * TWO_POW_MINUS_32;
  // The seed text is the digest in base 36 (seedText), mashed three times.
  let n = mashBase36(MASH_2, digest);
  s0 -= (n >>> 0) * TWO_POW_MINUS_32;
  if (s0 < 0) s0 += 1;
  n = mashBase36(n, digest);
  s1 -= (n >>> 0) * TWO_POW_MINUS_32;
  if (s1 < 0) s1 += 1;
  n = mashBase36(n, digest);
  s2 -= (n >>> 0) * TWO_POW_MINUS_32;
  if (s2 < 0) s2 += 1;
  state[at] = s0;
  state[at + 1] = s1;
  state[at + 2] = s2;
  state[at + 3] = 1;
}

/**
 * The last two lognormals' parameters and sigma (median, p99, sigma, twice over): a run draws
 * from a distribution or two over and over (its latency, a service time), and this saves a
 * logarithm per draw. Held in a typed array, as plain variables would box the numbers.
 */
const sigmas = new Float64Array([NaN, NaN, 0, NaN, NaN, 0]);
/** the entry written longest ago, replaced on a miss */
let olderSigma = 0;

function sigmaOf(median: number, p99: number): number {
  if (sigmas[0] === median && sigmas[1] === p99) return sigmas[2]!;
  if (sigmas[3] === median && sigmas[4] === p99) return sigmas[5]!;
  const at = olderSigma;
  olderSigma = 3 - at;
  const sigma = Math.log(p99 / median) / Z_99;
  sigmas[at] = median;
  sigmas[at + 1] = p99;
  sigmas[at + 2] = sigma;
  return sigma;
}

/**
 * Draws shared by every stream. A stream is seedrandom's Alea: seeded by seedrandom and stepped
 * by the same recurrence (test/engine/rng.test.ts holds every kind of stream to seedrandom's own
 * output), held as plain fields so that a stream costs a few dozen bytes rather than a handful of
 * closures; a long run keeps millions of them, one per network link.
 */
export abstract class Draws {
  /** Uniform in [0, 1). */
  abstract next(): number;

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Lognormal given its median and 99th percentile. */
  lognormal(median: number, p99: number): number {
    return median * Math.exp(sigmaOf(median, p99) * this.normal());
  }

  /** Picks `k` distinct elements of `list`, in the order drawn: those at the indices sample(list.length, k) draws. */
  pick<T>(list: readonly T[], k: number): T[] {
    // The indices' own array, its numbers replaced by the elements they name.
    const picked = this.sample(list.length, k) as unknown[];
    for (let i = 0; i < picked.length; i++) picked[i] = list[picked[i] as number];
    return picked as T[];
  }

  /** Picks `k` distinct indices from [0, n), in the order drawn. */
  sample(n: number, k: number): number[] {
    const take = Math.min(n, k);
    // Lists made to length: one grown by push keeps room for 16 more.
    if (take * 4 <= n) {
      // Few from many: redraw duplicates instead of shuffling a whole scratch array.
      const picked = new Array<number>(take);
      for (let got = 0; got < take; ) {
        const i = this.int(n);
        let seen = false;
        for (let j = 0; j < got; j++) if (picked[j] === i) seen = true;
        if (!seen) picked[got++] = i;
      }
      return picked;
    }
    const pool = new Array<number>(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < take; i++) {
      const j = i + this.int(n - i);
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
    }
    pool.length = take;
    return pool;
  }
}

/** A deterministic source of randomness; simulation code receives one, never reaches for one. */
export class Rng extends Draws {
  // Fields that start as numbers: a field declared without a value starts as undefined, and V8
  // then keeps it as a reference, so that every fraction written to it was a new 16-byte number
  // (one per draw). Started as numbers, the fractions are written in place.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private c = 0;

  constructor(seed: string | number, streamName: string) {
    super();
    const state = aleaState(seed, streamName);
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
    this.c = state.c;
  }

  next(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  }
}

/**
 * Many Alea streams in one Float64Array, four numbers each: for the network's links, of which a
 * long run has millions. `at(i)` points the slab's cursor at stream i; draw from it before
 * pointing it elsewhere.
 */
export class AleaSlab extends Draws {
  private state = new Float64Array(4 * 1024);
  private count = 0;
  private base = 0;

  /** Adds stream (seed, name) and returns its index. */
  add(seed: string | number, streamName: string): number {
    return this.addDigest(hash53(`${seed}\u0000${streamName}`));
  }

  /**
   * Adds the stream whose name hashes to `digest` (Hash53 over `${seed}\u0000${name}`, given in
   * parts so that no name is ever built) and returns its index: the same stream as add().
   */
  addDigest(digest: number): number {
    if (4 * (this.count + 1) > this.state.length) {
      const grown = new Float64Array(this.state.length * 2);
      grown.set(this.state);
      this.state = grown;
    }
    seedAleaInto(this.state, 4 * this.count, digest);
    return this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** This slab, drawing from stream `index` until pointed elsewhere. */
  at(index: number): this {
    this.base = 4 * index;
    return this;
  }

  next(): number {
    const st = this.state;
    const b = this.base;
    const t = 2091639 * st[b]! + st[b + 3]! * TWO_POW_MINUS_32;
    st[b] = st[b + 1]!;
    st[b + 1] = st[b + 2]!;
    const c = t | 0;
    st[b + 3] = c;
    return (st[b + 2] = t - c);
  }
}
