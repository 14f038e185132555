import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Regime } from '../../src/market/regimes.js';
import { MetricsCollector, OUTCOMES, type Outcome } from '../../src/metrics/collector.js';
import { buildResults, metricValues, round6, topPairs, type ResultsInput } from '../../src/metrics/results.js';
import { ERROR_CODES } from '../../src/protocol/codes.js';
import { budgetMetricNames, isWallclockMetric, parseBudget, type Budget } from '../../src/scenario/budgets.js';
import { evaluateBudgets } from '../../src/simulation.js';

const regimes: Regime[] = [
  { name: 'calm', startUs: 0, endUs: 10, volatilityPerMinute: 0, driftPerMinute: 0, demandMultiplier: 1 },
  { name: 'spike', startUs: 10, endUs: 20, volatilityPerMinute: 0.3, driftPerMinute: 0, demandMultiplier: 3 },
  { name: 'quiet', startUs: 20, endUs: 30, volatilityPerMinute: 0, driftPerMinute: 0, demandMultiplier: 1 },
];

function input(m: MetricsCollector, overrides: Partial<ResultsInput> = {}): ResultsInput {
  return {
    scenario: 'unit',
    seed: 9,
    endUs: 30,
    events: 123,
    metrics: m,
    regimes,
    topPairs: 10,
    inDoubt: 0,
    breakers: [],
    market: [],
    agentName: (id) => `agent:n${id}`,
    ...overrides,
  };
}

function negotiation(m: MetricsCollector, buyerId: number, storeId: number, outcome: Outcome, extra: { category?: string; regimeIndex?: number; rounds?: number; latencyUs?: number } = {}) {
  m.negotiationEnded({
    buyerId,
    storeId,
    category: extra.category ?? 'c',
    regimeIndex: extra.regimeIndex ?? 0,
    latencyUs: extra.latencyUs ?? 1_000,
    rounds: extra.rounds ?? 1,
    outcome,
  });
}

/** A collector with samples in every histogram, so every metric has a value. */
function fullCollector(): MetricsCollector {
  const m = new MetricsCollector();
  negotiation(m, 1, 2, 'succeeded', { latencyUs: 10_000, rounds: 2 });
  negotiation(m, 1, 2, 'deadline', { latencyUs: 30_000, rounds: 4 });
  negotiation(m, 1, 3, 'succeeded', { latencyUs: 20_000, rounds: 3 });
  m.settlementCompleted(4_000, 10_000);
  m.settlementCompleted(6_000, 20_001);
  m.buyerDeal(1_000, 1_050_000);
  m.buyerDeal(2_000, 950_000);
  m.storeDeal(500);
  m.storeDeal(1_500);
  m.messageSent('a2a.commerce.intent');
  m.errorSent('rate_limited');
  m.intentHeld('globex');
  return m;
}

