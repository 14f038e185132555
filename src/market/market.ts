/** The market: one price path per category, the regime timeline, and the SKU catalogue. */
import type { SimulationPlan } from '../scenario/schema.js';
import { bandHalts, haltIn, marketWideHalts, type Halt } from './halts.js';
import { PricePath } from './price-path.js';
import { RegimeTimeline, type Regime } from './regimes.js';

export interface SkuInfo {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly priceFactor: number;
}

/** Read-only market view handed to agents. */
export interface MarketView {
  referencePriceMinor(category: string, timeUs: number): number;
  realisedVolatility(category: string, timeUs: number): number;
  regimeAt(timeUs: number): Regime;
  regimeIndexAt(timeUs: number): number;
  maxDemandMultiplier(): number;
  /** Every halt of the session, in start order. */
  readonly halts: readonly Halt[];
  /** The halt in force for `category` at `timeUs` (market-wide or the category's band pause), if any. */
  haltAt(category: string, timeUs: number): Halt | undefined;
  sku(sku: string): SkuInfo | undefined;
  skusIn(category: string): readonly SkuInfo[];
}

export class Market implements MarketView {
  readonly timeline: RegimeTimeline;
  private readonly paths = new Map<string, PricePath>();
  private readonly skus = new Map<string, SkuInfo>();
  private readonly byCategory = new Map<string, SkuInfo[]>();
  /** every halt of the session, market-wide and per category, in start order */
  readonly halts: readonly Halt[];

  /** `horizonUs` bounds the precomputed path; later times hold the last price. */
  constructor(plan: SimulationPlan, horizonUs: number) {
    this.timeline = new RegimeTimeline(plan.market.regimes);
    for (const c of plan.market.categories) {
      this.paths.set(
        c.name,
        new PricePath(c.name, c.reference_price, plan.market.tick, horizonUs, plan.market.volatility_window, this.timeline, plan.seed, c.process, c.shocks),
      );
      const list: SkuInfo[] = c.skus.map((s) => ({ sku: s.sku, name: s.name, category: c.name, priceFactor: s.price_factor }));
      this.byCategory.set(c.name, list);
      for (const s of list) this.skus.set(s.sku, s);
    }
    const tick = plan.market.tick;
    const halts = marketWideHalts(plan.market.halts?.levels ?? [], [...this.paths.values()], tick);
    for (const c of plan.market.categories) if (c.bands) halts.push(...bandHalts(c.bands, c.name, this.path(c.name), tick));
    const key = (h: Halt) => h.category ?? '';
    this.halts = halts.sort((a, b) => a.startUs - b.startUs || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  haltAt(category: string, timeUs: number): Halt | undefined {
    return this.halts.length === 0 ? undefined : haltIn(this.halts, category, timeUs);
  }

  private path(category: string): PricePath {
    const p = this.paths.get(category);
    if (!p) throw new Error(`unknown category ${category}`);
    return p;
  }

  referencePriceMinor(category: string, timeUs: number): number {
    return this.path(category).priceAt(timeUs);
  }

  realisedVolatility(category: string, timeUs: number): number {
    return this.path(category).realisedVolatilityAt(timeUs);
  }

  regimeAt(timeUs: number): Regime {
    return this.timeline.at(timeUs);
  }

  regimeIndexAt(timeUs: number): number {
    return this.timeline.indexAt(timeUs);
  }

  maxDemandMultiplier(): number {
    return this.timeline.maxDemandMultiplier();
  }

  sku(sku: string): SkuInfo | undefined {
    return this.skus.get(sku);
  }

  skusIn(category: string): readonly SkuInfo[] {
    return this.byCategory.get(category) ?? [];
  }
}
