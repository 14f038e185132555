/**
 * Agent-aware rate limiting at a store: by money, not request count. The value of the store's
 * open negotiations (its live quotes) is capped, one counterparty may hold at most a share of
 * that cap, and the cap tightens as the measured volatility rises:
 * cap = max_open_value / (1 + volatility_tightening × realised volatility per minute).
 */

export const REFUSAL_REASONS = ['open_value', 'counterparty_share'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface LimiterConfig {
  readonly maxOpenValueMinor: number;
  /** share of the cap one counterparty may hold, in (0, 1] */
  readonly counterpartyShare: number;
  readonly volatilityTightening: number;
}

interface Entry {
  readonly counterparty: string;
  valueMinor: number;
  untilUs: number;
}

export class ExposureLimiter {
  private openMinor = 0;
  private readonly byCounterparty = new Map<string, number>();
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly config: LimiterConfig) {}

  /** The cap in force at a realised volatility (per minute). */
  capMinor(volatility: number): number {
    return this.config.maxOpenValueMinor / (1 + this.config.volatilityTightening * volatility);
  }

  /** Value of the open negotiations (after forgetting those past their validity at `nowUs`). */
  openValueMinor(nowUs: number): number {
    this.expire(nowUs);
    return this.openMinor;
  }

  /**
   * Admits a new negotiation `key` worth `valueMinor` with `counterparty`, open until `untilUs`,
   * or says why not.
   */
  admit(key: string, counterparty: string, valueMinor: number, untilUs: number, volatility: number, nowUs: number): RefusalReason | null {
    const reason = this.check(counterparty, valueMinor, volatility);
    if (reason !== null) {
      // Quotes that lapsed since are still counted: forget them, then decide again.
      this.expire(nowUs);
      const again = this.check(counterparty, valueMinor, volatility);
      if (again !== null) return again;
    }
    this.release(key);
    this.entries.set(key, { counterparty, valueMinor, untilUs });
    this.add(counterparty, valueMinor);
    return null;
  }

  /** A negotiation's live quote changed (a counter round): its new value and validity. */
  update(key: string, valueMinor: number, untilUs: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.add(e.counterparty, valueMinor - e.valueMinor);
    e.valueMinor = valueMinor;
    e.untilUs = untilUs;
  }

  /** Forgets every open negotiation (the store crashed and lost its quotes). */
  clear(): void {
    this.entries.clear();
    this.byCounterparty.clear();
    this.openMinor = 0;
  }

  /** A negotiation ended (executed, closed, expired). */
  release(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.add(e.counterparty, -e.valueMinor);
  }

  private check(counterparty: string, valueMinor: number, volatility: number): RefusalReason | null {
    const cap = this.capMinor(volatility);
    if (this.openMinor + valueMinor > cap) return 'open_value';
    if ((this.byCounterparty.get(counterparty) ?? 0) + valueMinor > this.config.counterpartyShare * cap) return 'counterparty_share';
    return null;
  }

  private add(counterparty: string, deltaMinor: number): void {
    this.openMinor += deltaMinor;
    const left = (this.byCounterparty.get(counterparty) ?? 0) + deltaMinor;
    if (left === 0) this.byCounterparty.delete(counterparty);
    else this.byCounterparty.set(counterparty, left);
  }

  private expire(nowUs: number): void {
    for (const [key, e] of this.entries) if (e.untilUs < nowUs) this.release(key);
  }
}
