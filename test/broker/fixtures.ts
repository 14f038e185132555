/** Small worlds for broker tests: a plan, fake endpoints and message builders. */
import { addressBookOf, Broker, type Endpoint } from '../../src/broker/broker.js';
import { NetworkModel } from '../../src/broker/network.js';
import type { TraceLine } from '../../src/broker/trace.js';
import { Kernel } from '../../src/engine/kernel.js';
import { MetricsCollector } from '../../src/metrics/collector.js';
import type { CommerceMessage, Party } from '../../src/protocol/schemas.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { minimalBuyer } from '../plans.js';

/** A valid plan with organisations globex (buyer), acme and initech (stores) and the given network. */
export function planWithNetwork(network: Record<string, unknown>, seed: string | number = 11): SimulationPlan {
  const store = (organisation: string) => ({
    organisation,
    agents: 1,
    categories: ['widgets'],
    margin: 0.2,
    floor_margin: 0.05,
    quote_validity: '5s',
    stock: { 'W-1': 10 },
    strategy: { kind: 'linear', max_rounds: 3 },
    capacity: { servers: 1, service_time: '1ms' },
  });
  const r = validate({
    name: 'broker-unit',
    seed,
    duration: '1s',
    market: {
      categories: [{ name: 'widgets', reference_price: 10, skus: [{ sku: 'W-1', name: 'Widget' }] }],
      regimes: [{ name: 'calm', duration: '1s', volatility_per_minute: 0 }],
    },
    network,
    stores: [store('acme'), store('initech')],
    buyers: [
      minimalBuyer(),
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

export interface ReplyErrorCall {
  readonly to: Party;
  readonly conversationId: string;
  readonly code: string;
  readonly text: string;
  readonly reference: string;
}

export class FakeEndpoint implements Endpoint {
  seq = 0;
  readonly party: Party;
  readonly received: { atUs: number; message: CommerceMessage }[] = [];
  readonly replyErrors: ReplyErrorCall[] = [];

  constructor(
    readonly id: number,
    localName: string,
    readonly organisation: string,
    private readonly kernel: Kernel,
  ) {
    this.party = { type: 'agent', identifier: `agent:${localName}`, name: localName };
  }

  get identifier(): string {
    return this.party.identifier;
  }

  receive(message: CommerceMessage): void {
    this.received.push({ atUs: this.kernel.nowUs, message });
  }

  replyError(to: Party, conversationId: string, code: 'invalid_message', text: string, reference: string): void {
    this.replyErrors.push({ to, conversationId, code, text, reference });
  }
}

export interface World {
  readonly kernel: Kernel;
  readonly metrics: MetricsCollector;
  readonly broker: Broker;
  readonly trace: TraceLine[];
  /** buyer in globex */
  readonly a: FakeEndpoint;
  /** store in acme */
  readonly b: FakeEndpoint;
  /** store in initech */
  readonly c: FakeEndpoint;
}

export function world(plan: SimulationPlan): World {
  const kernel = new Kernel();
  const metrics = new MetricsCollector();
  const trace: TraceLine[] = [];
  const a = new FakeEndpoint(1, 'globex-1', 'globex', kernel);
  const b = new FakeEndpoint(2, 'acme-1', 'acme', kernel);
  const c = new FakeEndpoint(3, 'initech-1', 'initech', kernel);
  const broker = new Broker(kernel, new NetworkModel(plan, plan.seed), metrics, { record: (line) => trace.push(line) }, addressBookOf([a, b, c]));
  for (const e of [a, b, c]) broker.register(e);
  return { kernel, metrics, broker, trace, a, b, c };
}

let nextId = 0;

/** A valid intent envelope from one endpoint to another. */
export function intent(from: FakeEndpoint, to: FakeEndpoint, overrides: Record<string, unknown> = {}): CommerceMessage {
  return {
    type: 'a2a.commerce.intent',
    id: `msg_${++nextId}`,
    from: from.party,
    to: to.party,
    conversation_id: 'conv_1',
    timestamp: '2025-01-15T10:30:00.000000Z',
    payload: { intent: 'purchase', items: [{ sku: 'W-1', quantity: 1 }], constraints: { max_total: 25.5, currency: 'USD' } },
    ...overrides,
  } as CommerceMessage;
}

/** A valid quote envelope. */
export function quote(from: FakeEndpoint, to: FakeEndpoint, total = 12.5): CommerceMessage {
  return {
    type: 'a2a.commerce.quote',
    id: `msg_${++nextId}`,
    from: from.party,
    to: to.party,
    conversation_id: 'conv_q',
    timestamp: '2025-01-15T10:30:00.000000Z',
    payload: {
      quote_id: 'q_1',
      valid_until: '2025-01-15T10:30:05.000000Z',
      items: [{ sku: 'W-1', name: 'Widget', unit_price: 10, quantity: 1, availability: 'in_stock' }],
      totals: { subtotal: 10, shipping: 1.5, tax: 1, total },
      delivery_estimate: '2025-01-18',
    },
  } as CommerceMessage;
}
