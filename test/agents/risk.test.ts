/** Stores and buyers under the risk controls, in small deterministic runs (volatility zero unless shocked). */
import { describe, expect, it } from 'vitest';
import { errorsWith, ofType, run, sentAtUs, virtualUs, type Scenario } from './scenario.js';

const S = 1_000_000;

describe('halts at the store', () => {
  it('answers every intent inside a halt with market_halted, and none outside it', () => {
    const r = run((s) => {
      (s.market as any).categories[0].shocks = [{ at: '5s', change: -0.1 }];
      (s.market as any).halts = { levels: [{ drop: 0.07, duration: '5s' }] };
    });
    expect(r.result.results.halts).toEqual([{ kind: 'level_1', category: null, start_us: 5 * S, end_us: 10 * S, move: -0.1 }]);
    const halted = errorsWith(r.delivered, 'market_halted');
    expect(halted.length).toBeGreaterThan(0);
    for (const e of halted) {
      expect(sentAtUs(e)).toBeGreaterThanOrEqual(5 * S);
      expect(sentAtUs(e)).toBeLessThan(10 * S);
      expect(e.payload.message).toMatch(/the market is halted \(level_1\) until 2025-01-15T10:30:10/);
    }
    const quotes = ofType(r.delivered, 'a2a.commerce.quote');
    expect(quotes.some((q) => sentAtUs(q) < 5 * S)).toBe(true);
    expect(quotes.some((q) => sentAtUs(q) >= 10 * S)).toBe(true);
    expect(quotes.every((q) => sentAtUs(q) < 5 * S || sentAtUs(q) >= 10 * S)).toBe(true);
    expect(r.result.results.negotiation.outcomes.market_halted).toBeGreaterThan(0);
  });

  it('after the halt, stores quote from the shocked reference price', () => {
    const r = run((s) => {
      (s.market as any).categories[0].shocks = [{ at: '5s', change: -0.1 }];
      (s.market as any).halts = { levels: [{ drop: 0.07, duration: '5s' }] };
    });
    const after = ofType(r.delivered, 'a2a.commerce.quote').filter((q) => sentAtUs(q) >= 10 * S && !q.payload.replaces && q.payload.items[0]!.sku === 'W-1');
    expect(after.length).toBeGreaterThan(0);
    // 100.00 × 0.9 × (1 + 0.2 margin) = 108.00
    for (const q of after) expect(q.payload.items[0]!.unit_price).toBe(108);
  });
});

describe('store outages and quote validity', () => {
  it('answers service_unavailable only inside an outage', () => {
    const r = run((s) => {
      (s.stores[0] as any).outages = [{ from: '4s', to: '8s' }];
    });
    const down = errorsWith(r.delivered, 'service_unavailable');
    expect(down.length).toBeGreaterThan(0);
    for (const e of down) {
      expect(sentAtUs(e)).toBeGreaterThanOrEqual(4 * S);
      expect(sentAtUs(e)).toBeLessThan(8 * S);
    }
    expect(r.result.results.risk.refused_by_reason.outage).toBe(down.length);
  });

  it('shrinks quote validity as realised volatility rises', () => {
    const validity = (shrink: number) => {
      const r = run((s) => {
        s.market.regimes[0]!.volatility_per_minute = 0.05;
        (s.stores[0] as any).quote_validity_shrink = shrink;
      });
      const q = ofType(r.delivered, 'a2a.commerce.quote').filter((x) => sentAtUs(x) > 5 * S)[0]!;
      return virtualUs(q.payload.valid_until) - sentAtUs(q);
    };
    expect(validity(0)).toBe(5 * S);
    const shrunk = validity(20);
    expect(shrunk).toBeLessThan(5 * S);
    expect(shrunk).toBeGreaterThan(S);
  });
});

