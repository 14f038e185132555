/** Settlement for an external store, in process: a scripted store on the link, the simulator's custodian settling its deals. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AgentLink, Answer, Outgoing } from '../../src/gateway/link.js';
import type { CommerceMessage, Party } from '../../src/protocol/schemas.js';
import { validateMessage } from '../../src/protocol/validate.js';
import { validate } from '../../src/scenario/load.js';
import { runSimulationAsync } from '../../src/simulation.js';

/** The external-store scenario, 10 s, with a clearing house that declines a fifth of the payments. */
function settledPlan() {
  const data = parse(readFileSync('scenarios/external-store.yaml', 'utf8'));
  Object.assign(data, {
    duration: '10s',
    budgets: [],
    settlement: { service_time: { distribution: 'constant', value: '1ms' }, step_timeout: '250ms', retry_backoff_max: '1s', saga_bound: '2s', funding: { buyer_cash: 20000 }, bonds: { store: 100, forfeit_fraction: 0.5 } },
    faults: { until: '10s', payment_failure_probability: 0.2 },
  });
  const parsed = validate(data);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

/**
 * A store on the link: quotes 100.00 a unit and confirms accepts at once, or (late) answers an
 * accept with nothing, asks to be woken 3 s later and confirms it then. Keeps what it was handed.
 */
class ScriptedStore implements AgentLink {
  readonly received: CommerceMessage[] = [];
  confirmations = 0;
  private readonly due = new Map<string, { atUs: number; accept: CommerceMessage & { type: 'a2a.commerce.accept' } }[]>();
  private seq = 0;

  constructor(private readonly late = false) {}

  exchange(agent: string, frame: Outgoing): Promise<Answer> {
    const me: Party = { type: 'agent', identifier: agent, name: agent };
    const out: unknown[] = [];
    const pending = this.due.get(agent) ?? [];
    this.due.set(agent, pending);
    if (frame.kind === 'time') {
      for (const d of pending.filter((p) => p.atUs <= frame.vtUs)) out.push(this.confirm(me, d.accept));
      pending.splice(0, pending.length, ...pending.filter((p) => p.atUs > frame.vtUs));
    } else {
      const m = frame.message as CommerceMessage;
      this.received.push(m);
      if (m.type === 'a2a.commerce.intent') {
        const items = m.payload.items.map((it) => ({ sku: it.sku, name: it.sku, unit_price: 100, quantity: it.quantity, availability: 'in_stock' as const }));
        const total = 100 * items.reduce((s, it) => s + it.quantity, 0);
        out.push(this.envelope(me, m, 'a2a.commerce.quote', { quote_id: `q_${agent.slice(6)}_${++this.seq}`, valid_until: '2099-01-01T00:00:00.000Z', items, totals: { subtotal: total, shipping: 0, tax: 0, total }, delivery_estimate: '2025-01-20' }));
      }
      if (m.type === 'a2a.commerce.accept') {
        if (!this.late) out.push(this.confirm(me, m));
        else if (!pending.some((p) => p.accept.conversation_id === m.conversation_id)) pending.push({ atUs: frame.vtUs + 3_000_000, accept: m });
      }
    }
    const next = pending.length > 0 ? Math.min(...pending.map((p) => p.atUs)) : null;
    return Promise.resolve({ status: 'answered', messages: out, nextAtUs: next });
  }

  private confirm(me: Party, accept: CommerceMessage & { type: 'a2a.commerce.accept' }): unknown {
    this.confirmations++;
    const id = accept.payload.quote_id;
    return this.envelope(me, accept, 'a2a.commerce.confirmation', {
      order_id: `ord_${id}`,
      status: 'confirmed',
      items: [{ sku: 'WH-PRO-001', name: 'WH-PRO-001', unit_price: 100, quantity: 1, availability: 'in_stock' }],
      totals: { subtotal: 100, shipping: 0, tax: 0, total: 100 },
      tracking: { url: `https://open-store.example/track/ord_${id}` },
    });
  }

  private envelope(me: Party, to: CommerceMessage, type: string, payload: unknown): unknown {
    return { type, id: `msg_${me.identifier.slice(6)}_${++this.seq}`, from: me, to: to.from, conversation_id: to.conversation_id, timestamp: to.timestamp, payload };
  }

  /** Cancelled deals the custodian handed back, by cancellation code. */
  cancellations(): Record<string, number> {
    const by: Record<string, number> = {};
    for (const m of this.received) {
      if (m.type === 'a2a.commerce.confirmation' && m.payload.status === 'cancelled') by[m.payload.cancellation!.code] = (by[m.payload.cancellation!.code] ?? 0) + 1;
    }
    return by;
  }
}

describe('custodian of an external store', () => {
  it('settles every deal the agent confirms: buyers hear settled or cancelled, the agent hears the cancelled ones; runs repeat exactly', async () => {
    const plan = settledPlan();
    const store = new ScriptedStore();
    const { results, external } = await runSimulationAsync(plan, { external: store });
    const sagas = results.settlement.sagas!;
    const open = results.strategies!.by_strategy.find((s) => s.organisations.includes('open-store'))!;
    expect(store.confirmations).toBeGreaterThan(10);
    // (the simulated store's deals settle through sagas too)
    expect(sagas.started).toBeGreaterThanOrEqual(store.confirmations);
    expect(sagas.settled + sagas.compensated).toBe(sagas.started);
    expect(sagas.compensated_by_cause.payment_failed).toBeGreaterThan(0);
    // each confirmation started a saga: those that did not settle came back to the agent cancelled
    expect(open.succeeded).toBeGreaterThan(0);
    expect(store.cancellations()).toEqual({ payment_failed: store.confirmations - open.succeeded });
    // what the agent is handed, the notices included, is valid A2A
    expect(store.received.filter((m) => !validateMessage(m).ok)).toEqual([]);
    expect(results.settlement.in_doubt).toBe(0);
    expect(results.negotiation.outcomes.settlement_failed).toBe(sagas.compensated);
    // no confirmation of the agent's reached a buyer unsettled: every deal is a settled saga
    expect(results.flow.executions).toBe(sagas.settled);
    expect(external!.unanswered_accepts).toBe(0);
    // the API runs external organisations on one shard, whatever it is asked
    const again = await runSimulationAsync(plan, { external: new ScriptedStore(), shards: 2 });
    expect(JSON.stringify(again.results)).toBe(JSON.stringify(results));
  });

  it('refuses for the agent an accept it leaves unanswered past saga_bound, and does not settle its late confirmation', async () => {
    const plan = settledPlan();
    const store = new ScriptedStore(true);
    const { results, external } = await runSimulationAsync(plan, { external: store });
    const open = results.strategies!.by_strategy.find((s) => s.organisations.includes('open-store'))!;
    const accepted = new Set(store.received.filter((m) => m.type === 'a2a.commerce.accept').map((m) => m.conversation_id));
    expect(accepted.size).toBeGreaterThan(5);
    expect(open.succeeded).toBe(0);
    expect(external!.unanswered_accepts).toBe(accepted.size);
    expect(results.errors.by_code.settlement_timeout).toBeGreaterThanOrEqual(accepted.size);
    // the late confirmations (those due before the end) come back cancelled, none settled
    expect(store.confirmations).toBeGreaterThan(0);
    expect(store.cancellations()).toEqual({ settlement_timeout: store.confirmations });
    expect(results.settlement.in_doubt).toBe(0);
  });
});
