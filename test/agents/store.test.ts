import { describe, expect, it } from 'vitest';
import { transactionHash } from '../../src/protocol/hash.js';
import type { CommerceMessage, MessageOf } from '../../src/protocol/schemas.js';
import { ExecutionRecord } from '../../src/protocol/records.js';
import { byConversation, errorsWith, minor, ofType, run, sentAtUs, virtualUs } from './scenario.js';

type Quote = MessageOf<'a2a.commerce.quote'>;

const firstQuotes = (quotes: Quote[]) => quotes.filter((q) => q.payload.replaces === undefined);

describe('StoreAgent: quoting', () => {
  const base = run();
  const quotes = ofType(base.delivered, 'a2a.commerce.quote');

  it('quotes from the market reference with margin, shipping and tax', () => {
    const first = firstQuotes(quotes);
    expect(first.length).toBeGreaterThan(10);
    const skus = new Set<string>();
    for (const q of first) {
      const [item] = q.payload.items;
      skus.add(item!.sku);
      if (item!.sku === 'W-1') {
        expect(item!.unit_price).toBe(120);
        expect(q.payload.totals).toEqual({ subtotal: 120, shipping: 5, tax: 12, total: 137 });
      } else {
        expect(item!.unit_price).toBe(180); // price factor 1.5
        expect(q.payload.totals).toEqual({ subtotal: 180, shipping: 5, tax: 18, total: 203 });
      }
      expect(q.payload.currency).toBe('USD');
      expect(q.payload.note).toBeUndefined();
    }
    expect(skus).toEqual(new Set(['W-1', 'W-2']));
  });

  it('answers the party that asked, in the same conversation', () => {
    const intents = new Map(ofType(base.delivered, 'a2a.commerce.intent').map((m) => [m.conversation_id, m]));
    for (const q of firstQuotes(quotes)) {
      const intent = intents.get(q.conversation_id)!;
      expect(q.to).toEqual(intent.from);
      expect(q.from.identifier).toBe(intent.to.identifier);
      expect(q.payload.items.map((i) => [i.sku, i.quantity])).toEqual(intent.payload.items.map((i) => [i.sku, i.quantity]));
    }
  });

  it('sets valid_until to the time of quoting plus quote_validity', () => {
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(virtualUs(q.payload.valid_until) - sentAtUs(q)).toBe(5_000_000);
  });

  it('keeps every quote internally consistent: subtotal + shipping + tax − discount = total', () => {
    for (const q of quotes) {
      const t = q.payload.totals;
      expect(minor(t.subtotal) + minor(t.shipping) + minor(t.tax) - minor(t.discount ?? 0)).toBe(minor(t.total));
      expect(minor(t.subtotal)).toBe(q.payload.items.reduce((s, i) => s + minor(i.unit_price) * i.quantity, 0));
    }
  });

  it('estimates delivery delivery_days after the quote', () => {
    for (const q of firstQuotes(quotes)) expect(q.payload.delivery_estimate).toBe('2025-01-18');
  });

  it('marks items limited when stock is under four times the quantity', () => {
    const { delivered } = run((s) => {
      s.stores[0]!.stock = { 'W-1': 3, 'W-2': 1000 };
      s.buyers[0]!.agents = 1;
    });
    const first = firstQuotes(ofType(delivered, 'a2a.commerce.quote'));
    const w1 = first.filter((q) => q.payload.items[0]!.sku === 'W-1');
    const w2 = first.filter((q) => q.payload.items[0]!.sku === 'W-2');
    expect(w1.length).toBeGreaterThan(0);
    expect(w2.length).toBeGreaterThan(0);
    for (const q of w1) expect(q.payload.items[0]!.availability).toBe('limited');
    for (const q of w2) expect(q.payload.items[0]!.availability).toBe('in_stock');
  });
});

