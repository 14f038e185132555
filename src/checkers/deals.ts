/**
 * Invariant checks on deals. The checker only observes: agents report what they recorded and it
 * raises InvariantViolation when the model breaks a rule. Both sides of every deal must record
 * identical terms; no deal (an accepted quote) is executed twice; inventory never goes negative.
 */
import { InvariantViolation } from '../engine/kernel.js';
import { Fifo } from '../engine/fifo.js';

export interface DealFinding {
  /** orders both sides recorded with identical terms */
  readonly matched: number;
  /** orders the store executed whose confirmation never reached the buyer */
  readonly inDoubt: number;
}

/** A DealChecker's records as plain data (to cross a thread boundary). */
export interface DealCheckerData {
  readonly storeDeals: [string, string][];
  readonly buyerDeals: [string, string][];
  readonly executed: [string, number][];
  readonly matched: number;
}

export class DealChecker {
  private readonly storeDeals = new Map<string, string>();
  private readonly buyerDeals = new Map<string, string>();
  /** deal keys executed within the last `memoryUs`, with their times (oldest first in `expiry`) */
  private readonly executed = new Map<string, number>();
  private readonly expiry = new Fifo<string>();
  private matched = 0;

  /**
   * `memoryUs`: how long an executed deal can still be executed again by a buggy store (while the
   * store still holds the quote); older keys are forgotten, so memory does not grow with the run.
   */
  constructor(private readonly memoryUs = Infinity) {}

  /**
   * A store executed an order; `terms` is a canonical summary of what it agreed and `dealKey`
   * names the deal (the accepted quote), which must not be executed twice.
   */
  storeExecuted(orderId: string, terms: string, nowUs: number, dealKey: string = orderId): void {
    this.forget(nowUs);
    if (this.executed.has(dealKey)) throw new InvariantViolation(`deal ${dealKey} executed twice (order ${orderId})`, nowUs);
    this.executed.set(dealKey, nowUs);
    this.expiry.push(dealKey);
    this.observe(this.storeDeals, this.buyerDeals, orderId, terms, nowUs);
  }

  private forget(nowUs: number): void {
    if (this.memoryUs === Infinity) return;
    for (;;) {
      const oldest = this.expiry.peek();
      if (oldest === undefined || this.executed.get(oldest)! >= nowUs - this.memoryUs) return;
      this.expiry.shift();
      this.executed.delete(oldest);
    }
  }

  /** A buyer recorded a confirmed order. */
  buyerConfirmed(orderId: string, terms: string, nowUs: number): void {
    if (this.buyerDeals.has(orderId)) throw new InvariantViolation(`buyer recorded order ${orderId} twice`, nowUs);
    this.observe(this.buyerDeals, this.storeDeals, orderId, terms, nowUs);
  }

  /** A store's stock level after a change. */
  inventory(store: string, sku: string, level: number, nowUs: number): void {
    if (level < 0 || !Number.isInteger(level)) throw new InvariantViolation(`${store} inventory of ${sku} is ${level}`, nowUs);
  }

  private observe(mine: Map<string, string>, theirs: Map<string, string>, orderId: string, terms: string, nowUs: number): void {
    const other = theirs.get(orderId);
    if (other === undefined) {
      mine.set(orderId, terms);
      return;
    }
    if (other !== terms) throw new InvariantViolation(`order ${orderId}: buyer and store recorded different terms (${other} vs ${terms})`, nowUs);
    theirs.delete(orderId);
    this.matched++;
  }

  toData(): DealCheckerData {
    return { storeDeals: [...this.storeDeals], buyerDeals: [...this.buyerDeals], executed: [...this.executed], matched: this.matched };
  }

  static fromData(d: DealCheckerData): DealChecker {
    const c = new DealChecker();
    for (const [k, v] of d.storeDeals) c.storeDeals.set(k, v);
    for (const [k, v] of d.buyerDeals) c.buyerDeals.set(k, v);
    for (const [key, at] of d.executed) {
      c.executed.set(key, at);
      c.expiry.push(key);
    }
    c.matched = d.matched;
    return c;
  }

  /** Folds another checker's unmatched records into this one (for runs split across shards). */
  merge(other: DealChecker, nowUs: number): void {
    for (const [key, at] of other.executed) {
      if (this.executed.has(key)) throw new InvariantViolation(`deal ${key} executed twice`, nowUs);
      this.executed.set(key, at);
    }
    this.matched += other.matched;
    for (const [id, terms] of other.storeDeals) this.observe(this.storeDeals, this.buyerDeals, id, terms, nowUs);
    for (const [id, terms] of other.buyerDeals) this.observe(this.buyerDeals, this.storeDeals, id, terms, nowUs);
  }

  /** End of run: a deal only the buyer knows is a violation; one only the store knows is in doubt. */
  finish(nowUs: number): DealFinding {
    const orphan = this.buyerDeals.keys().next();
    if (!orphan.done) throw new InvariantViolation(`buyer recorded order ${orphan.value} that no store executed`, nowUs);
    return { matched: this.matched, inDoubt: this.storeDeals.size };
  }
}