describe('buildResults', () => {
  it('counts negotiations, successes and the success rate (6 places)', () => {
    const m = new MetricsCollector();
    negotiation(m, 1, 2, 'succeeded');
    negotiation(m, 1, 2, 'no_agreement');
    negotiation(m, 1, 2, 'deadline');
    const r = buildResults(input(m));
    expect(r.negotiation.count).toBe(3);
    expect(r.negotiation.succeeded).toBe(1);
    expect(r.negotiation.failed).toBe(2);
    expect(r.negotiation.success_rate).toBe(0.333333);
    expect(round6(2 / 3)).toBe(0.666667);
  });

  it('reports a null success rate and mean rounds when nothing ran', () => {
    const r = buildResults(input(new MetricsCollector()));
    expect(r.negotiation.count).toBe(0);
    expect(r.negotiation.success_rate).toBeNull();
    expect(r.negotiation.rounds.mean).toBeNull();
    expect(r.negotiation.latency.p99_us).toBeNull();
  });

  it('lists every outcome, in the declared order, with zeros for those that never happened', () => {
    const m = new MetricsCollector();
    negotiation(m, 1, 2, 'mandate_exceeded');
    const r = buildResults(input(m));
    expect(Object.keys(r.negotiation.outcomes)).toEqual([...OUTCOMES]);
    expect(r.negotiation.outcomes.mandate_exceeded).toBe(1);
    expect(r.negotiation.outcomes.succeeded).toBe(0);
  });

  it('computes mean and max rounds and a histogram keyed by round count', () => {
    const m = new MetricsCollector();
    negotiation(m, 1, 2, 'succeeded', { rounds: 10 });
    negotiation(m, 1, 2, 'succeeded', { rounds: 2 });
    negotiation(m, 1, 2, 'succeeded', { rounds: 2 });
    const r = buildResults(input(m));
    expect(r.negotiation.rounds.mean).toBe(round6(14 / 3));
    expect(r.negotiation.rounds.max).toBe(10);
    expect(r.negotiation.rounds.histogram).toEqual({ '2': 2, '10': 1 });
  });

  it('emits maps in sorted key order whatever the insertion order', () => {
    const m = new MetricsCollector();
    for (const t of ['a2a.commerce.quote', 'a2a.commerce.accept', 'a2a.commerce.intent', 'a2a.commerce.quote']) m.messageSent(t);
    for (const c of ['rate_limited', 'out_of_stock', 'invalid_message']) m.errorSent(c);
    negotiation(m, 1, 2, 'succeeded', { category: 'zebra' });
    negotiation(m, 1, 2, 'succeeded', { category: 'apple' });
    negotiation(m, 1, 2, 'deadline', { category: 'mango' });
    const r = buildResults(input(m));
    expect(Object.keys(r.messages.by_type)).toEqual(['a2a.commerce.accept', 'a2a.commerce.intent', 'a2a.commerce.quote']);
    expect(r.messages.by_type['a2a.commerce.quote']).toBe(2);
    expect(r.messages.sent).toBe(4);
    expect(Object.keys(r.errors.by_code)).toEqual(['invalid_message', 'out_of_stock', 'rate_limited']);
    expect(r.errors.total).toBe(3);
    expect(Object.keys(r.negotiation.by_category)).toEqual(['apple', 'mango', 'zebra']);
    expect(r.negotiation.by_category.mango).toEqual({ count: 1, succeeded: 0, success_rate: 0 });
  });

  it('reports every regime, including those with no negotiations', () => {
    const m = new MetricsCollector();
    negotiation(m, 1, 2, 'succeeded', { regimeIndex: 1 });
    negotiation(m, 1, 2, 'deadline', { regimeIndex: 1 });
    negotiation(m, 1, 2, 'deadline', { regimeIndex: 1 });
    negotiation(m, 1, 2, 'deadline', { regimeIndex: 1 });
    const r = buildResults(input(m));
    expect(r.negotiation.by_regime).toEqual([
      { regime: 'calm', start_us: 0, end_us: 10, count: 0, succeeded: 0, success_rate: null },
      { regime: 'spike', start_us: 10, end_us: 20, count: 4, succeeded: 1, success_rate: 0.25 },
      { regime: 'quiet', start_us: 20, end_us: 30, count: 0, succeeded: 0, success_rate: null },
    ]);
  });

  it('gives the last regime the rest of the run, whatever its declared duration', () => {
    const m = new MetricsCollector();
    negotiation(m, 1, 2, 'succeeded', { regimeIndex: 2 });
    const longer = buildResults(input(m, { endUs: 45 }));
    expect(longer.negotiation.by_regime.map((r) => [r.start_us, r.end_us])).toEqual([[0, 10], [10, 20], [20, 45]]);
    const shorter = buildResults(input(m, { endUs: 25 }));
    expect(shorter.negotiation.by_regime.at(-1)).toMatchObject({ start_us: 20, end_us: 25, count: 1 });
  });

  it('orders top pairs by count, then buyer id, then store id, and cuts at topPairs', () => {
    const m = new MetricsCollector();
    const add = (buyer: number, store: number, n: number, ok = 0) => {
      for (let i = 0; i < n; i++) negotiation(m, buyer, store, i < ok ? 'succeeded' : 'no_agreement');
    };
    add(9, 1, 2);
    add(3, 2, 5, 4);
    add(3, 1, 2, 1);
    add(2, 7, 2);
    add(4, 1, 1);
    negotiation(m, 5, -1, 'no_quotes');
    const r = buildResults(input(m, { topPairs: 4 }));
    expect(r.negotiation.top_pairs.map((p) => [p.buyer, p.store, p.count])).toEqual([
      ['agent:n3', 'agent:n2', 5],
      ['agent:n2', 'agent:n7', 2],
      ['agent:n3', 'agent:n1', 2],
      ['agent:n9', 'agent:n1', 2],
    ]);
    expect(r.negotiation.top_pairs[0]).toMatchObject({ succeeded: 4, success_rate: 0.8 });
    expect(r.negotiation.top_pairs[2]).toMatchObject({ succeeded: 1, success_rate: 0.5 });
    expect(buildResults(input(m, { topPairs: 0 })).negotiation.top_pairs).toEqual([]);
  });

  it('summarises breakers per organisation, sorted, with their own transitions in time order', () => {
    const m = new MetricsCollector();
    m.breakerTransition({ organisation: 'zeta', timeUs: 50, from: 'closed', to: 'open', reason: 'z1' });
    m.breakerTransition({ organisation: 'alpha', timeUs: 30, from: 'half_open', to: 'open', reason: 'a2' });
    m.breakerTransition({ organisation: 'alpha', timeUs: 10, from: 'closed', to: 'open', reason: 'a1' });
    m.breakerTransition({ organisation: 'alpha', timeUs: 20, from: 'open', to: 'half_open', reason: 'cooldown' });
    const r = buildResults(
      input(m, {
        breakers: [
          { organisation: 'zeta', finalState: 'open', timeInState: { closed: 50, open: 950, half_open: 0 } },
          { organisation: 'alpha', finalState: 'open', timeInState: { closed: 10, open: 980, half_open: 10 } },
          { organisation: 'mid', finalState: 'closed', timeInState: { closed: 1_000, open: 0, half_open: 0 } },
        ],
      }),
    );
    expect(r.breakers.map((b) => b.organisation)).toEqual(['alpha', 'mid', 'zeta']);
    expect(r.breakers[0]).toEqual({
      organisation: 'alpha',
      final_state: 'open',
      opens: 2,
      time_open_us: 980,
      time_half_open_us: 10,
      time_closed_us: 10,
      trips_by_cause: { failure_rate: 0, trial_failed: 0, exposure: 0, volatility: 0 },
      transitions: [
        { time_us: 10, from: 'closed', to: 'open', reason: 'a1' },
        { time_us: 20, from: 'open', to: 'half_open', reason: 'cooldown' },
        { time_us: 30, from: 'half_open', to: 'open', reason: 'a2' },
      ],
    });
    expect(r.breakers[1]).toMatchObject({ opens: 0, transitions: [] });
    expect(r.breakers[2]).toMatchObject({ opens: 1, time_open_us: 950 });
  });

  it('formats the deal value and carries settlement, flow and message counters', () => {
    const m = fullCollector();
    m.messagesDelivered = 7;
    m.messagesDropped = 2;
    m.messagesCorrupted = 1;
    m.messagesInvalid = 3;
    m.messagesUnroutable = 4;
    m.discoveries = 5;
    m.executions = 6;
    m.acceptRetries = 8;
    const r = buildResults(input(m, { inDoubt: 1 }));
    expect(r.settlement).toMatchObject({ deals: 2, value: '300.01', in_doubt: 1, accept_retries: 8 });
    expect(r.settlement.latency.mean_us).toBe(5_000);
    expect(r.flow).toMatchObject({ discoveries: 5, executions: 6 });
    expect(r.messages).toMatchObject({ delivered: 7, dropped: 2, corrupted: 1, invalid: 3, unroutable: 4 });
    expect(r.negotiation.held_intents).toBe(1);
  });
});