describe('StoreAgent: volatility premium', () => {
  it('lists higher when the market is volatile, by volatility_premium × realised volatility', () => {
    const firstQuotesOf = (premium: number) => {
      const { delivered } = run((s) => {
        s.market.regimes[0]!.volatility_per_minute = 0.05;
        (s.stores[0] as Record<string, unknown>).volatility_premium = premium;
      });
      return new Map(firstQuotes(ofType(delivered, 'a2a.commerce.quote')).map((q) => [`${q.conversation_id} ${q.timestamp}`, q.payload.items[0]!.unit_price]));
    };
    const plain = firstQuotesOf(0);
    const premium = firstQuotesOf(5);
    // The same intents at the same times are priced from the same market.
    const both = [...plain.keys()].filter((k) => premium.has(k));
    expect(both.length).toBeGreaterThan(5);
    for (const k of both) expect(premium.get(k)!).toBeGreaterThanOrEqual(plain.get(k)!);
    expect(both.filter((k) => premium.get(k)! > plain.get(k)!).length).toBeGreaterThan(both.length / 2);
  });
});

describe('StoreAgent: negotiation', () => {
  const base = run();

  it('answers every counter with a quote that replaces the countered one', () => {
    const counters = ofType(base.delivered, 'a2a.commerce.counter');
    expect(counters.length).toBeGreaterThan(10);
    const replies = new Map(ofType(base.delivered, 'a2a.commerce.quote').filter((q) => q.payload.replaces).map((q) => [q.payload.replaces!, q]));
    for (const c of counters) {
      const reply = replies.get(c.payload.quote_id);
      expect(reply, `reply to counter on ${c.payload.quote_id}`).toBeDefined();
      expect(reply!.conversation_id).toBe(c.conversation_id);
      expect(reply!.payload.quote_id).not.toBe(c.payload.quote_id);
      expect(sentAtUs(reply!)).toBeGreaterThan(sentAtUs(c));
    }
  });

  it('concedes monotonically, never below its floor, and shows the discount', () => {
    const floors: Record<string, number> = { 'W-1': 12_200, 'W-2': 15_750 + 500 + 1_800 };
    let conceded = 0;
    for (const messages of byConversation(base.delivered).values()) {
      const quotes = ofType(messages, 'a2a.commerce.quote');
      for (let i = 1; i < quotes.length; i++) {
        expect(quotes[i]!.payload.replaces).toBe(quotes[i - 1]!.payload.quote_id);
        expect(quotes[i]!.payload.totals.total).toBeLessThanOrEqual(quotes[i - 1]!.payload.totals.total);
      }
      for (const q of quotes) {
        const total = minor(q.payload.totals.total);
        expect(total).toBeGreaterThanOrEqual(floors[q.payload.items[0]!.sku]!);
        if (q.payload.totals.discount !== undefined) {
          conceded++;
          expect(q.payload.note).toMatch(/^Applied \d+\.\d% discount$/);
        }
      }
    }
    expect(conceded).toBeGreaterThan(0);
  });

  it('meets a proposal that reaches its current ask instead of asking more', () => {
    // A buyer whose target (130.00) sits close to the list total soon proposes above the store's ask.
    const { delivered } = run((s) => {
      s.buyers[0]!.target_margin = 0.3;
      s.buyers[0]!.budget_margin = 0.4;
    });
    const quotes = new Map(ofType(delivered, 'a2a.commerce.quote').map((q) => [q.payload.quote_id, q]));
    let met = 0;
    for (const c of ofType(delivered, 'a2a.commerce.counter')) {
      const reply = [...quotes.values()].find((q) => q.payload.replaces === c.payload.quote_id)!;
      const previous = quotes.get(c.payload.quote_id)!;
      const proposed = c.payload.proposed_changes.max_total;
      // Never above what was asked before, never above the proposal once the proposal is accepted.
      expect(reply.payload.totals.total).toBeLessThanOrEqual(previous.payload.totals.total);
      if (reply.payload.totals.total === proposed) met++;
    }
    expect(met).toBeGreaterThan(0);
  });

  it('refuses a counter or accept that names a quote past its valid_until with quote_expired', () => {
    // Quotes live 1 ms; every answer to one takes at least 2 ms on the wire.
    const { delivered, lines } = run((s) => {
      s.stores[0]!.quote_validity = '1ms';
      s.network.latency = '2ms';
    });
    const quotes = new Map(ofType(delivered, 'a2a.commerce.quote').map((q) => [q.payload.quote_id, q]));
    const expired = errorsWith(delivered, 'quote_expired');
    expect(expired.length).toBeGreaterThan(5);
    const deliveredAt = new Map(lines.flatMap((l) => (l.event === 'delivered' ? [[(l.message as CommerceMessage).id, l.vt_us] as const] : [])));
    const answered = [...ofType(delivered, 'a2a.commerce.counter'), ...ofType(delivered, 'a2a.commerce.accept')];
    for (const e of expired) {
      const named = answered.find((m) => m.id === e.payload.reference || m.payload.quote_id === e.payload.reference);
      const quote = quotes.get(e.payload.reference!) ?? quotes.get(named!.payload.quote_id);
      expect(quote).toBeDefined();
      // The refused message reached the store after the quote it named had lapsed.
      const arrival = answered.filter((m) => m.payload.quote_id === quote!.payload.quote_id).map((m) => deliveredAt.get(m.id)!);
      expect(Math.min(...arrival)).toBeGreaterThan(virtualUs(quote!.payload.valid_until));
    }
    expect(ofType(delivered, 'a2a.commerce.confirmation')).toEqual([]);
  });

  it('closes the negotiation after its max_rounds counters', () => {
    // The buyer can never reach the store's floor (reservation 110.00 < floor 122.00 for W-1,
    // 165.00 < 180.50 for W-2).
    const { delivered, result } = run((s) => {
      s.stores[0]!.strategy = { kind: 'linear', max_rounds: 2 };
      s.buyers[0]!.budget_margin = 0.1;
      s.buyers[0]!.target_margin = 0;
      s.buyers[0]!.strategy = { kind: 'linear', max_rounds: 10 };
      s.buyers[0]!.agents = 1;
    });
    const closed = errorsWith(delivered, 'negotiation_closed');
    expect(closed.length).toBeGreaterThan(0);
    for (const messages of byConversation(delivered).values()) {
      const counters = ofType(messages, 'a2a.commerce.counter');
      expect(counters).toHaveLength(3);
      expect(ofType(messages, 'a2a.commerce.quote')).toHaveLength(3); // the first quote and two replies
      const last = messages[messages.length - 1]!;
      expect(last.type).toBe('a2a.commerce.error');
      expect((last as MessageOf<'a2a.commerce.error'>).payload).toMatchObject({ code: 'negotiation_closed', reference: counters[2]!.payload.quote_id });
    }
    expect(ofType(delivered, 'a2a.commerce.accept')).toEqual([]);
    expect(result.results.negotiation.outcomes.no_agreement).toBe(result.results.negotiation.count);
  });
});

