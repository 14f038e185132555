import { describe, expect, it } from 'vitest';
import { transactionHash } from '../../src/protocol/hash.js';
import type { CommerceMessage, MessageOf } from '../../src/protocol/schemas.js';
import { byConversation, errorsWith, minor, ofType, run, sentAtUs, store, type Scenario } from './scenario.js';

/** Two stores: acme lists at 137.00 for W-1, initech at 147.00. */
function twoStores(s: Scenario): void {
  const initech = store('initech');
  initech.margin = 0.3;
  initech.floor_margin = 0.1;
  s.stores.push(initech);
  s.buyers[0]!.stores_per_intent = 2;
}

describe('BuyerAgent: intents', () => {
  const base = run();
  const intents = ofType(base.delivered, 'a2a.commerce.intent');

  it('states its budget, currency, delivery date and mandate in the intent', () => {
    expect(intents.length).toBeGreaterThan(10);
    for (const m of intents) {
      const [item] = m.payload.items;
      expect(m.payload.intent).toBe('purchase');
      expect(item!.quantity).toBe(1);
      // reservation = reference × price factor × (1 + budget_margin), spread 0
      expect(m.payload.constraints?.max_total).toBe(item!.sku === 'W-1' ? 140 : 210);
      expect(m.payload.constraints?.currency).toBe('USD');
      expect(m.payload.constraints?.delivery_by).toBe('2025-01-22');
      expect(m.payload.mandate_ref).toBe('mandate_globex');
    }
  });

  it('starts one negotiation per conversation and reports each exactly once', () => {
    const conversations = new Set(intents.map((m) => m.conversation_id));
    expect(base.result.results.negotiation.count).toBe(conversations.size);
    for (const id of conversations) expect(id).toMatch(/^conv_globex-\d+_\d+$/);
  });

  it('only starts negotiations within the scenario duration, and the run drains', () => {
    const r = base.result.results;
    for (const m of intents) expect(sentAtUs(m)).toBeLessThan(20_000_000);
    expect(r.virtual_end_us).toBeGreaterThanOrEqual(Math.max(...base.delivered.map(sentAtUs)));
  });

  it('asks stores_per_intent stores in parallel and negotiates with the cheapest', () => {
    const { delivered } = run(twoStores);
    let compared = 0;
    for (const messages of byConversation(delivered).values()) {
      const sent = ofType(messages, 'a2a.commerce.intent');
      expect(sent).toHaveLength(2);
      expect(new Set(sent.map((m) => m.to.identifier))).toEqual(new Set(['agent:acme-1', 'agent:initech-1']));
      expect(sentAtUs(sent[0]!)).toBe(sentAtUs(sent[1]!));
      const first = ofType(messages, 'a2a.commerce.quote').filter((q) => q.payload.replaces === undefined);
      const followUp = messages.find((m) => m.type === 'a2a.commerce.counter' || m.type === 'a2a.commerce.accept');
      if (first.length === 2 && followUp) {
        const cheapest = first.reduce((a, b) => (b.payload.totals.total < a.payload.totals.total ? b : a));
        expect(followUp.to.identifier).toBe(cheapest.from.identifier);
        expect(cheapest.from.identifier).toBe('agent:acme-1');
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('asks more stores than one number has bits for, and waits for every first answer before it decides', () => {
    const { delivered } = run((s) => {
      s.stores[0]!.agents = 34;
      s.buyers[0]!.stores_per_intent = 33;
    });
    let decided = 0;
    for (const messages of byConversation(delivered).values()) {
      expect(ofType(messages, 'a2a.commerce.intent')).toHaveLength(33);
      const first = ofType(messages, 'a2a.commerce.quote').filter((q) => q.payload.replaces === undefined);
      const followUp = messages.find((m) => m.type === 'a2a.commerce.counter' || m.type === 'a2a.commerce.accept');
      if (first.length === 33 && followUp) {
        expect(sentAtUs(followUp)).toBeGreaterThanOrEqual(Math.max(...first.map(sentAtUs)));
        decided++;
      }
    }
    expect(decided).toBeGreaterThan(5);
  });

  it('substitutes an alternative offered with out_of_stock, in the same conversation', () => {
    const { delivered, result } = run((s) => {
      s.stores[0]!.stock = { 'W-1': 0, 'W-2': 1000 };
    });
    const conversations = byConversation(delivered);
    const oos = errorsWith(delivered, 'out_of_stock');
    expect(oos.length).toBeGreaterThan(0);
    for (const e of oos) {
      const messages = conversations.get(e.conversation_id)!;
      const after = messages.slice(messages.indexOf(e) + 1);
      const retry = ofType(after, 'a2a.commerce.intent');
      expect(retry).toHaveLength(1);
      expect(retry[0]!.payload.items).toEqual([{ sku: 'W-2', quantity: 1 }]);
    }
    expect(result.results.negotiation.outcomes.no_quotes).toBe(0);
  });
});

describe('BuyerAgent: what an intent asks and of whom', () => {
  it('asks for items_per_intent distinct SKUs in one intent', () => {
    const { delivered } = run((s) => {
      (s.buyers[0] as Record<string, unknown>).items_per_intent = 2;
    });
    const intents = ofType(delivered, 'a2a.commerce.intent');
    expect(intents.length).toBeGreaterThan(10);
    for (const m of intents) expect(m.payload.items.map((i) => i.sku).sort()).toEqual(['W-1', 'W-2']);
  });

  it('with a shortlist, each agent sends its intents to no more than that many stores, of the ones it discovered', () => {
    const storesAsked = (shortlist?: number) => {
      const { delivered } = run((s) => {
        s.stores[0]!.agents = 6;
        s.buyers[0]!.intent_rate = '120/m';
        if (shortlist !== undefined) (s.buyers[0] as Record<string, unknown>).shortlist = shortlist;
      });
      const asked = new Map<string, Set<string>>();
      for (const m of ofType(delivered, 'a2a.commerce.intent')) asked.set(m.from.identifier, (asked.get(m.from.identifier) ?? new Set()).add(m.to.identifier));
      return asked;
    };
    const short = storesAsked(2);
    expect(short.size).toBe(3);
    for (const stores of short.values()) expect(stores.size).toBeLessThanOrEqual(2);
    // Each keeps its own few: together they ask more than two stores.
    expect(new Set([...short.values()].flatMap((s) => [...s])).size).toBeGreaterThan(2);
    // Without one, every agent asks more than two.
    for (const stores of storesAsked().values()) expect(stores.size).toBeGreaterThan(2);
  });
});

describe('BuyerAgent: negotiation', () => {
  const base = run();

  it('raises its proposals from its target towards its reservation, never beyond', () => {
    let conversations = 0;
    for (const messages of byConversation(base.delivered).values()) {
      const counters = ofType(messages, 'a2a.commerce.counter');
      if (counters.length === 0) continue;
      conversations++;
      const sku = ofType(messages, 'a2a.commerce.intent')[0]!.payload.items[0]!.sku;
      const [target, reservation] = sku === 'W-1' ? [10_000, 14_000] : [15_000, 21_000];
      const proposals = counters.map((c) => minor(c.payload.proposed_changes.max_total));
      for (let i = 1; i < proposals.length; i++) expect(proposals[i]!).toBeGreaterThan(proposals[i - 1]!);
      expect(proposals[0]!).toBeGreaterThan(target);
      for (const p of proposals) expect(p).toBeLessThanOrEqual(reservation);
    }
    expect(conversations).toBeGreaterThan(10);
  });

  it('counters the latest quote and accepts one within its reservation', () => {
    const accepts = ofType(base.delivered, 'a2a.commerce.accept');
    expect(accepts.length).toBeGreaterThan(10);
    const conversations = byConversation(base.delivered);
    for (const a of accepts) {
      const messages = conversations.get(a.conversation_id)!;
      const quotes = ofType(messages.slice(0, messages.indexOf(a)), 'a2a.commerce.quote');
      const latest = quotes[quotes.length - 1]!;
      expect(a.payload.quote_id).toBe(latest.payload.quote_id);
      expect(a.to.identifier).toBe(latest.from.identifier);
      const reservation = latest.payload.items[0]!.sku === 'W-1' ? 140 : 210;
      expect(latest.payload.totals.total).toBeLessThanOrEqual(reservation);
      for (const c of ofType(messages, 'a2a.commerce.counter')) {
        expect(quotes.some((q) => q.payload.quote_id === c.payload.quote_id)).toBe(true);
      }
    }
  });

  it('signs each accept with a mandate proof bound to the accepted quote', () => {
    const quotes = new Map(ofType(base.delivered, 'a2a.commerce.quote').map((q) => [q.payload.quote_id, q]));
    for (const a of ofType(base.delivered, 'a2a.commerce.accept')) {
      const proof = a.payload.mandate_proof;
      expect(proof.mandate_id).toBe('mandate_globex');
      expect(proof.transaction_hash).toBe(transactionHash(quotes.get(a.payload.quote_id)!.payload));
      expect(proof.signature.length).toBeGreaterThan(20);
    }
    expect(errorsWith(base.delivered, 'mandate_invalid_signature')).toEqual([]);
    expect(errorsWith(base.delivered, 'quote_mismatch')).toEqual([]);
  });

  it('acknowledges every confirmation and records a deal for it', () => {
    const confirmations = ofType(base.delivered, 'a2a.commerce.confirmation');
    const confirmed = confirmations.filter((c) => c.payload.status === 'confirmed');
    const acks = confirmations.filter((c) => c.payload.status === 'acknowledged');
    expect(acks.map((c) => c.payload.order_id)).toEqual(confirmed.map((c) => c.payload.order_id));
    expect(base.result.results.negotiation.succeeded).toBe(confirmed.length);
    expect(base.result.results.settlement.latency.count).toBe(confirmed.length);
  });

  it('refuses to accept above its mandate and sends no accept', () => {
    const { delivered, result } = run((s) => {
      s.buyers[0]!.mandate = { max_per_purchase: 100 };
    });
    expect(ofType(delivered, 'a2a.commerce.accept')).toEqual([]);
    expect(result.results.negotiation.succeeded).toBe(0);
    expect(result.results.negotiation.outcomes.mandate_exceeded).toBeGreaterThan(0);
    expect(result.results.settlement.deals).toBe(0);
  });

  it('gives up with no_quotes when stores answer after quote_timeout, ignoring the late quotes', () => {
    const { delivered, result } = run((s) => {
      s.stores[0]!.capacity = { servers: 50, service_time: '500ms' };
    });
    expect(ofType(delivered, 'a2a.commerce.quote').length).toBeGreaterThan(0);
    expect(ofType(delivered, 'a2a.commerce.counter')).toEqual([]);
    expect(ofType(delivered, 'a2a.commerce.accept')).toEqual([]);
    expect(result.results.negotiation.outcomes.no_quotes).toBe(result.results.negotiation.count);
  });

  it('ends without agreement after its own max_rounds', () => {
    const { delivered, result } = run((s) => {
      s.buyers[0]!.budget_margin = 0.1; // reservation below the store's floor
      s.buyers[0]!.strategy = { kind: 'linear', max_rounds: 3 };
      s.stores[0]!.strategy = { kind: 'linear', max_rounds: 10 };
    });
    for (const messages of byConversation(delivered).values()) expect(ofType(messages, 'a2a.commerce.counter')).toHaveLength(3);
    expect(errorsWith(delivered, 'negotiation_closed')).toEqual([]);
    const r = result.results.negotiation;
    expect(r.outcomes.no_agreement).toBe(r.count);
    expect(r.rounds.max).toBe(3);
    expect(r.rounds.histogram).toEqual({ '3': r.count });
  });
});

describe('BuyerAgent: lossy network', () => {
  const lossy = run((s) => {
    s.network.loss_probability = 0.15;
    s.buyers[0]!.agents = 5;
    s.buyers[0]!.intent_rate = '60/m';
  });
  const executions = lossy.lines.flatMap((l) => (l.event === 'execution' ? [l.execution] : []));

  it('retries lost accepts and the run ends without an invariant violation', () => {
    const r = lossy.result.results;
    expect(r.messages.dropped).toBeGreaterThan(0);
    expect(r.settlement.accept_retries).toBeGreaterThan(0);
    expect(r.settlement.deals).toBeGreaterThan(0);
  });

  it('never executes an accepted quote twice, however often the accept arrives', () => {
    const orders = executions.map((e) => e.order_id);
    const quotes = executions.map((e) => e.quote_id);
    expect(new Set(orders).size).toBe(orders.length);
    expect(new Set(quotes).size).toBe(quotes.length);
    const accepts = ofType(lossy.delivered, 'a2a.commerce.accept');
    const perQuote = new Map<string, number>();
    for (const a of accepts) perQuote.set(a.payload.quote_id, (perQuote.get(a.payload.quote_id) ?? 0) + 1);
    expect(Math.max(...perQuote.values())).toBeGreaterThan(1); // some accept did arrive more than once
  });

  // With signing on, a retried accept (same message id) is a duplicate and gets the reply already
  // given; with signing off the store answers it from the executed order.
  it.each([
    ['on', lossy],
    ['off', run((s) => {
      s.network.loss_probability = 0.15;
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '60/m';
      (s as Record<string, unknown>).security = { signing: 'off' };
    })],
  ])('answers a repeated accept with the same confirmation (signing %s)', (_signing, r) => {
    // Every confirmation the stores sent, delivered or lost on the way (a lost one is why the accept came again).
    const sent = r.lines.flatMap((l) => (l.event === 'delivered' || l.event === 'dropped' ? [l.message as CommerceMessage] : []));
    const confirmations = ofType(sent, 'a2a.commerce.confirmation').filter((c) => c.payload.status === 'confirmed');
    const byOrder = new Map<string, MessageOf<'a2a.commerce.confirmation'>[]>();
    for (const c of confirmations) byOrder.set(c.payload.order_id, [...(byOrder.get(c.payload.order_id) ?? []), c]);
    const repeated = [...byOrder.values()].filter((list) => list.length > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const list of repeated) for (const c of list) expect(c.payload).toEqual(list[0]!.payload);
  });

  it('accounts for every execution as a deal or as in doubt', () => {
    const r = lossy.result.results;
    expect(r.flow.executions).toBe(executions.length);
    expect(r.settlement.deals + r.settlement.in_doubt).toBe(executions.length);
    expect(r.negotiation.succeeded).toBe(r.settlement.deals);
  });
});

describe('BuyerAgent: circuit breaker', () => {
  const breaker = { window: '10s', buckets: 10, failure_threshold: 0.5, min_volume: 5, cooldown: '2s', half_open_trials: 2 };
  // Budgets far below any store's floor: every negotiation fails.
  const broke = (s: Scenario, withBreaker = true) => {
    s.buyers[0]!.budget_margin = -0.5;
    s.buyers[0]!.target_margin = -0.6;
    s.buyers[0]!.breaker = withBreaker ? breaker : undefined;
  };
  const opened = run((s) => broke(s));
  const summary = opened.result.results.breakers[0]!;

  it('opens the breaker and holds intents when nothing can be bought', () => {
    const r = opened.result.results;
    expect(r.negotiation.succeeded).toBe(0);
    expect(summary.organisation).toBe('globex');
    expect(summary.opens).toBeGreaterThan(0);
    expect(summary.transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
    expect(r.negotiation.held_intents).toBeGreaterThan(0);
    expect(summary.time_open_us).toBeGreaterThan(0);
  });

  it('opens on exactly the min_volume-th failure', () => {
    const ends = opened.result.results.negotiation;
    expect(ends.count).toBeGreaterThanOrEqual(5);
    expect(summary.transitions[0]!.reason).toBe('failure rate 1.000 over 5 negotiations');
  });

  it('tries again exactly one cooldown after each opening, and re-opens on the failed trial', () => {
    const ts = summary.transitions;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.to === 'half_open') {
        expect(ts[i - 1]!.to).toBe('open');
        expect(t.time_us - ts[i - 1]!.time_us).toBe(2_000_000);
      }
      if (t.from === 'half_open') expect(t).toMatchObject({ to: 'open', reason: 'a half-open trial failed' });
    }
    expect(ts.some((t) => t.to === 'half_open')).toBe(true);
    expect(ts.some((t) => t.to === 'closed')).toBe(false);
  });

  it('starts no negotiation while open and at most half_open_trials while half-open', () => {
    const intents = ofType(opened.delivered, 'a2a.commerce.intent').map(sentAtUs);
    const ts = summary.transitions;
    for (let i = 0; i < ts.length; i++) {
      const from = ts[i]!.time_us;
      const until = ts[i + 1]?.time_us ?? Number.POSITIVE_INFINITY;
      const started = intents.filter((t) => t > from && t < until).length;
      if (ts[i]!.to === 'open') expect(started).toBe(0);
      if (ts[i]!.to === 'half_open') expect(started).toBeLessThanOrEqual(2);
    }
  });

  it('holds nothing without a breaker, and starts more negotiations', () => {
    const free = run((s) => broke(s, false)).result.results;
    expect(free.negotiation.held_intents).toBe(0);
    expect(free.breakers).toEqual([]);
    expect(free.negotiation.count).toBeGreaterThan(opened.result.results.negotiation.count);
  });

  it('stays closed when negotiations succeed', () => {
    const healthy = run((s) => {
      s.buyers[0]!.breaker = breaker;
    }).result.results;
    expect(healthy.breakers[0]).toMatchObject({ final_state: 'closed', opens: 0, transitions: [] });
    expect(healthy.negotiation.held_intents).toBe(0);
  });
});

describe('runSimulation with agents', () => {
  it('is a pure function of scenario and seed', () => {
    const a = run(undefined, 99);
    const b = run(undefined, 99);
    expect(b.result.results).toEqual(a.result.results);
    expect(JSON.stringify(b.lines)).toBe(JSON.stringify(a.lines));
  });

  it('changes with the seed', () => {
    const a = run(undefined, 99).result.results;
    const b = run(undefined, 100).result.results;
    expect(b.seed).toBe(100);
    expect(JSON.stringify(b.negotiation)).not.toBe(JSON.stringify(a.negotiation));
  });
});