describe('deal terms', () => {
  it('averages the buyers\' surplus and the price against the market over confirmed deals, and the stores\' surplus over the deals they made', () => {
    const t = buildResults(input(fullCollector())).settlement.terms;
    expect(t).toEqual({ buyer_surplus_per_deal: 15, store_surplus_per_deal: 10, price_to_reference: 1 });
    expect(buildResults(input(new MetricsCollector())).settlement.terms).toEqual({ buyer_surplus_per_deal: null, store_surplus_per_deal: null, price_to_reference: null });
  });
});

describe('metricValues', () => {
  it('has a value for every metric name a budget may use', () => {
    const values = metricValues(
      buildResults(
        input(fullCollector(), {
          breakers: [{ organisation: 'g', finalState: 'closed', timeInState: { closed: 1, open: 0, half_open: 0 } }],
          sagas: { sagas: 0, settled: 0, compensated: 0, transfers: 0 },
          exposure: [{ organisation: 'g', limit: '100.00', peak: '50.00', peaks: ['50.00'] }],
        }),
      ),
    );
    // (external.* budgets are on wall-clock figures, evaluated beside the results: gateway/wallclock.ts)
    const missing = budgetMetricNames()
      .map((m) => m.name)
      .filter((name) => !isWallclockMetric(name) && !values.has(name));
    expect(missing).toEqual([]);
  });

  it('maps results onto the budget names', () => {
    const m = fullCollector();
    m.messagesInvalid = 2;
    m.messagesDropped = 1;
    m.breakerTransition({ organisation: 'a', timeUs: 1, from: 'closed', to: 'open', reason: '' });
    const r = buildResults(
      input(m, {
        inDoubt: 3,
        breakers: [
          { organisation: 'a', finalState: 'open', timeInState: { closed: 0, open: 700, half_open: 0 } },
          { organisation: 'b', finalState: 'open', timeInState: { closed: 0, open: 300, half_open: 0 } },
        ],
      }),
    );
    const v = metricValues(r);
    expect(v.get('negotiation.success_rate')).toBe(0.666667);
    expect(v.get('negotiation.count')).toBe(3);
    expect(v.get('negotiation.succeeded')).toBe(2);
    expect(v.get('negotiation.failed')).toBe(1);
    expect(v.get('negotiation.rounds.mean')).toBe(3);
    expect(v.get('negotiation.rounds.max')).toBe(4);
    expect(v.get('intents.held')).toBe(1);
    expect(v.get('negotiation_latency.max')).toBe(30_000);
    expect(v.get('negotiation_latency.mean')).toBe(20_000);
    expect(v.get('settlement_latency.max')).toBe(6_000);
    expect(v.get('settlement_latency.p99')).toBe(r.settlement.latency.p99_us);
    expect(v.get('messages.total')).toBe(1);
    expect(v.get('messages.invalid')).toBe(2);
    expect(v.get('messages.dropped')).toBe(1);
    expect(v.get('errors.total')).toBe(1);
    expect(v.get('errors.rate_limited')).toBe(1);
    expect(v.get('breaker.opens')).toBe(1);
    expect(v.get('breaker.time_open')).toBe(1_000);
    expect(v.get('deals.in_doubt')).toBe(3);
  });

  it('maps settlement, security, halts, exposure and the held and refused reasons onto their names', () => {
    const built = buildResults(input(fullCollector(), { sagas: { sagas: 0, settled: 0, compensated: 0, transfers: 0 } }));
    // Every figure distinct, so a name read from the wrong field shows.
    const r = structuredClone(built) as unknown as Record<string, any>;
    Object.assign(r.settlement.sagas, { settled: 11, compensated: 12, step_retries: 13, bonds_forfeited: { count: 14, value: '1.00' } });
    Object.assign(r.security, { attempts_total: 15, accepted_hostile_total: 16 });
    r.halts = [{ kind: 'level_1' }, { kind: 'level_1' }, { kind: 'limit_down' }];
    r.risk.exposure = [
      { organisation: 'a', limit: '200.00', peak: '50.00' },
      { organisation: 'b', limit: '100.00', peak: '90.00' },
    ];
    r.risk.held_by_reason = { breaker_open: 17, volatility: 19 };
    r.risk.refused_by_reason = { capacity: 20, outage: 24 };
    const v = metricValues(r as never);
    expect(v.get('sagas.settled')).toBe(11);
    expect(v.get('sagas.compensated')).toBe(12);
    expect(v.get('sagas.step_retries')).toBe(13);
    expect(v.get('bonds.forfeited')).toBe(14);
    expect(v.get('security.attempts')).toBe(15);
    expect(v.get('security.accepted_hostile')).toBe(16);
    expect(v.get('halts.count')).toBe(3);
    expect(v.get('halts.level_1')).toBe(2);
    expect(v.get('halts.limit_down')).toBe(1);
    expect(v.get('halts.level_2')).toBe(0);
    expect(v.get('exposure.peak_ratio')).toBe(0.9);
    // With no exposure limit anywhere there is no ratio (a budget on it breaches with no data).
    expect(metricValues({ ...r, risk: { ...r.risk, exposure: [] } } as never).has('exposure.peak_ratio')).toBe(false);
    expect(v.get('held.breaker_open')).toBe(17);
    expect(v.get('held.exposure_limit')).toBe(0);
    expect(v.get('held.volatility')).toBe(19);
    expect(v.get('refused.capacity')).toBe(20);
    expect(v.get('refused.outage')).toBe(24);
    expect(v.get('refused.market_halted')).toBe(0);
  });

  it('reports zero for every error code that never occurred', () => {
    const v = metricValues(buildResults(input(new MetricsCollector())));
    for (const code of ERROR_CODES) expect(v.get(`errors.${code}`)).toBe(0);
  });

  it('omits latency metrics that have no samples', () => {
    const v = metricValues(buildResults(input(new MetricsCollector())));
    expect(v.has('settlement_latency.p99')).toBe(false);
    expect(v.has('negotiation.success_rate')).toBe(false);
    expect(v.get('negotiation.count')).toBe(0);
  });
});

