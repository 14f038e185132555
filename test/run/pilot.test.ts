import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { availableParallelism } from 'node:os';
import { layOut, lookaheadWorkUs } from '../../src/run/layout.js';
import { AUTO_MIN_LOOKAHEAD_WORK_US, autoWorkersFor } from '../../src/run/parallel.js';
import { pilotTraffic, planLayout } from '../../src/run/pilot.js';

describe('layout pilot', () => {
  const p = planOf('scenarios/bench-signing.yaml');

  it('counts the messages between organisations in the first stretch of the run, the same every time', () => {
    const a = pilotTraffic(p, 5_000);
    const b = pilotTraffic(p, 5_000);
    expect(a).toEqual(b);
    const total = a.pairs.flat().reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThanOrEqual(5_000);
    // Stops at the first 100 ms step past the count: a few thousand more at most here.
    expect(total).toBeLessThan(10_000);
    // Buyers talk to stores and stores to buyers; nobody to its own organisation.
    a.pairs.forEach((row, i) => expect(row[i]).toBe(0));
  });

  it('balances the shards by what the pilot measured, which the scenario alone misjudges', () => {
    const traffic = pilotTraffic(p, 10_000);
    const ends = traffic.pairs.map((row, i) => row.reduce((x, y) => x + y, 0) + traffic.pairs.reduce((x, r) => x + r[i]!, 0));
    const share = (l: ReturnType<typeof layOut>) => {
      const load = [0, 0];
      l.organisations.forEach((o, i) => (load[o.shard]! += ends[i]!));
      return Math.max(...load) / (load[0]! + load[1]!);
    };
    const measured = share(layOut(p, 2, traffic));
    expect(measured).toBeLessThan(0.53);
    expect(measured).toBeLessThan(share(layOut(p, 2)));
  });

  it('runs without opponent models, counts the consultations and asks each organisation would weigh, and places model buyers by their work', () => {
    const modelled = planOf('scenarios/bench-strategy.yaml');
    const plain = { ...modelled, buyers: modelled.buyers.map((b) => ({ ...b, strategy: { kind: b.strategy.kind, name: b.strategy.name, options: b.strategy.options, e: b.strategy.e, maxRounds: b.strategy.maxRounds, deadlineUs: b.strategy.deadlineUs } })) };
    expect(modelled.buyers.every((b) => b.strategy.opponentModel !== undefined)).toBe(true);
    const traffic = pilotTraffic(modelled, 5_000);
    expect(traffic).toEqual(pilotTraffic(plain, 5_000));
    const stores = modelled.stores.length;
    // Only buyers counter; every buyer organisation does, most past the first round, weighing
    // one ask at the second counter of a negotiation, two at the third, and so on.
    const consultations = traffic.consultations!;
    const asks = traffic.asks!;
    expect(consultations.slice(0, stores).every((c) => c === 0)).toBe(true);
    expect(asks.slice(0, stores).every((c) => c === 0)).toBe(true);
    expect(consultations.slice(stores).every((c) => c > 100)).toBe(true);
    consultations.slice(stores).forEach((c, k) => {
      expect(asks[stores + k]!).toBeGreaterThan(c);
      expect(asks[stores + k]!).toBeLessThan(10 * c);
    });
    // Four buyer organisations whose models outweigh everything else: two on each shard, the
    // models' work (26 ns per hypothesis and consultation, 4.6 more per ask) split evenly.
    const placed = layOut(modelled, 2, traffic).organisations;
    expect(placed.filter((o) => o.role === 'buyer' && o.shard === 0)).toHaveLength(2);
    const work = [0, 0];
    placed.forEach((o, k) => (work[o.shard]! += 26 * consultations[k]! + 4.6 * asks[k]!));
    expect(Math.max(...work) / (work[0]! + work[1]!)).toBeLessThan(0.53);
  });

  it('is not run for one shard', () => {
    const l = planLayout(p, 1);
    expect(l.organisations.every((o) => o.shard === 0)).toBe(true);
  });
});

describe('--workers auto', () => {
  it('estimates the work a lookahead window holds from the pilot: models and signatures weigh in, and it grows with the lookahead', () => {
    const strategy = planOf('scenarios/bench-strategy.yaml');
    const traffic = pilotTraffic(strategy);
    expect(traffic.virtualUs).toBeGreaterThan(0);
    expect(traffic.virtualUs).toBeLessThanOrEqual(strategy.duration);
    const work = lookaheadWorkUs(strategy, traffic, 20_000);
    // about 25 consultations of ~3 ms and 85 messages in 20 ms of virtual time
    expect(work).toBeGreaterThan(40_000);
    expect(work).toBeLessThan(120_000);
    expect(lookaheadWorkUs(strategy, traffic, 40_000)).toBeCloseTo(2 * work, 6);
    const plain = { ...strategy, buyers: strategy.buyers.map(({ strategy: { opponentModel: _, ...s }, ...b }) => ({ ...b, strategy: s })) };
    expect(lookaheadWorkUs(plain, traffic, 20_000)).toBeLessThan(work / 20);
    const signed = { ...plain, security: { ...plain.security, signing: 'eddsa' as const } };
    expect(lookaheadWorkUs(signed, traffic, 20_000)).toBeGreaterThan(10 * lookaheadWorkUs(plain, traffic, 20_000));
    expect(lookaheadWorkUs(strategy, { ...traffic, virtualUs: 0 }, 20_000)).toBe(0);
  });

  it('runs on a thread per core when a window holds enough work, inline when the threads would mostly wait', () => {
    const cores = availableParallelism();
    const strategy = autoWorkersFor(planOf('scenarios/bench-strategy.yaml'));
    const quickstart = autoWorkersFor(planOf('scenarios/quickstart.yaml'));
    if (cores < 2) {
      expect([strategy.workers, quickstart.workers]).toEqual([0, 0]);
      return;
    }
    expect(strategy.lookaheadWorkUs).toBeGreaterThan(AUTO_MIN_LOOKAHEAD_WORK_US);
    expect(strategy.workers).toBe(cores);
    expect(strategy.traffic).toEqual(pilotTraffic(planOf('scenarios/bench-strategy.yaml')));
    // 0.5 ms of lookahead: some 0.01 ms of work
    expect(quickstart.lookaheadWorkUs).toBeLessThan(100);
    expect(quickstart.workers).toBe(0);
  });
});
