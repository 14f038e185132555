import { describe, expect, it } from 'vitest';
import { addressBookOf, Broker } from '../../src/broker/broker.js';
import { NetworkModel } from '../../src/broker/network.js';
import { ValidTraceLine } from '../../src/broker/trace.js';
import type { FaultSchedule } from '../../src/faults/plan.js';
import { validateMessage } from '../../src/protocol/validate.js';
import { Priority } from '../../src/engine/kernel.js';
import { intent, planWithNetwork, quote, world, type FakeEndpoint, type World } from './fixtures.js';

const uniformLatency = { latency: { distribution: 'uniform', min: '1ms', max: '5ms' } };

function runAll(w: World): void {
  w.kernel.runUntil(Number.POSITIVE_INFINITY);
}

/** Sends `count` intents from one endpoint to another at time 0 and returns each one's latency, in send order. */
function latencies(w: World, from: FakeEndpoint, to: FakeEndpoint, count: number): number[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = intent(from, to);
    ids.push(m.id);
    w.broker.send(from, m);
  }
  runAll(w);
  const at = new Map(to.received.map((r) => [r.message.id, r.atUs]));
  return ids.map((id) => at.get(id)!);
}

describe('Broker: delivery', () => {
  it('delivers a valid message after a constant latency, unchanged', () => {
    const w = world(planWithNetwork({ latency: '2ms' }));
    const m = intent(w.a, w.b);
    w.broker.send(w.a, m);
    expect(w.b.received).toEqual([]); // nothing before the kernel runs
    runAll(w);
    expect(w.b.received).toEqual([{ atUs: 2_000, message: m }]);
    expect(w.a.received).toEqual([]);
    expect(w.c.received).toEqual([]);
    expect(w.metrics.messagesDelivered).toBe(1);
    expect(w.metrics.sentByType.get('a2a.commerce.intent')).toBe(1);
  });

  it('delivers after a latency drawn within the distribution', () => {
    const w = world(planWithNetwork(uniformLatency));
    const ls = latencies(w, w.a, w.b, 50);
    for (const l of ls) {
      expect(l).toBeGreaterThanOrEqual(1_000);
      expect(l).toBeLessThanOrEqual(5_000);
    }
    expect(new Set(ls).size).toBeGreaterThan(10);
  });

  it('respects the minimum of a lognormal latency', () => {
    const w = world(planWithNetwork({ latency: { distribution: 'lognormal', median: '600us', p99: '50ms', min: '500us' } }));
    const ls = latencies(w, w.a, w.b, 200);
    expect(Math.min(...ls)).toBe(500);
    expect(Math.max(...ls)).toBeGreaterThan(600);
  });

  it('adds latency to the virtual time at which a message is sent', () => {
    const w = world(planWithNetwork({ latency: '3ms' }));
    // A timer of A's fires at 10 ms and sends from there.
    w.kernel.schedule(10_000, Priority.timer, w.a, { handle: () => w.broker.send(w.a, intent(w.a, w.b)) }, 1, null);
    runAll(w);
    expect(w.b.received[0]!.atUs).toBe(13_000);
  });

  it('traces a delivered message as valid protocol data at its delivery time', () => {
    const w = world(planWithNetwork({ latency: '2ms' }));
    const m = quote(w.b, w.a);
    w.broker.send(w.b, m);
    runAll(w);
    expect(w.trace).toEqual([{ vt_us: 2_000, event: 'delivered', message: m }]);
    expect(ValidTraceLine.safeParse(w.trace[0]).success).toBe(true);
  });

  it('counts an error message under its code when sent', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    w.broker.send(w.b, {
      type: 'a2a.commerce.error',
      id: 'msg_err',
      from: w.b.party,
      to: w.a.party,
      conversation_id: 'conv_1',
      timestamp: '2025-01-15T10:30:00.000000Z',
      payload: { code: 'out_of_stock', message: 'none left', reference: 'msg_1' },
    });
    expect(w.metrics.errorsByCode.get('out_of_stock')).toBe(1);
  });

  it('counts a message to an unknown recipient as unroutable and delivers nothing', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    w.broker.send(w.a, intent(w.a, w.b, { to: { type: 'agent', identifier: 'agent:nobody', name: 'x' } }));
    runAll(w);
    expect(w.metrics.messagesUnroutable).toBe(1);
    expect(w.metrics.messagesDelivered).toBe(0);
    expect(w.trace).toEqual([]);
  });

  it('refuses to register two endpoints with the same identifier', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    expect(() => w.broker.register(w.a)).toThrow(/duplicate agent agent:globex-1/);
  });
});

