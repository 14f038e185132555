/** A latency distribution in integer µs: an HDR histogram plus exact count, sum and max. */
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly mean_us: number | null;
  readonly p50_us: number | null;
  readonly p90_us: number | null;
  readonly p99_us: number | null;
  readonly max_us: number | null;
}

/**
 * The percentiles of the percentile table (report.json `latency_percentiles`): dense where the
 * tail is, up to 99.99 and 100 (the maximum), so a curve of them shows the shape of the tail.
 */
export const PERCENTILE_TABLE = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 100] as const;

/** The percentiles of a summary (LatencySummary). */
const SUMMARY_PERCENTILES = [50, 90, 99] as const;

/** A LatencyHistogram as plain data (to cross a thread boundary). */
export interface LatencyData {
  readonly histogram: string;
  readonly samples: number;
  readonly sumUs: number;
  readonly maxUs: number;
  readonly minUs: number;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true });
}

/**
 * The histogram's value at each of `percentiles`, in one pass over its counts: the same answers as
 * getValueAtPercentile for each, which goes through the counts from the start every time (tens of
 * thousands of them, for each of a report's 27 percentiles). Same arithmetic: the count a
 * percentile needs is rounded up, less one unit in the last place of the product (hdr's ulp).
 */
export function valuesAtPercentiles(h: hdr.JsHistogram, percentiles: readonly number[]): number[] {
  const total = h.totalCount;
  const needed = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    return Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
  });
  const order = percentiles.map((_, i) => i).sort((a, b) => needed[a]! - needed[b]!);
  const values = new Array<number>(percentiles.length).fill(0);
  let k = 0;
  let running = 0;
  for (let i = 0; i < h.countsArrayLength && k < order.length; i++) {
    running += h.getCountAtIndex(i);
    while (k < order.length && running >= needed[order[k]!]!) {
      const at = order[k++]!;
      const value = h.valueFromIndex(i);
      values[at] = percentiles[at] === 0 ? h.lowestEquivalentValue(value) : h.highestEquivalentValue(value);
    }
  }
  return values;
}

export class LatencyHistogram {
  private histogram = newHistogram();
  private samples = 0;
  private sumUs = 0;
  private maxUs = 0;
  private minUs = Infinity;

  /** Number of samples recorded. */
  get count(): number {
    return this.samples;
  }

  record(us: number): void {
    const v = Math.max(0, Math.round(us));
    this.histogram.recordValue(v);
    this.samples++;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
    if (v < this.minUs) this.minUs = v;
  }

  toData(): LatencyData {
    return { histogram: hdr.encodeIntoCompressedBase64(this.histogram), samples: this.samples, sumUs: this.sumUs, maxUs: this.maxUs, minUs: this.minUs };
  }

  static fromData(d: LatencyData): LatencyHistogram {
    const h = new LatencyHistogram();
    const decoded = hdr.decodeFromCompressedBase64(d.histogram);
    h.histogram.add(decoded);
    h.samples = d.samples;
    h.sumUs = d.sumUs;
    h.maxUs = d.maxUs;
    h.minUs = d.minUs;
    return h;
  }

  /** Folds another histogram in (the merge is order-independent). */
  merge(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
    this.samples += other.samples;
    this.sumUs += other.sumUs;
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    this.minUs = Math.min(this.minUs, other.minUs);
  }

  /**
   * The histogram answers with the top of a value's bucket (3 significant digits), which can lie
   * above the largest value recorded; clamp to the exact range so p99 never exceeds max.
   */
  private clamp(value: number): number {
    return Math.min(this.maxUs, Math.max(this.minUs, value));
  }

  /** The latency at each of `percentiles` (0 is the minimum, 100 the maximum); empty without samples. */
  percentiles(percentiles: readonly number[] = PERCENTILE_TABLE): number[] {
    if (this.samples === 0) return [];
    const inner = percentiles.filter((p) => p > 0 && p < 100);
    const values = valuesAtPercentiles(this.histogram as hdr.JsHistogram, inner);
    let next = 0;
    return percentiles.map((p) => (p <= 0 ? this.minUs : p >= 100 ? this.maxUs : this.clamp(values[next++]!)));
  }

  summary(): LatencySummary {
    if (this.samples === 0) return { count: 0, mean_us: null, p50_us: null, p90_us: null, p99_us: null, max_us: null };
    const [p50, p90, p99] = this.percentiles(SUMMARY_PERCENTILES);
    return { count: this.samples, mean_us: Math.round(this.sumUs / this.samples), p50_us: p50!, p90_us: p90!, p99_us: p99!, max_us: this.maxUs };
  }
}
