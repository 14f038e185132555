import { describe, expect, it } from 'vitest';
import { Market } from '../../src/market/market.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { minimalBuyer } from '../plans.js';

const S = 1_000_000;

function plan(): SimulationPlan {
  const r = validate({
    name: 'market-unit',
    seed: 3,
    duration: '1m',
    market: {
      tick: '1s',
      categories: [
        {
          name: 'headphones',
          reference_price: 150,
          skus: [
            { sku: 'WH-1', name: 'Headphones' },
            { sku: 'WH-2', name: 'Headphones V2', price_factor: 1.1 },
          ],
        },
        { name: 'cables', reference_price: 9.99, skus: [{ sku: 'CB-1', name: 'Cable', price_factor: 0.5 }] },
      ],
      regimes: [
        { name: 'calm', duration: '30s', volatility_per_minute: 0 },
        { name: 'spike', duration: '30s', volatility_per_minute: 0.2, demand_multiplier: 3 },
      ],
    },
    network: { latency: '1ms' },
    stores: [
      {
        organisation: 'acme',
        agents: 1,
        categories: ['headphones', 'cables'],
        margin: 0.2,
        floor_margin: 0.05,
        quote_validity: '5s',
        stock: { 'WH-1': 1 },
        strategy: { kind: 'linear', max_rounds: 3 },
        capacity: { servers: 1, service_time: '1ms' },
      },
    ],
    buyers: [
      minimalBuyer({ categories: ['headphones'], mandate: { max_per_purchase: 1000 } }),
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

describe('Market', () => {
  it('looks up a SKU with its category and price factor', () => {
    const m = new Market(plan(), 60 * S);
    expect(m.sku('WH-2')).toEqual({ sku: 'WH-2', name: 'Headphones V2', category: 'headphones', priceFactor: 1.1 });
    expect(m.sku('CB-1')).toEqual({ sku: 'CB-1', name: 'Cable', category: 'cables', priceFactor: 0.5 });
    expect(m.sku('WH-1')?.priceFactor).toBe(1);
  });

  it('returns undefined for an unknown SKU', () => {
    expect(new Market(plan(), 60 * S).sku('NOPE')).toBeUndefined();
  });

  it('lists the SKUs of a category in scenario order, and none for an unknown one', () => {
    const m = new Market(plan(), 60 * S);
    expect(m.skusIn('headphones').map((s) => s.sku)).toEqual(['WH-1', 'WH-2']);
    expect(m.skusIn('cables').map((s) => s.sku)).toEqual(['CB-1']);
    expect(m.skusIn('furniture')).toEqual([]);
  });

  it('starts each category at its reference price in minor units', () => {
    const m = new Market(plan(), 60 * S);
    expect(m.referencePriceMinor('headphones', 0)).toBe(15_000);
    expect(m.referencePriceMinor('cables', 0)).toBe(999);
  });

  it('keeps the price flat in a zero-volatility regime and lets it move in a volatile one', () => {
    const m = new Market(plan(), 60 * S);
    expect(m.referencePriceMinor('headphones', 30 * S)).toBe(15_000);
    expect(m.realisedVolatility('headphones', 30 * S)).toBe(0);
    expect(m.referencePriceMinor('headphones', 59 * S)).not.toBe(15_000);
    expect(m.realisedVolatility('headphones', 59 * S)).toBeGreaterThan(0);
  });

  it('gives the same path to every Market built from the same plan', () => {
    const a = new Market(plan(), 60 * S);
    const b = new Market(plan(), 60 * S);
    for (let t = 0; t <= 60 * S; t += 5 * S) expect(a.referencePriceMinor('headphones', t)).toBe(b.referencePriceMinor('headphones', t));
  });

  it('exposes the regime timeline', () => {
    const m = new Market(plan(), 60 * S);
    expect(m.regimeAt(29 * S).name).toBe('calm');
    expect(m.regimeAt(30 * S).name).toBe('spike');
    expect(m.regimeIndexAt(30 * S)).toBe(1);
    expect(m.maxDemandMultiplier()).toBe(3);
  });

  it('throws for a category it does not know', () => {
    const m = new Market(plan(), 60 * S);
    expect(() => m.referencePriceMinor('furniture', 0)).toThrow(/unknown category furniture/);
    expect(() => m.realisedVolatility('furniture', 0)).toThrow(/unknown category/);
  });
});
