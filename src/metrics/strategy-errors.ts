/**
 * Negotiations a strategy broke (it threw, or answered outside the contract): counted per
 * strategy, with the first few kept to show where. Merges in any order to the same figures.
 */

/** One broken call, where and when it happened. */
export interface StrategyErrorSample {
  readonly strategy: string;
  readonly role: 'buyer' | 'store';
  readonly agent: string;
  readonly conversation_id: string;
  readonly vt_us: number;
  readonly message: string;
}

export interface StrategyErrorsData {
  readonly counts: [string, number][];
  readonly first: StrategyErrorSample[];
}

/** How many samples a report keeps. */
export const STRATEGY_ERROR_SAMPLES = 10;

function order(a: StrategyErrorSample, b: StrategyErrorSample): number {
  return a.vt_us - b.vt_us || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0) || (a.conversation_id < b.conversation_id ? -1 : a.conversation_id > b.conversation_id ? 1 : 0);
}

export class StrategyErrors {
  /** by `<role> <strategy>` */
  readonly counts = new Map<string, number>();
  first: StrategyErrorSample[] = [];

  add(sample: StrategyErrorSample): void {
    const key = `${sample.role} ${sample.strategy}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    // The smallest by (time, agent, conversation), so any layout over threads keeps the same ones.
    if (this.first.length === STRATEGY_ERROR_SAMPLES && order(sample, this.first[STRATEGY_ERROR_SAMPLES - 1]!) >= 0) return;
    this.first = [...this.first, sample].sort(order).slice(0, STRATEGY_ERROR_SAMPLES);
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  merge(o: StrategyErrorsData): void {
    for (const [k, v] of o.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + v);
    this.first = [...this.first, ...o.first].sort(order).slice(0, STRATEGY_ERROR_SAMPLES);
  }

  toData(): StrategyErrorsData {
    return { counts: [...this.counts], first: this.first };
  }
}