describe('Broker: loss and corruption', () => {
  it('drops every message with loss_probability 1 and traces it as dropped', () => {
    const w = world(planWithNetwork({ latency: '1ms', loss_probability: 1 }));
    const m = intent(w.a, w.b);
    w.broker.send(w.a, m);
    runAll(w);
    expect(w.b.received).toEqual([]);
    expect(w.metrics.messagesDropped).toBe(1);
    expect(w.metrics.messagesDelivered).toBe(0);
    expect(w.metrics.sentByType.get('a2a.commerce.intent')).toBe(1);
    expect(w.trace).toEqual([{ vt_us: 0, event: 'dropped', message: m }]);
  });

  it('drops roughly the configured share of messages', () => {
    const w = world(planWithNetwork({ latency: '1ms', loss_probability: 0.3 }));
    for (let i = 0; i < 1_000; i++) w.broker.send(w.a, intent(w.a, w.b));
    runAll(w);
    expect(w.metrics.messagesDropped + w.metrics.messagesDelivered).toBe(1_000);
    expect(w.metrics.messagesDropped).toBeGreaterThan(240);
    expect(w.metrics.messagesDropped).toBeLessThan(360);
    expect(w.b.received).toHaveLength(w.metrics.messagesDelivered);
  });

  it('applies a per-organisation link override only to that link', () => {
    const w = world(planWithNetwork({ latency: '1ms', links: [{ from: 'globex', to: 'acme', loss_probability: 1, latency: '9ms' }] }));
    w.broker.send(w.a, intent(w.a, w.b));
    w.broker.send(w.a, intent(w.a, w.c));
    w.broker.send(w.b, quote(w.b, w.a));
    runAll(w);
    expect(w.b.received).toEqual([]);
    expect(w.c.received.map((r) => r.atUs)).toEqual([1_000]);
    expect(w.a.received.map((r) => r.atUs)).toEqual([1_000]); // the reverse direction is not overridden
    expect(w.metrics.messagesDropped).toBe(1);
  });

  it('with corrupt_probability 1 every message arrives invalid and is rejected', () => {
    const w = world(planWithNetwork({ latency: '1ms', corrupt_probability: 1 }));
    const sent = [];
    for (let i = 0; i < 30; i++) {
      const m = i % 2 === 0 ? intent(w.a, w.b) : quote(w.a, w.b);
      sent.push(m);
      w.broker.send(w.a, m);
    }
    runAll(w);
    expect(w.b.received).toEqual([]);
    expect(w.metrics.messagesCorrupted).toBe(30);
    expect(w.metrics.messagesInvalid).toBe(30);
    expect(w.metrics.messagesDelivered).toBe(0);
    expect(w.b.replyErrors).toHaveLength(30);
    expect(w.b.replyErrors.every((e) => e.code === 'invalid_message' && e.to.identifier === w.a.identifier)).toBe(true);
    expect(w.trace.every((t) => t.event === 'rejected')).toBe(true);
    // The sender's copy is left untouched: corruption happens on the wire.
    expect(sent[0]!.conversation_id).toBe('conv_1');
    expect(sent[0]!.timestamp).toBe('2025-01-15T10:30:00.000000Z');
  });

  it('counts a corrupted message only when it is on its way: one a fault then drops is a drop, traced as corrupted', () => {
    const plan = planWithNetwork({ latency: '1ms', corrupt_probability: 1 });
    const faults: FaultSchedule = {
      untilUs: Number.MAX_SAFE_INTEGER,
      messageLossProbability: 1,
      duplicateProbability: 0,
      reorderProbability: 0,
      reorderDelayMaxUs: 0,
      delaySpikeProbability: 0,
      delaySpikeUs: 0,
      partitions: [],
      crashes: [],
      backOfficeRejectionProbability: 0,
      paymentFailureProbability: 0,
      slowdown: undefined,
    };
    const w = world(plan);
    const broker = new Broker(w.kernel, new NetworkModel(plan, plan.seed), w.metrics, { record: (line) => w.trace.push(line) }, addressBookOf([w.a, w.b]), 0, faults);
    broker.register(w.a);
    broker.register(w.b);
    for (let i = 0; i < 10; i++) broker.send(w.a, intent(w.a, w.b));
    runAll(w);
    expect(w.metrics.messagesDropped).toBe(10);
    expect(w.metrics.messagesCorrupted).toBe(0);
    expect(w.metrics.messagesInvalid).toBe(0);
    // What the trace shows dropped is the copy that was on the wire.
    expect(w.trace.filter((t) => t.event === 'dropped')).toHaveLength(10);
    expect(w.trace.some((t) => validateMessage((t as { message?: unknown }).message).ok)).toBe(false);
  });
});

