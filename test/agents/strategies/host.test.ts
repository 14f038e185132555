import { describe, expect, it } from 'vitest';
import { NegotiationView, type ViewContext } from '../../../src/agents/strategies/host.js';
import type { MarketView } from '../../../src/market/market.js';

function context(recordOffers: boolean, clock = { nowUs: 0 }): ViewContext {
  return { role: 'buyer', maxRounds: 5, deadlineUs: undefined, clock, market: {} as MarketView, seed: 1, agent: 'initech-1', recordOffers };
}

describe('NegotiationView', () => {
  it('keeps every offer with its side and time when its strategy reads them', () => {
    const clock = { nowUs: 100 };
    const view = new NegotiationView(context(true, clock), 1000, 800, 1, 'widgets', 'agent:s', 0, 1, 'conv_1');
    view.offered('store', 1200, 50);
    view.offered('buyer', 900);
    clock.nowUs = 300;
    view.offered('store', 1100);
    expect(view.history).toEqual([
      { by: 'store', total: 1200, atUs: 50 },
      { by: 'buyer', total: 900, atUs: 100 },
      { by: 'store', total: 1100, atUs: 300 },
    ]);
    expect(view.offersMadeBy('store')).toBe(2);
    expect(view.offersMadeBy('buyer')).toBe(1);
  });

  it('counts the offers of each side without keeping them when its strategy reads only that', () => {
    const view = new NegotiationView(context(false), 1000, 800, 1, 'widgets', 'agent:s', 0, 1, 'conv_1');
    for (let i = 0; i < 7; i++) view.offered(i % 3 === 0 ? 'buyer' : 'store', 1000 - i);
    expect(view.offersMadeBy('buyer')).toBe(3);
    expect(view.offersMadeBy('store')).toBe(4);
    expect(view.history).toEqual([]);
  });
});
