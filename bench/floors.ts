/** Per-operation costs on this machine, each in a hot loop (in a run, caches and type mixes make them dearer). */
import { EventQueue } from '../src/engine/queue.js';
import { transactionHash } from '../src/protocol/hash.js';
import { CommerceMessage } from '../src/protocol/schemas.js';
import { validateMessage } from '../src/protocol/validate.js';

export interface Floor {
  readonly operation: string;
  readonly us: number;
}

const quote = {
  type: 'a2a.commerce.quote',
  id: 'msg_store-1_123',
  from: { type: 'agent', identifier: 'agent:store-1', name: 'Store 1' },
  to: { type: 'agent', identifier: 'agent:buyer-1', name: 'Buyer 1' },
  conversation_id: 'conv_buyer-1_5',
  timestamp: '2025-01-15T10:30:00.123456Z',
  payload: {
    quote_id: 'q_store-1_9',
    valid_until: '2025-01-15T10:30:03.123456Z',
    currency: 'USD',
    items: [{ sku: 'WH-PRO-001', name: 'Pro Wireless Headphones', unit_price: 149.99, quantity: 1, availability: 'in_stock' }],
    totals: { subtotal: 149.99, shipping: 9.99, tax: 14.4, total: 174.38 },
    delivery_estimate: '2025-01-18',
  },
};

function perOp(n: number, f: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) f(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  return ((performance.now() - t) * 1000) / n;
}

export function measureFloors(): Floor[] {
  const q = new EventQueue();
  const target = { handle() {} };
  return [
    { operation: 'validate a quote envelope: zod safeParse', us: perOp(200_000, () => CommerceMessage.safeParse(quote)) },
    { operation: 'validate a quote envelope: broker path (ajv + value rules)', us: perOp(200_000, () => validateMessage(quote)) },
    { operation: 'transaction hash (RFC 8785 + SHA-256)', us: perOp(50_000, () => transactionHash(quote.payload)) },
    {
      operation: 'event queue push + pop (10k pending)',
      us: (() => {
        for (let i = 0; i < 10_000; i++) q.push({ t: i * 7, p: 0, o: 1, s: i, target, kind: 0, data: null });
        let s = 10_000;
        return perOp(500_000, () => {
          const e = q.pop()!;
          q.push({ t: e.t + 70_000, p: 0, o: 1, s: s++, target, kind: 0, data: null });
        });
      })(),
    },
  ];
}
