/** Realistic A2A commerce messages, modelled on the examples of the UCP A2A transport page. */
import { mandateSignature, transactionHash } from '../../src/protocol/hash.js';

export const buyer = { type: 'agent', identifier: 'agent:buyer-assistant-001', name: 'Shopping Assistant' } as const;
export const store = { type: 'agent', identifier: 'agent:store-agent-acme', name: 'ACME Store Agent' } as const;

function envelope(type: string, id: string, from: object, to: object, payload: object, timestamp = '2025-01-15T10:30:00Z') {
  return { type, id, from, to, conversation_id: 'conv_abc123', timestamp, payload };
}

export function requestMessage() {
  return envelope('a2a.commerce.request', 'msg_unique_123', buyer, store, {
    intent: 'purchase',
    items: [{ sku: 'WH-PRO-001', quantity: 1 }],
    constraints: { max_total: 250.0, currency: 'USD', delivery_by: '2025-01-20' },
    mandate_ref: 'mandate_xyz789',
  });
}

export function intentMessage() {
  return { ...requestMessage(), type: 'a2a.commerce.intent', id: 'msg_unique_124' };
}

export function quotePayload() {
  return {
    quote_id: 'quote_abc123',
    valid_until: '2025-01-15T11:30:00Z',
    items: [{ sku: 'WH-PRO-001', name: 'Pro Wireless Headphones', unit_price: 149.99, quantity: 1, availability: 'in_stock' }],
    totals: { subtotal: 149.99, shipping: 9.99, tax: 14.4, total: 174.38 },
    delivery_estimate: '2025-01-18',
  };
}

export function quoteMessage() {
  return envelope('a2a.commerce.quote', 'msg_q_1', store, buyer, quotePayload(), '2025-01-15T10:30:00.012345Z');
}

/** The store's answer to a counter: a replacement quote with a discount and a note. */
export function revisedQuoteMessage() {
  const base = quotePayload();
  return envelope('a2a.commerce.quote', 'msg_q_2', store, buyer, {
    ...base,
    quote_id: 'quote_def456',
    replaces: 'quote_abc123',
    currency: 'USD',
    totals: { subtotal: 149.99, shipping: 9.99, tax: 14.4, discount: 14.39, total: 159.99 },
    note: 'Applied 10% discount',
  });
}

export function counterMessage() {
  return envelope('a2a.commerce.counter', 'msg_c_1', buyer, store, {
    quote_id: 'quote_abc123',
    proposed_changes: { max_total: 160.0, reason: 'Budget constraint' },
  });
}

export const mandateKey = new Uint8Array(32).fill(7);

export function acceptMessage() {
  const hash = transactionHash(quotePayload());
  return envelope('a2a.commerce.accept', 'msg_a_1', buyer, store, {
    quote_id: 'quote_abc123',
    mandate_proof: { mandate_id: 'mandate_xyz789', transaction_hash: hash, signature: mandateSignature(mandateKey, 'mandate_xyz789', hash) },
    shipping_address: { line1: '123 Main St', city: 'San Francisco', state: 'CA', postal_code: '94102', country: 'US' },
  });
}

export function confirmationMessage() {
  const quote = quotePayload();
  return envelope('a2a.commerce.confirmation', 'msg_o_1', store, buyer, {
    order_id: 'ord_xyz789',
    status: 'confirmed',
    items: quote.items,
    totals: quote.totals,
    tracking: { url: 'https://business.com/track/ord_xyz789' },
  });
}

export function errorMessage() {
  return envelope('a2a.commerce.error', 'msg_e_1', store, buyer, {
    code: 'item_unavailable',
    message: 'Product WH-PRO-001 is out of stock',
    reference: 'quote_abc123',
    alternatives: [{ sku: 'WH-PRO-002', name: 'Pro Wireless Headphones V2' }],
  });
}

export const clearing = { type: 'agent', identifier: 'agent:clearing-house-1', name: 'clearing-house settlement agent 1' } as const;

/** Settlement instructions of one saga, and the clearing house's answer. */
export function settlementMessages() {
  const step = (type: string, id: string, payload: object) => envelope(type, id, store, clearing, { saga_id: 'saga_acme_1', ...payload });
  const hash = transactionHash(quotePayload());
  return [
    step('a2a.settlement.escrow', 'msg_s_1', { idempotency_key: 'saga_acme_1:escrow', transaction_hash: hash, payer: 'globex', payee: 'acme', amount: 174.38, currency: 'USD' }),
    step('a2a.settlement.capture', 'msg_s_2', { idempotency_key: 'saga_acme_1:capture', escrow_key: 'saga_acme_1:escrow' }),
    step('a2a.settlement.post', 'msg_s_3', { idempotency_key: 'saga_acme_1:post', capture_key: 'saga_acme_1:capture' }),
    step('a2a.settlement.void', 'msg_s_4', { idempotency_key: 'saga_acme_1:void', capture_key: 'saga_acme_1:capture', reason: 'back_office_rejected' }),
    step('a2a.settlement.refund', 'msg_s_5', { idempotency_key: 'saga_acme_1:refund', escrow_key: 'saga_acme_1:escrow', reason: 'back_office_rejected' }),
    step('a2a.settlement.forfeit', 'msg_s_6', { idempotency_key: 'saga_acme_1:forfeit', party: 'acme', beneficiary: 'globex', reason: 'back_office_rejected' }),
    envelope('a2a.settlement.result', 'msg_s_7', clearing, store, { saga_id: 'saga_acme_1', idempotency_key: 'saga_acme_1:escrow', step: 'escrow', status: 'ok', transfer_id: 12, amount: 174.38 }),
  ];
}

export function businessProfile() {
  return {
    name: 'ACME Store',
    agent: 'agent:store-agent-acme',
    categories: ['headphones'],
    transports: {
      a2a: { endpoint: 'https://a2a.business.com', protocol_version: '1.0', capabilities: ['negotiation', 'multi-item', 'scheduling'] },
    },
  };
}

/** A deep copy of `value` with `path` set to `replacement` (or removed when it is `undefined`). */
export function withChange<T>(value: T, path: (string | number)[], replacement: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy as T;
}

/** Every (path, value) leaf of a JSON value. */
export function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...leaves(v, [...path, k])]);
  return [];
}

/** A copy of `v` with every object's keys in ascending order, as agents build their payloads. */
export function withKeysInOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withKeysInOrder);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) Object.defineProperty(out, k, { value: withKeysInOrder((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
