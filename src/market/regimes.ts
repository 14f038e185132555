/** The timeline of market regimes (calm → spike → calm …) laid end to end from time zero. */
import type { MarketPlan } from '../scenario/schema.js';

export interface Regime {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly volatilityPerMinute: number;
  readonly driftPerMinute: number;
  readonly demandMultiplier: number;
}

export class RegimeTimeline {
  readonly regimes: readonly Regime[];

  constructor(plan: MarketPlan['regimes']) {
    let start = 0;
    this.regimes = plan.map((r) => {
      const regime = {
        name: r.name,
        startUs: start,
        endUs: start + r.duration,
        volatilityPerMinute: r.volatility_per_minute,
        driftPerMinute: r.drift_per_minute,
        demandMultiplier: r.demand_multiplier,
      };
      start += r.duration;
      return regime;
    });
  }

  /** The regime in force at `timeUs`; the last one extends past the end of the timeline. */
  at(timeUs: number): Regime {
    const rs = this.regimes;
    for (let i = 0; i < rs.length - 1; i++) if (timeUs < rs[i]!.endUs) return rs[i]!;
    return rs[rs.length - 1]!;
  }

  /** Index of the regime in force at `timeUs`. */
  indexAt(timeUs: number): number {
    const rs = this.regimes;
    for (let i = 0; i < rs.length - 1; i++) if (timeUs < rs[i]!.endUs) return i;
    return rs.length - 1;
  }

  /** The highest demand multiplier of any regime (the envelope for thinning arrivals). */
  maxDemandMultiplier(): number {
    return Math.max(...this.regimes.map((r) => r.demandMultiplier));
  }
}