describe('evaluateBudgets', () => {
  function budget(expression: string): Budget {
    const b = parseBudget(expression);
    if ('error' in b) throw new Error(b.error);
    return b;
  }

  it('passes and fails budgets against the run values, in the order given', () => {
    const r = buildResults(input(fullCollector()));
    // success rate 2/3; settlement max 6 ms; negotiation count 3
    const out = evaluateBudgets(
      [budget('negotiation.success_rate >= 0.6'), budget('negotiation.success_rate >= 70%'), budget('settlement_latency.max < 6ms'), budget('settlement_latency.max <= 6ms'), budget('negotiation.count == 3'), budget('errors.rate_limited != 0')],
      r,
    );
    expect(out.map((b) => [b.expression, b.passed])).toEqual([
      ['negotiation.success_rate >= 0.6', true],
      ['negotiation.success_rate >= 70%', false],
      ['settlement_latency.max < 6ms', false],
      ['settlement_latency.max <= 6ms', true],
      ['negotiation.count == 3', true],
      ['errors.rate_limited != 0', true],
    ]);
    expect(out[0]).toEqual({ expression: 'negotiation.success_rate >= 0.6', metric: 'negotiation.success_rate', value: 0.666667, passed: true });
    expect(out[2]!.value).toBe(6_000);
  });

  it('fails a budget whose metric has no value, reporting it as null', () => {
    const r = buildResults(input(new MetricsCollector()));
    const [p99, errors] = evaluateBudgets([budget('settlement_latency.p99 < 1s'), budget('errors.out_of_stock == 0')], r);
    expect(p99).toEqual({ expression: 'settlement_latency.p99 < 1s', metric: 'settlement_latency.p99', value: null, passed: false });
    expect(errors!.passed).toBe(true);
  });

  it('returns nothing for no budgets', () => {
    expect(evaluateBudgets([], buildResults(input(fullCollector())))).toEqual([]);
  });
});

