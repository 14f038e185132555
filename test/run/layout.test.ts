import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { layOut, organisationLoads } from '../../src/run/layout.js';
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
});
