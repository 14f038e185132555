import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { layOut } from '../../src/run/layout.js';
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

  it('balances agents across shards, heaviest organisations first', () => {
    const l = layOut(p, 2);
    const load = [0, 0];
    for (const org of l.organisations) load[org.shard]! += org.agentIds.length;
    expect(Math.abs(load[0]! - load[1]!)).toBeLessThanOrEqual(100);
  });

  it('puts everything on shard 0 when there is one shard', () => {
    expect(layOut(p, 1).organisations.every((o) => o.shard === 0)).toBe(true);
  });
});
