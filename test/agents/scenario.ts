/** Small scenarios built in code, run through the public API with every trace line captured. */
import type { TraceLine } from '../../src/broker/trace.js';
import type { CommerceMessage, MessageOf, MessageType } from '../../src/protocol/schemas.js';
import { virtualFromIso } from '../../src/protocol/time.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation, type RunResult } from '../../src/simulation.js';

export const START_TIME = '2025-01-15T10:30:00Z';
export const EPOCH_MS = Date.parse(START_TIME);

/**
 * One store organisation (acme) selling widgets and one buyer organisation (globex).
 * Zero volatility keeps the reference at exactly 100.00, so a W-1 quote lists at
 * 120.00 + 5.00 shipping + 12.00 tax = 137.00 with a floor of 105.00 + 5.00 + 12.00 = 122.00.
 */
export function baseScenario() {
  return {
    name: 'agents-unit',
    seed: 17,
    start_time: START_TIME,
    duration: '20s',
    currency: 'USD',
    market: {
      tick: '1s',
      categories: [
        {
          name: 'widgets',
          reference_price: 100,
          skus: [
            { sku: 'W-1', name: 'Widget' },
            { sku: 'W-2', name: 'Widget Plus', price_factor: 1.5 },
          ],
        },
      ],
      regimes: [{ name: 'calm', duration: '20s', volatility_per_minute: 0 }],
    },
    network: { latency: '1ms', loss_probability: 0 } as Record<string, unknown>,
    stores: [store('acme')],
    buyers: [
      {
        organisation: 'globex',
        agents: 3,
        categories: ['widgets'],
        intent_rate: '30/m',
        quantity: { min: 1, max: 1 },
        budget_margin: 0.4,
        budget_spread: 0,
        target_margin: 0,
        stores_per_intent: 1,
        delivery_within_days: 7,
        quote_timeout: '200ms',
        confirmation_timeout: '200ms',
        accept_retries: 2,
        strategy: { kind: 'linear', max_rounds: 5 } as Record<string, unknown>,
        mandate: { max_per_purchase: 1000 },
        breaker: undefined as Record<string, unknown> | undefined,
      },
    ],
    budgets: [] as string[],
  };
}

export function store(organisation: string) {
  return {
    organisation,
    agents: 1,
    categories: ['widgets'],
    margin: 0.2,
    floor_margin: 0.05,
    shipping: 5,
    tax_rate: 0.1,
    quote_validity: '5s',
    delivery_days: 3,
    stock: { 'W-1': 1000, 'W-2': 1000 } as Record<string, number>,
    strategy: { kind: 'linear', max_rounds: 5 } as Record<string, unknown>,
    capacity: { servers: 4, service_time: '1ms', queue_limit: 1000 } as Record<string, unknown>,
  };
}

export type Scenario = ReturnType<typeof baseScenario>;

export function planOf(edit: (s: Scenario) => void = () => {}): SimulationPlan {
  const s = baseScenario();
  edit(s);
  const raw = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
  const r = validate(raw);
  if (!r.ok) throw new Error(`invalid test scenario: ${JSON.stringify(r.problems)}`);
  return r.plan;
}

export interface Run {
  readonly result: RunResult;
  readonly lines: TraceLine[];
  /** every message delivered, in delivery order */
  readonly delivered: CommerceMessage[];
}

export function run(edit: (s: Scenario) => void = () => {}, seed?: string | number): Run {
  const lines: TraceLine[] = [];
  const result = runSimulation(planOf(edit), { ...(seed !== undefined ? { seed } : {}), reporters: [{ onTrace: (l) => lines.push(l) }] });
  const delivered = lines.flatMap((l) => (l.event === 'delivered' ? [l.message as CommerceMessage] : []));
  return { result, lines, delivered };
}

export function ofType<T extends MessageType>(messages: readonly CommerceMessage[], type: T): MessageOf<T>[] {
  return messages.filter((m): m is MessageOf<T> => m.type === type);
}

export function errorsWith(messages: readonly CommerceMessage[], code: string): MessageOf<'a2a.commerce.error'>[] {
  return ofType(messages, 'a2a.commerce.error').filter((m) => m.payload.code === code);
}

/** Virtual µs of a wire timestamp. */
export function virtualUs(iso: string): number {
  return virtualFromIso(EPOCH_MS, iso);
}

/** Virtual µs at which a message was sent (from its timestamp). */
export function sentAtUs(m: CommerceMessage): number {
  return virtualUs(m.timestamp);
}

export function byConversation(messages: readonly CommerceMessage[]): Map<string, CommerceMessage[]> {
  const out = new Map<string, CommerceMessage[]>();
  for (const m of messages) {
    const list = out.get(m.conversation_id) ?? [];
    list.push(m);
    out.set(m.conversation_id, list);
  }
  return out;
}

/** Money on the wire → minor units, for exact arithmetic in assertions. */
export function minor(x: number): number {
  return Math.round(x * 100);
}
