import { describe, expect, it } from 'vitest';
import { NegotiationScores, scoreNegotiation, ScoreSums } from '../../src/metrics/scores.js';

// Buyer target 90, budget 130; store floor 100, list 120: outcome range [90, 130] (40 wide).
const buyer = (price: number | null) => ({ buyerId: 0, reservation: 130, aspiration: 90, price });
const store = { floor: 100, list: 120 };

describe('scoreNegotiation', () => {
  it('normalises utilities over the outcome range and gives each side its reserved value', () => {
    const s = scoreNegotiation(buyer(110), store)!;
    expect(s.buyer.utility).toBeCloseTo(0.5);
    expect(s.store.utility).toBeCloseTo(0.5);
    expect(s.buyer.reserved_value).toBeCloseTo(0); // the budget is the top of the range
    expect(s.store.reserved_value).toBeCloseTo(0.25);
  });

  it("advantage is the side's share of the surplus between its reservation and its aspiration", () => {
    const s = scoreNegotiation(buyer(110), store)!;
    expect(s.buyer.advantage).toBeCloseTo((130 - 110) / (130 - 90));
    expect(s.store.advantage).toBeCloseTo((0.5 - 0.25) / (1 - 0.25));
  });

  it('welfare is the sum of both utilities, partner welfare the other side\'s', () => {
    const s = scoreNegotiation(buyer(104), store)!;
    expect(s.buyer.partner_welfare).toBeCloseTo(s.store.utility);
    expect(s.store.partner_welfare).toBeCloseTo(s.buyer.utility);
    expect(s.buyer.welfare).toBeCloseTo(1);
  });

  it('an agreement in the zone of agreement is Pareto-optimal; at the middle of the zone it is the Nash point', () => {
    const mid = scoreNegotiation(buyer(115), store)!;
    expect(mid.buyer.pareto_optimality).toBeCloseTo(1);
    expect(mid.buyer.nash_optimality).toBeCloseTo(1);
    const edge = scoreNegotiation(buyer(100), store)!;
    expect(edge.buyer.pareto_optimality).toBeCloseTo(1);
    expect(edge.buyer.nash_optimality).toBeLessThan(1);
    expect(edge.store.advantage).toBeCloseTo(0);
  });

  it('no agreement leaves each side its reserved value, an advantage of 0 and a point off the frontier', () => {
    const s = scoreNegotiation(buyer(null), store)!;
    expect(s.buyer.utility).toBeCloseTo(s.buyer.reserved_value);
    expect(s.store.utility).toBeCloseTo(s.store.reserved_value);
    expect(s.buyer.advantage).toBe(0);
    expect(s.store.advantage).toBe(0);
    expect(s.buyer.pareto_optimality).toBeLessThan(1);
    expect(s.buyer.welfare).toBeCloseTo(0.25);
  });

  it('without a zone of agreement, no agreement is optimal', () => {
    const s = scoreNegotiation({ buyerId: 0, reservation: 95, aspiration: 80, price: null }, store)!;
    expect(s.buyer.pareto_optimality).toBeCloseTo(1);
    expect(s.buyer.nash_optimality).toBeCloseTo(1);
  });

  it('an empty outcome range is not scored', () => {
    expect(scoreNegotiation({ buyerId: 0, reservation: 100, aspiration: 100, price: 100 }, { floor: 100, list: 100 })).toBeNull();
  });
});

describe('NegotiationScores', () => {
  it('joins the halves recorded on different shards, whatever the merge order', () => {
    const a = new NegotiationScores();
    const b = new NegotiationScores();
    a.buyer('c1', 7, buyer(110));
    b.store('c1', 7, store);
    b.store('c2', 7, store); // a quote the buyer never pursued
    const ab = new NegotiationScores();
    ab.merge(a.toData());
    ab.merge(b.toData());
    const ba = new NegotiationScores();
    ba.merge(b.toData());
    ba.merge(a.toData());
    expect([...ab.scored()]).toEqual([...ba.scored()]);
    expect([...ab.scored()]).toHaveLength(1);
    expect([...ab.scored()][0]!.storeId).toBe(7);
  });

  it('keeps the first quote of a conversation', () => {
    const s = new NegotiationScores();
    s.store('c', 1, store);
    s.store('c', 1, { floor: 0, list: 1 });
    expect(s.stores.get('c\u00001')).toEqual(store);
  });
});

describe('ScoreSums', () => {
  it('averages each score and counts negotiations; none gives nulls', () => {
    const sums = new ScoreSums();
    expect(sums.means().advantage).toBeNull();
    sums.add(scoreNegotiation(buyer(110), store)!.buyer);
    sums.add(scoreNegotiation(buyer(null), store)!.buyer);
    const m = sums.means();
    expect(m.negotiations).toBe(2);
    expect(m.advantage).toBeCloseTo(0.25);
  });
});