describe('StoreAgent: refusals', () => {
  it('answers out_of_stock with alternatives from the same category when a substitute has stock', () => {
    const { delivered } = run((s) => {
      s.stores[0]!.stock = { 'W-1': 0, 'W-2': 1000 };
    });
    const oos = errorsWith(delivered, 'out_of_stock');
    expect(oos.length).toBeGreaterThan(0);
    const intents = new Map(ofType(delivered, 'a2a.commerce.intent').map((m) => [m.id, m]));
    for (const e of oos) {
      expect(e.payload.alternatives).toEqual([{ sku: 'W-2', name: 'Widget Plus' }]);
      expect(intents.get(e.payload.reference)?.payload.items[0]!.sku).toBe('W-1');
      expect(e.payload.message).toContain('W-1: 0 on hand, 1 requested');
    }
  });

  it('answers out_of_stock without alternatives when nothing else is in stock', () => {
    const { delivered, result } = run((s) => {
      s.stores[0]!.stock = { 'W-1': 0, 'W-2': 0 };
    });
    const oos = errorsWith(delivered, 'out_of_stock');
    expect(oos.length).toBeGreaterThan(0);
    for (const e of oos) expect(e.payload.alternatives).toBeUndefined();
    expect(ofType(delivered, 'a2a.commerce.quote')).toEqual([]);
    expect(result.results.negotiation.outcomes.no_quotes).toBe(result.results.negotiation.count);
    expect(result.results.errors.by_code.out_of_stock).toBe(oos.length);
  });

  it('never sells more than it has in stock', () => {
    const { lines, delivered, result } = run((s) => {
      s.stores[0]!.stock = { 'W-1': 3, 'W-2': 0 };
    });
    const executions = lines.flatMap((l) => (l.event === 'execution' ? [l.execution] : []));
    const sold = executions.flatMap((e) => e.items).reduce((n, i) => n + (i.sku === 'W-1' ? i.quantity : 0), 0);
    expect(sold).toBe(3);
    expect(executions.flatMap((e) => e.items).some((i) => i.sku === 'W-2')).toBe(false);
    expect(errorsWith(delivered, 'out_of_stock').length).toBeGreaterThan(0);
    expect(result.results.settlement.deals).toBe(3);
  });

  it('answers rate_limited when its one server is busy and it may not queue', () => {
    const { delivered, result } = run((s) => {
      s.stores[0]!.capacity = { servers: 1, service_time: '50ms', queue_limit: 0 };
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '120/m';
    });
    const limited = errorsWith(delivered, 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    const sentToStore = new Map(delivered.filter((m) => m.to.identifier === 'agent:acme-1').map((m) => [m.id, m]));
    for (const e of limited) {
      expect(e.from.identifier).toBe('agent:acme-1');
      const request = sentToStore.get(e.payload.reference);
      expect(request, `request ${e.payload.reference}`).toBeDefined();
      expect(e.to).toEqual(request!.from);
      expect(e.conversation_id).toBe(request!.conversation_id);
    }
    expect(result.results.errors.by_code.rate_limited).toBe(limited.length);
  });

  it('with no queue, refuses on arrival or answers exactly one service time later', () => {
    const { lines, delivered } = run((s) => {
      s.stores[0]!.capacity = { servers: 1, service_time: '50ms', queue_limit: 0 };
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '120/m';
    });
    const fromStore = delivered.filter((m) => m.from.identifier === 'agent:acme-1');
    const refusals = new Map(errorsWith(fromStore, 'rate_limited').map((e) => [e.payload.reference, e]));
    const requests = lines.flatMap((l) => (l.event === 'delivered' && (l.message as { to: { identifier: string } }).to.identifier === 'agent:acme-1' ? [{ atUs: l.vt_us, message: l.message as CommerceMessage }] : []));
    expect(refusals.size).toBeGreaterThan(0);
    let served = 0;
    for (const { atUs, message } of requests) {
      if (message.type === 'a2a.commerce.confirmation') continue; // receipts need no service
      const refusal = refusals.get(message.id);
      if (refusal) {
        expect(sentAtUs(refusal)).toBe(atUs);
        continue;
      }
      const answer = fromStore.find((m) => m.conversation_id === message.conversation_id && sentAtUs(m) === atUs + 50_000);
      expect(answer, `answer to ${message.id} at ${atUs + 50_000}`).toBeDefined();
      served++;
    }
    expect(served).toBeGreaterThan(0);
  });

  it('queues instead of refusing when the queue has room', () => {
    const { delivered } = run((s) => {
      s.stores[0]!.capacity = { servers: 1, service_time: '50ms', queue_limit: 1000 };
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '120/m';
    });
    expect(errorsWith(delivered, 'rate_limited')).toEqual([]);
    expect(ofType(delivered, 'a2a.commerce.quote').length).toBeGreaterThan(0);
  });

  it('serves one request at a time on a single server', () => {
    const { delivered } = run((s) => {
      s.stores[0]!.capacity = { servers: 1, service_time: '50ms', queue_limit: 1000 };
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '120/m';
    });
    const replyTimes = delivered.filter((m) => m.from.identifier === 'agent:acme-1').map(sentAtUs);
    for (let i = 1; i < replyTimes.length; i++) expect(replyTimes[i]! - replyTimes[i - 1]!).toBeGreaterThanOrEqual(50_000);
  });

  it('answers delivery_unavailable when it cannot deliver by the requested date', () => {
    const { delivered, result } = run((s) => {
      s.stores[0]!.delivery_days = 10;
      s.buyers[0]!.delivery_within_days = 3;
    });
    const errors = errorsWith(delivered, 'delivery_unavailable');
    expect(errors.length).toBe(result.results.negotiation.count);
    expect(errors[0]!.payload.message).toContain('2025-01-25');
    expect(ofType(delivered, 'a2a.commerce.quote')).toEqual([]);
  });
});

describe('StoreAgent: execution', () => {
  const base = run();
  const executions = base.lines.flatMap((l) => (l.event === 'execution' ? [{ vt: l.vt_us, record: l.execution }] : []));

  it('executes accepted quotes and confirms them to the buyer', () => {
    const accepts = ofType(base.delivered, 'a2a.commerce.accept');
    expect(executions.length).toBeGreaterThan(10);
    expect(executions).toHaveLength(accepts.length);
    const confirmations = ofType(base.delivered, 'a2a.commerce.confirmation');
    for (const { record } of executions) {
      expect(ExecutionRecord.safeParse(record).success).toBe(true);
      const fromStore = confirmations.filter((c) => c.payload.order_id === record.order_id && c.payload.status === 'confirmed');
      const receipts = confirmations.filter((c) => c.payload.order_id === record.order_id && c.payload.status === 'acknowledged');
      expect(fromStore).toHaveLength(1);
      expect(receipts).toHaveLength(1);
      expect(fromStore[0]!.from.identifier).toBe(record.store);
      expect(fromStore[0]!.to.identifier).toBe(record.buyer);
      expect(receipts[0]!.from.identifier).toBe(record.buyer);
      expect(fromStore[0]!.payload.totals).toEqual(record.totals);
      expect(fromStore[0]!.payload.tracking.url).toContain(record.order_id);
    }
  });

  it('binds each execution to the hash of the quote as issued and to the accept that named it', () => {
    const quotes = new Map(ofType(base.delivered, 'a2a.commerce.quote').map((q) => [q.payload.quote_id, q]));
    const accepts = new Map(ofType(base.delivered, 'a2a.commerce.accept').map((a) => [a.payload.quote_id, a]));
    for (const { record } of executions) {
      const q = quotes.get(record.quote_id)!;
      expect(record.transaction_hash).toBe(transactionHash(q.payload));
      expect(accepts.get(record.quote_id)!.payload.mandate_proof.transaction_hash).toBe(record.transaction_hash);
      expect(record.totals).toEqual(q.payload.totals);
    }
  });

  it('counts executions, deals and deal value consistently', () => {
    const r = base.result.results;
    expect(r.flow.executions).toBe(executions.length);
    expect(r.settlement.deals).toBe(executions.length);
    expect(r.settlement.in_doubt).toBe(0);
    const value = executions.reduce((s, e) => s + minor(e.record.totals.total), 0);
    expect(minor(Number(r.settlement.value))).toBe(value);
  });

  it('gives every order a distinct id', () => {
    const ids = executions.map((e) => e.record.order_id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
