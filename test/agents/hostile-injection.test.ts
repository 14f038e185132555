/**
 * Messages injected through a real agent in a real run, as a hostile agent of the run would
 * send them under its own name: answers nobody asked for, and settlement results from anyone
 * but the clearing house. The run goes on, and none of them is acted on.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { Broker, type Endpoint } from '../../src/broker/broker.js';
import type { CommerceMessage } from '../../src/protocol/schemas.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation } from '../../src/simulation.js';

/** A scenario file, edited, with one idle hostile agent to send from. */
function planFrom(file: string, edit: (text: string) => string): SimulationPlan {
  const text = `${edit(readFileSync(file, 'utf8'))}\nadversaries:\n  - { kind: replayer, rate: 1/m, start: 1h }\n`;
  const parsed = parseScenarioText(text, file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

/**
 * Runs `plan`, calling `inject(evil, from, message)` for every message an agent sends, where
 * `evil` is the run's hostile agent (which then sends whatever `inject` makes it send).
 */
function runWith(plan: SimulationPlan, inject: (evil: Agent, from: Endpoint, message: CommerceMessage) => void) {
  let evil: Agent | undefined;
  const register = Broker.prototype.register;
  vi.spyOn(Broker.prototype, 'register').mockImplementation(function (this: Broker, e: Endpoint) {
    if ((e as Agent).identifier?.startsWith('agent:hostile')) evil = e as Agent;
    return register.call(this, e);
  });
  const send = Broker.prototype.send;
  vi.spyOn(Broker.prototype, 'send').mockImplementation(function (this: Broker, from: Endpoint, m: CommerceMessage) {
    if (evil !== undefined && from !== evil) inject(evil, from, m);
    return send.call(this, from, m);
  });
  return runSimulation(plan).results;
}

/** Makes the hostile agent send a message under its own name (signed, when the run signs). */
function say(evil: Agent, to: CommerceMessage['from'], type: string, conversationId: string, payload: unknown): void {
  (evil as unknown as { send(to: unknown, type: string, conversationId: string, payload: unknown): unknown }).send(to, type, conversationId, payload);
}

afterEach(() => vi.restoreAllMocks());

describe('hostile messages injected into a run', () => {
  it('a quote from an agent the buyer never asked is no offer: no deal with it, and the run ends cleanly', () => {
    const plan = planFrom('scenarios/quickstart.yaml', (t) => t.replace(/duration: \S+/, 'duration: 5s').replace(/\nadversaries:[\s\S]*?(?=\n[a-z]|$)/, ''));
    const baseline = runSimulation(plan).results;
    const asked = new Set<string>();
    const results = runWith(plan, (evil, _from, m) => {
      if (m.type !== 'a2a.commerce.intent' || asked.has(m.conversation_id)) return;
      asked.add(m.conversation_id);
      const quoteId = `q_fake_${asked.size}`;
      say(evil, m.from, 'a2a.commerce.quote', m.conversation_id, {
        currency: 'USD',
        delivery_estimate: '2030-01-01',
        items: [{ availability: 'in_stock', name: 'bargain', quantity: 1, sku: m.payload.items[0]!.sku, unit_price: 0.01 }],
        quote_id: quoteId,
        totals: { shipping: 0, subtotal: 0.01, tax: 0, total: 0.01 },
        valid_until: '2030-01-01T00:00:00Z',
      });
    });
    expect(asked.size).toBeGreaterThan(3);
    // Every negotiation ends as it would have without the bargains, which no buyer took up.
    expect(results.negotiation.outcomes).toEqual(baseline.negotiation.outcomes);
    expect(results.negotiation.succeeded).toBeGreaterThan(0);
    expect(results.messages.by_type['a2a.commerce.accept']).toBe(baseline.messages.by_type['a2a.commerce.accept']);
  });

  it('a settlement result from anyone but the clearing house changes no saga', () => {
    const plan = planFrom('scenarios/settlement-faults.yaml', (t) => t.replace(/\nfaults:[\s\S]*?(?=\n[a-z]|$)/, '').replace(/duration: \S+/, 'duration: 5s'));
    const baseline = runSimulation(plan).results;
    let forged = 0;
    const results = runWith(plan, (evil, _from, m) => {
      if (m.type !== 'a2a.settlement.escrow') return;
      forged++;
      say(evil, m.from, 'a2a.settlement.result', m.conversation_id, { saga_id: m.payload.saga_id, idempotency_key: m.payload.idempotency_key, step: 'escrow', status: 'failed', code: 'payment_failed', message: 'forged' });
    });
    expect(forged).toBeGreaterThan(0);
    expect(results.settlement.sagas).toEqual(baseline.settlement.sagas);
    expect(results.negotiation.outcomes).toEqual(baseline.negotiation.outcomes);
  });

  it('a message forged under another agent\'s name is refused, and the refusal goes to where it came from', () => {
    const plan = planFrom('scenarios/hostile-agents.yaml', (t) => t.replace(/\nadversaries:[\s\S]*?(?=\n[a-z]|$)/, '').replace(/^duration: \S+/m, 'duration: 5s'));
    const forgedIds = new Set<string>();
    const refusals: { to: string; code: string }[] = [];
    let hostile = '';
    const results = runWith(plan, (evil, from, m) => {
      hostile = evil.identifier;
      if (m.type === 'a2a.commerce.error' && forgedIds.has(m.payload.reference ?? '')) refusals.push({ to: m.to.identifier, code: m.payload.code });
      if (m.type !== 'a2a.commerce.intent' || forgedIds.size >= 8 || from.identifier === evil.identifier) return;
      // A copy of an honest buyer's intent under the buyer's name, with the buyer's signature,
      // sent by the hostile agent: the signature no longer covers the new id.
      const forged = { ...m, id: `msg_forged_${forgedIds.size}` } as CommerceMessage;
      forgedIds.add(forged.id);
      Broker.prototype.send.call((evil as unknown as { ctx: { broker: Broker } }).ctx.broker, evil, forged);
    });
    expect(forgedIds.size).toBe(8);
    expect(refusals.length).toBe(8);
    expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['signature_invalid']));
    // Every refusal is addressed to the hostile agent, none to the buyer whose name it used.
    expect(new Set(refusals.map((r) => r.to))).toEqual(new Set([hostile]));
    expect(results.security.rejections.signature_invalid).toBeGreaterThanOrEqual(8);
  });
});

