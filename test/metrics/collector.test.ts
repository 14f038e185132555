import { describe, expect, it } from 'vitest';
import { MetricsCollector, OUTCOMES, type NegotiationRecord, type Outcome } from '../../src/metrics/collector.js';
import { buildResults, type ResultsInput } from '../../src/metrics/results.js';
import type { Regime } from '../../src/market/regimes.js';

type Op = (m: MetricsCollector) => void;

/** A varied stream of metric events, each one applied to some collector. */
function operations(): Op[] {
  const ops: Op[] = [];
  const categories = ['headphones', 'cables', 'adapters'];
  for (let i = 0; i < 60; i++) {
    const outcome: Outcome = OUTCOMES[(i * 5) % OUTCOMES.length]!;
    const r: NegotiationRecord = {
      buyerId: 10 + (i % 4),
      storeId: i % 7 === 0 ? -1 : 1 + (i % 3),
      category: categories[i % 3]!,
      regimeIndex: i % 2,
      latencyUs: 1_000 + i * 977,
      rounds: i % 6,
      outcome,
    };
    ops.push((m) => m.negotiationEnded(r));
    if (outcome === 'succeeded') ops.push((m) => m.settlementCompleted(500 + i * 31, 10_000 + i));
    ops.push((m) => m.messageSent(i % 2 === 0 ? 'a2a.commerce.quote' : 'a2a.commerce.intent'));
    if (i % 5 === 0) ops.push((m) => m.errorSent(i % 10 === 0 ? 'out_of_stock' : 'rate_limited'));
    if (i % 9 === 0) ops.push((m) => m.intentHeld(i % 2 === 0 ? 'globex' : 'initech'));
    if (i % 11 === 0) ops.push((m) => m.breakerTransition({ organisation: 'globex', timeUs: i * 1_000, from: 'closed', to: 'open', reason: 'r' }));
    ops.push((m) => {
      m.messagesDelivered += 2;
      m.messagesDropped += i % 2;
      m.messagesCorrupted += i % 3 === 0 ? 1 : 0;
      m.messagesInvalid += i % 4 === 0 ? 1 : 0;
      m.messagesUnroutable += i % 13 === 0 ? 1 : 0;
      m.discoveries += i % 8 === 0 ? 1 : 0;
      m.executions += outcome === 'succeeded' ? 1 : 0;
      m.acceptRetries += i % 6 === 0 ? 1 : 0;
    });
  }
  return ops;
}

const regimes: Regime[] = [
  { name: 'calm', startUs: 0, endUs: 1_000, volatilityPerMinute: 0, driftPerMinute: 0, demandMultiplier: 1 },
  { name: 'spike', startUs: 1_000, endUs: 2_000, volatilityPerMinute: 0.2, driftPerMinute: 0, demandMultiplier: 2 },
];

function results(m: MetricsCollector) {
  const input: ResultsInput = {
    scenario: 's',
    seed: 1,
    endUs: 2_000,
    events: 0,
    metrics: m,
    regimes,
    topPairs: 100,
    inDoubt: 0,
    breakers: [{ organisation: 'globex', finalState: 'open', timeInState: { closed: 1, open: 2, half_open: 0 } }],
    market: [],
    agentName: (id) => `a${id}`,
  };
  return buildResults(input);
}

