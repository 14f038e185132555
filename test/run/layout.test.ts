import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { layOut, organisationLoads, organisationsOf, type Traffic } from '../../src/run/layout.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';


describe('layOut', () => {
  const p = planOf('scenarios/bench-100k.yaml');

  it('numbers agents in scenario order, whatever the shard count', () => {
    const one = layOut(p, 1);
    const four = layOut(p, 4);
    const ids = (l: ReturnType<typeof layOut>) => [...l.byIdentifier.values()].map((a) => [a.party.identifier, a.id]);
    expect(ids(four)).toEqual(ids(one));
    expect(one.byIdentifier.get('agent:northwind-1')!.id).toBe(1);
    // Stores come first; each buyer organisation takes one id for itself before its agents.
    expect(one.organisations.find((o) => o.name === 'initech')!.entityId).toBe(101);
    expect(one.byIdentifier.get('agent:initech-1')!.id).toBe(102);
  });

  it("keeps every organisation's agents on one shard and uses every shard", () => {
    const l = layOut(p, 4);
    for (const org of l.organisations) {
      for (const id of org.agentIds) expect(l.agents[id]!.shard).toBe(org.shard);
    }
    expect(new Set(l.organisations.map((o) => o.shard))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('weighs a store organisation by its share of the demand for what it sells', () => {
    const { stores, buyers } = organisationLoads(p);
    // Every intent goes to three stores: what buyers send, stores receive.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(stores)).toBeCloseTo(sum(buyers), 6);
    const byName = new Map(p.stores.map((s, i) => [s.organisation, stores[i]!]));
    // northwind sells both categories, contoso only components, fabrikam only packaging (20 agents each).
    expect(byName.get('northwind')!).toBeCloseTo(byName.get('contoso')! + byName.get('fabrikam')!, 6);
    expect(byName.get('northwind')).toBe(byName.get('tailspin'));
  });

  it('balances each role on its own, so that every shard has buyers and the stores they talk to', () => {
    const { stores, buyers } = organisationLoads(p);
    const l = layOut(p, 2);
    const load = { store: [0, 0], buyer: [0, 0] } as Record<string, number[]>;
    for (const org of l.organisations) load[org.role]![org.shard]! += org.role === 'store' ? stores[org.planIndex]! : buyers[org.planIndex]!;
    // Four equal buyer organisations: two a side. Stores: the best split of five (28,125 against 21,875 of 50,000).
    expect(load.buyer![0]).toBeCloseTo(load.buyer![1]!, 9);
    const [heavy, light] = [Math.max(...load.store!), Math.min(...load.store!)];
    expect(heavy / (heavy + light)).toBeCloseTo(0.5625, 3);
    // The busier store half shares a shard with the lighter buyer half (here they are equal).
    expect(load.store![0]! + load.buyer![0]! + load.store![1]! + load.buyer![1]!).toBeCloseTo(stores.reduce((a, b) => a + b) + buyers.reduce((a, b) => a + b), 6);
  });

  it('puts everything on shard 0 when there is one shard', () => {
    expect(layOut(p, 1).organisations.every((o) => o.shard === 0)).toBe(true);
  });

  describe('by measured traffic', () => {
    const orgs = organisationsOf(p);
    const index = new Map(orgs.map((o, i) => [o.name, i]));
    /** Traffic where each listed buyer talks only to the listed store, `count` messages each way. */
    const trafficOf = (links: [string, string, number][]): Traffic => {
      const pairs = orgs.map(() => orgs.map(() => 0));
      for (const [buyer, store, count] of links) {
        pairs[index.get(buyer)!]![index.get(store)!]! += count;
        pairs[index.get(store)!]![index.get(buyer)!]! += count;
      }
      return { pairs };
    };
    const shardOf = (l: ReturnType<typeof layOut>, name: string) => l.organisations.find((o) => o.name === name)!.shard;

    it('keeps the busiest store apart from the rest when that balances the shards', () => {
      // tailspin carries half of all traffic: it gets a shard with its buyer, the rest the other.
      const l = layOut(p, 2, trafficOf([['initech', 'tailspin', 400], ['globex', 'northwind', 100], ['umbrella', 'fabrikam', 100], ['hooli', 'contoso', 200]]));
      expect(shardOf(l, 'initech')).toBe(shardOf(l, 'tailspin'));
      for (const other of ['globex', 'northwind', 'umbrella', 'fabrikam', 'hooli', 'contoso']) expect(shardOf(l, other)).not.toBe(shardOf(l, 'tailspin'));
    });

    it('prefers, among equally balanced splits, the one where fewer messages cross', () => {
      // Two independent buyer-store pairs of equal traffic: each pair stays together.
      const l = layOut(p, 2, trafficOf([['initech', 'tailspin', 100], ['globex', 'northwind', 100]]));
      expect(shardOf(l, 'initech')).toBe(shardOf(l, 'tailspin'));
      expect(shardOf(l, 'globex')).toBe(shardOf(l, 'northwind'));
      expect(shardOf(l, 'initech')).not.toBe(shardOf(l, 'globex'));
    });

    it('numbers agents as without traffic, and refuses counts for other organisations', () => {
      const l = layOut(p, 2, trafficOf([['initech', 'tailspin', 10]]));
      expect([...l.byIdentifier.values()].map((a) => a.id)).toEqual([...layOut(p, 1).byIdentifier.values()].map((a) => a.id));
      expect(() => layOut(p, 2, { pairs: [[1]] })).toThrow(/traffic for 1 organisations, but the scenario has 9/);
    });
  });

  describe('opponent models (bench-strategy: five store organisations, then four buyer organisations)', () => {
    const s = planOf('scenarios/bench-strategy.yaml');
    const orgs = organisationsOf(s).length;
    const stores = s.stores.length;
    /** Every buyer organisation trades `each` messages each way with every store. */
    const evenTraffic = (each: number) => Array.from({ length: orgs }, (_, i) => Array.from({ length: orgs }, (_, j) => ((i < stores) !== (j < stores) ? each : 0)));
    /** Consultations per organisation: `first` for the first buyer organisation, `others` for the other three. */
    const consulting = (first: number, others: number) => Array.from({ length: orgs }, (_, i) => (i < stores ? 0 : i === stores ? first : others));
    /** How many organisations share the first buyer organisation's shard. */
    const withFirst = (plan: SimulationPlan, traffic: Traffic, role?: 'buyer') => {
      const l = layOut(plan, 2, traffic).organisations;
      return l.filter((o) => o.shard === l[stores]!.shard && (role === undefined || o.role === role)).length;
    };

    it('weighs in a buyer organisation by the consultations it would make', () => {
      const traffic = { pairs: evenTraffic(100), consultations: consulting(1_000, 0) };
      // Its models (1,000 consultations × 65,536 hypotheses) outweigh all the traffic: it has a shard to itself.
      expect(withFirst(s, traffic)).toBe(1);
      // Without models the same traffic spreads the buyers.
      const plain = { ...s, buyers: s.buyers.map(({ strategy: { opponentModel: _, ...strategy }, ...b }) => ({ ...b, strategy })) };
      expect(withFirst(plain, traffic)).toBeGreaterThan(1);
    });

    it('weighs a consultation by the asks it weighs as well as by its hypotheses', () => {
      const consultations = consulting(300, 300);
      // Four buyer organisations consulting as often: two on each shard.
      expect(withFirst(s, { pairs: evenTraffic(0), consultations }, 'buyer')).toBe(2);
      // The first weighs nine asks in each of its consultations, the others none: its models cost
      // about as much as the other three's together (300 × (26 + 9 × 4.6) ns against 3 × 300 × 26 ns
      // per hypothesis), so it has a shard to itself.
      const asks = consultations.map((c, i) => (i === stores ? 9 * c : 0));
      expect(withFirst(s, { pairs: evenTraffic(0), consultations, asks }, 'buyer')).toBe(1);
    });

    it('weighs the same models less against traffic whose every message is signed', () => {
      const traffic = { pairs: evenTraffic(100), consultations: consulting(100, 0) };
      // 100 consultations × 65,536 hypotheses, about 0.17 s of models, against 8,000 message ends:
      // some 0.07 s unsigned, so the models need a shard to themselves...
      expect(withFirst(s, traffic)).toBe(1);
      // ...but some 1.8 s signed and audited, which the split must spread more than the models
      for (const signing of ['eddsa', 'es256'] as const) expect(withFirst({ ...s, security: { ...s.security, signing, audit: true } }, traffic)).toBeGreaterThan(1);
    });
  });
});