describe('settlement results', () => {
  it('reports sagas by cause and forfeited bonds only when there is a clearing house', () => {
    const m = fullCollector();
    m.sagasStarted = 5;
    m.sagasSettled = 3;
    m.sagaCompensated('payment_failed');
    m.sagaCompensated('back_office_rejected');
    m.executionRefused('out_of_stock');
    m.bondsForfeited = 2;
    m.bondValueForfeitedMinor = 4050;
    expect(buildResults(input(m)).settlement.sagas).toBeUndefined();
    const s = buildResults(input(m, { sagas: { sagas: 5, settled: 3, compensated: 2, transfers: 40 } })).settlement.sagas!;
    expect(s).toMatchObject({ started: 5, settled: 3, compensated: 2, failed: 1, ledger_transfers: 40 });
    expect(s.compensated_by_cause).toEqual({ back_office_rejected: 1, payment_failed: 1 });
    expect(s.bonds_forfeited).toEqual({ count: 2, value: '40.50' });
  });
});

describe('top pairs', () => {
  it('are the first n of all pairs sorted by negotiations, most first, then by key', () => {
    const tallies = fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 6 })), { maxLength: 90 });
    fc.assert(
      fc.property(tallies, fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 60, max: 70 })), (entries, n) => {
        const byPair = new Map(entries.map(([key, count]) => [key, { count, succeeded: 0 }] as const));
        const sorted = [...byPair].sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).slice(0, n);
        expect(topPairs(byPair, n)).toEqual(sorted);
      }),
      { numRuns: 500 },
    );
  });
});