describe('Broker: validation on delivery', () => {
  function rejectOne(w: World, message: unknown) {
    w.broker.send(w.a, message as never);
    runAll(w);
  }

  it('rejects money with three decimals, answering invalid_message to the sender via the recipient', () => {
    const w = world(planWithNetwork({ latency: '2ms' }));
    const m = intent(w.a, w.b, { payload: { intent: 'purchase', items: [{ sku: 'W-1', quantity: 1 }], constraints: { max_total: 10.005 } } });
    rejectOne(w, m);
    expect(w.b.received).toEqual([]);
    expect(w.metrics.messagesInvalid).toBe(1);
    expect(w.metrics.messagesDelivered).toBe(0);
    expect(w.b.replyErrors).toHaveLength(1);
    const e = w.b.replyErrors[0]!;
    expect(e.code).toBe('invalid_message');
    expect(e.to).toEqual(w.a.party);
    expect(e.conversationId).toBe('conv_1');
    expect(e.reference).toBe(m.id);
    expect(e.text).toContain('payload.constraints.max_total');
    expect(w.a.replyErrors).toEqual([]);
    expect(w.trace).toHaveLength(1);
    expect(w.trace[0]).toMatchObject({ vt_us: 2_000, event: 'rejected', message: m });
    expect((w.trace[0] as { reason: string }).reason).toContain('payload.constraints.max_total');
  });

  it('rejects a message missing a required payload field', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    rejectOne(w, intent(w.a, w.b, { payload: { intent: 'purchase' } }));
    expect(w.b.received).toEqual([]);
    expect(w.metrics.messagesInvalid).toBe(1);
    expect(w.b.replyErrors[0]!.text).toContain('payload.items');
  });

  it('sends the rejection to the true sender, not to the party the message claims to be from', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    rejectOne(w, intent(w.a, w.b, { from: w.c.party, payload: { intent: 'purchase', items: [] } }));
    expect(w.b.replyErrors).toHaveLength(1);
    expect(w.b.replyErrors[0]!.to).toEqual(w.a.party);
  });

  it('falls back to placeholder references when the id or conversation is unusable', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    rejectOne(w, intent(w.a, w.b, { id: 42, conversation_id: '' }));
    expect(w.b.replyErrors[0]).toMatchObject({ conversationId: 'conv_unknown', reference: 'unknown' });
  });

  it('never echoes an id that is not one (the answer would be invalid in turn), and never answers an invalid error', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    rejectOne(w, intent(w.a, w.b, { id: 'x'.repeat(201), conversation_id: 'conv x' }));
    expect(w.b.replyErrors).toHaveLength(1);
    expect(w.b.replyErrors[0]).toMatchObject({ conversationId: 'conv_unknown', reference: 'unknown' });
    // An invalid error is counted and traced, and not answered: two agents would trade errors for ever.
    rejectOne(w, intent(w.a, w.b, { type: 'a2a.commerce.error', payload: { code: 'out_of_stock', message: 'x', reference: 'conv x' }, conversation_id: 'conv x' }));
    expect(w.metrics.messagesInvalid).toBe(2);
    expect(w.b.replyErrors).toHaveLength(1);
  });

  it('rejects an unknown message type', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    rejectOne(w, intent(w.a, w.b, { type: 'a2a.commerce.gossip' }));
    expect(w.b.received).toEqual([]);
    expect(w.metrics.messagesInvalid).toBe(1);
  });

  it('still delivers valid messages sent alongside an invalid one', () => {
    const w = world(planWithNetwork({ latency: '1ms' }));
    const good = intent(w.a, w.b);
    w.broker.send(w.a, intent(w.a, w.b, { timestamp: 'yesterday' }));
    w.broker.send(w.a, good);
    runAll(w);
    expect(w.b.received.map((r) => r.message)).toEqual([good]);
    expect(w.metrics.messagesInvalid).toBe(1);
    expect(w.metrics.messagesDelivered).toBe(1);
  });
});

describe('Broker: per-link random streams', () => {
  it('draws the same latencies for the same seed', () => {
    const x = world(planWithNetwork(uniformLatency, 5));
    const y = world(planWithNetwork(uniformLatency, 5));
    expect(latencies(x, x.a, x.b, 20)).toEqual(latencies(y, y.a, y.b, 20));
  });

  it('draws different latencies for a different seed', () => {
    const x = world(planWithNetwork(uniformLatency, 5));
    const y = world(planWithNetwork(uniformLatency, 6));
    expect(latencies(x, x.a, x.b, 20)).not.toEqual(latencies(y, y.a, y.b, 20));
  });

  it('traffic on A→B does not change the latencies drawn on A→C', () => {
    const quiet = world(planWithNetwork(uniformLatency));
    const expected = latencies(quiet, quiet.a, quiet.c, 20);

    const busy = world(planWithNetwork(uniformLatency));
    for (let i = 0; i < 37; i++) busy.broker.send(busy.a, intent(busy.a, busy.b));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const m = intent(busy.a, busy.c);
      ids.push(m.id);
      busy.broker.send(busy.a, m);
      busy.broker.send(busy.a, intent(busy.a, busy.b)); // interleaved traffic on the other link
    }
    runAll(busy);
    const at = new Map(busy.c.received.map((r) => [r.message.id, r.atUs]));
    expect(ids.map((id) => at.get(id))).toEqual(expected);
  });

  it('gives each recipient of the same sender its own stream', () => {
    const w = world(planWithNetwork(uniformLatency));
    const toB = latencies(w, w.a, w.b, 20);
    const v = world(planWithNetwork(uniformLatency));
    const toC = latencies(v, v.a, v.c, 20);
    expect(toB).not.toEqual(toC);
  });

  it('keeps the two directions of a pair on separate streams', () => {
    const w = world(planWithNetwork(uniformLatency));
    const forward = latencies(w, w.a, w.b, 20);
    const v = world(planWithNetwork(uniformLatency));
    const backward = latencies(v, v.b, v.a, 20);
    expect(forward).not.toEqual(backward);
  });
});