describe('store limits', () => {
  it('refuses with rate_limited once a counterparty holds its share of the open value', () => {
    const r = run((s) => {
      // A quote of W-1 totals 137.00; one counterparty may hold 30% of 500.00 = 150.00, so one quote at a time.
      (s.stores[0] as any).limits = { max_open_value: 500, counterparty_share: 0.3 };
      s.buyers[0]!.agents = 1;
      (s.buyers[0] as any).intent_rate = '600/m';
      (s.buyers[0] as any).quantity = { min: 1, max: 1 };
    });
    const limited = errorsWith(r.delivered, 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(r.result.results.risk.refused_by_reason).toMatchObject({ counterparty_share: limited.length });
    expect(limited[0]!.payload.message).toMatch(/holds its share/);
  });
});

describe('store limits: what a closed negotiation gives back', () => {
  // Room for one open quote (W-1 lists at 137.00, W-2 at 203.00: one W-2 quote alone is refused).
  // One buyer agent, one intent a second, each negotiation over in milliseconds.
  const limited = (edit: (s: Scenario) => void = () => {}) =>
    run((s) => {
      (s.stores[0] as any).limits = { max_open_value: 150 };
      s.buyers[0]!.agents = 1;
      (s.buyers[0] as any).intent_rate = '60/m';
      edit(s);
    });

  it('releases the open value of a quote when it is executed', () => {
    const r = limited();
    const res = r.result.results;
    const w1Deals = ofType(r.delivered, 'a2a.commerce.confirmation').filter((c) => c.payload.status === 'confirmed' && c.payload.items[0]!.sku === 'W-1');
    expect(w1Deals.length).toBeGreaterThanOrEqual(8);
    // Every refusal is a W-2 intent, too big on its own; no W-1 intent waits on an earlier deal.
    const refused = errorsWith(r.delivered, 'rate_limited');
    const intents = new Map(ofType(r.delivered, 'a2a.commerce.intent').map((m) => [m.id, m]));
    for (const e of refused) expect(intents.get(e.payload.reference!)!.payload.items[0]!.sku).toBe('W-2');
    expect(res.risk.refused_by_reason.open_value ?? 0).toBe(refused.length);
  });

  it('releases the open value when the last round ends the negotiation without a deal', () => {
    // Buyers who cannot reach the floor: every negotiation runs to the store's round limit.
    const r = limited((s) => {
      s.buyers[0]!.budget_margin = 0.1;
      (s.buyers[0] as any).target_margin = -0.3;
      s.stores[0]!.strategy = { kind: 'linear', max_rounds: 2 };
    });
    const closed = errorsWith(r.delivered, 'negotiation_closed');
    expect(closed.length).toBeGreaterThanOrEqual(8);
    const refused = errorsWith(r.delivered, 'rate_limited');
    const intents = new Map(ofType(r.delivered, 'a2a.commerce.intent').map((m) => [m.id, m]));
    for (const e of refused) expect(intents.get(e.payload.reference!)!.payload.items[0]!.sku).toBe('W-2');
  });
});

describe('buyers: approval and exposure', () => {
  it('waits for approval above the threshold before the accept goes out, and not below it', () => {
    // W-1 deals total 122.00-137.00, W-2 deals 178.25-203.00: only W-2 waits.
    const r = run((s) => {
      (s.buyers[0] as any).approval = { above: 150, delay: '3s' };
      s.duration = '10s';
      s.market.regimes[0]!.duration = '10s';
    });
    const accepts = ofType(r.delivered, 'a2a.commerce.accept');
    const quotes = new Map(ofType(r.delivered, 'a2a.commerce.quote').map((q) => [q.payload.quote_id, q]));
    const waits = accepts.map((a) => {
      const q = quotes.get(a.payload.quote_id)!;
      return { total: q.payload.totals.total, waitUs: sentAtUs(a) - sentAtUs(q) };
    });
    const above = waits.filter((w) => w.total > 150);
    const below = waits.filter((w) => w.total <= 150);
    expect(above.length).toBeGreaterThan(0);
    expect(below.length).toBeGreaterThan(0);
    for (const w of above) expect(w.waitUs).toBeGreaterThanOrEqual(3 * S);
    for (const w of below) expect(w.waitUs).toBeLessThan(S);
  });

  it('holds intents past the exposure limit and reports exposure against it', () => {
    const r = run((s) => {
      (s.buyers[0] as any).exposure_limit = 150;
      (s.buyers[0] as any).intent_rate = '600/m';
    });
    const res = r.result.results;
    expect(res.risk.held_by_reason.exposure_limit).toBeGreaterThan(0);
    const e = res.risk.exposure[0]!;
    expect(e).toMatchObject({ organisation: 'globex', limit: '150.00' });
    expect(Number(e.peak)).toBeGreaterThan(0);
    expect(Number(e.peak)).toBeLessThanOrEqual(150);
  });
});