describe('MetricsCollector', () => {
  it('tallies a negotiation under its outcome, category, regime and pair', () => {
    const m = new MetricsCollector();
    m.negotiationEnded({ buyerId: 5, storeId: 2, category: 'cables', regimeIndex: 1, latencyUs: 1_500, rounds: 3, outcome: 'succeeded' });
    m.negotiationEnded({ buyerId: 5, storeId: 2, category: 'cables', regimeIndex: 1, latencyUs: 2_500, rounds: 3, outcome: 'deadline' });
    expect(m.outcomes.get('succeeded')).toBe(1);
    expect(m.outcomes.get('deadline')).toBe(1);
    expect(m.byCategory.get('cables')).toEqual({ count: 2, succeeded: 1 });
    expect(m.byRegime.get(1)).toEqual({ count: 2, succeeded: 1 });
    expect(m.roundsHistogram.get(3)).toBe(2);
    expect(m.negotiationLatency.summary().mean_us).toBe(2_000);
    expect(m.byPair.size).toBe(1);
    const [key, tally] = [...m.byPair][0]!;
    expect(MetricsCollector.pairIds(key)).toEqual({ buyerId: 5, storeId: 2 });
    expect(tally).toEqual({ count: 2, succeeded: 1 });
  });

  it('leaves a negotiation without a store out of the pair tallies', () => {
    const m = new MetricsCollector();
    m.negotiationEnded({ buyerId: 5, storeId: -1, category: 'cables', regimeIndex: 0, latencyUs: 1, rounds: 0, outcome: 'no_quotes' });
    expect(m.byPair.size).toBe(0);
    expect(m.byCategory.get('cables')).toEqual({ count: 1, succeeded: 0 });
  });

  it('round-trips large agent ids through the pair key', () => {
    const m = new MetricsCollector();
    m.negotiationEnded({ buyerId: 1_000_003, storeId: 16_777_000, category: 'c', regimeIndex: 0, latencyUs: 1, rounds: 0, outcome: 'succeeded' });
    expect(MetricsCollector.pairIds([...m.byPair.keys()][0]!)).toEqual({ buyerId: 1_000_003, storeId: 16_777_000 });
  });

  it('counts settlements, deal value, messages, errors and held intents', () => {
    const m = new MetricsCollector();
    m.settlementCompleted(700, 12_345);
    m.settlementCompleted(900, 55);
    m.messageSent('a2a.commerce.quote');
    m.messageSent('a2a.commerce.quote');
    m.errorSent('rate_limited');
    m.intentHeld('globex');
    m.intentHeld('globex');
    expect(m.dealsConfirmed).toBe(2);
    expect(m.dealValueMinor).toBe(12_400);
    expect(m.settlementLatency.summary().max_us).toBe(900);
    expect(m.sentByType.get('a2a.commerce.quote')).toBe(2);
    expect(m.errorsByCode.get('rate_limited')).toBe(1);
    expect(m.heldByOrganisation.get('globex')).toBe(2);
  });

  it('merged collectors give the same results as one collector that saw everything', () => {
    const ops = operations();
    const single = new MetricsCollector();
    for (const op of ops) op(single);

    const shards = [new MetricsCollector(), new MetricsCollector(), new MetricsCollector()];
    ops.forEach((op, i) => op(shards[(i * 7) % 3]!));
    const merged = new MetricsCollector();
    for (const s of shards) merged.merge(s);

    expect(results(merged)).toEqual(results(single));
  });

  it('merges in any order to the same results', () => {
    const ops = operations();
    const shards = [new MetricsCollector(), new MetricsCollector(), new MetricsCollector()];
    ops.forEach((op, i) => op(shards[i % 3]!));
    const forward = new MetricsCollector();
    for (const s of shards) forward.merge(s);
    const backward = new MetricsCollector();
    for (const s of [...shards].reverse()) backward.merge(s);
    const nested = new MetricsCollector();
    const inner = new MetricsCollector();
    inner.merge(shards[2]!);
    inner.merge(shards[0]!);
    nested.merge(shards[1]!);
    nested.merge(inner);

    const expected = results(forward);
    expect(results(backward)).toEqual(expected);
    expect(results(nested)).toEqual(expected);
    expect(expected.negotiation.count).toBe(60);
    expect(expected.breakers[0]!.transitions.map((t) => t.time_us)).toEqual([0, 11_000, 22_000, 33_000, 44_000, 55_000]);
  });

  it('does not share tallies with the collector it merged from', () => {
    const a = new MetricsCollector();
    const b = new MetricsCollector();
    b.negotiationEnded({ buyerId: 1, storeId: 2, category: 'c', regimeIndex: 0, latencyUs: 1, rounds: 1, outcome: 'succeeded' });
    a.merge(b);
    b.negotiationEnded({ buyerId: 1, storeId: 2, category: 'c', regimeIndex: 0, latencyUs: 1, rounds: 1, outcome: 'deadline' });
    expect(a.byCategory.get('c')).toEqual({ count: 1, succeeded: 1 });
    expect([...a.byPair.values()][0]).toEqual({ count: 1, succeeded: 1 });
  });
});
