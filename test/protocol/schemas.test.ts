import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AcceptMessage,
  BusinessProfile,
  CommerceMessage,
  ConfirmationMessage,
  CounterMessage,
  ErrorMessage,
  IntentMessage,
  MESSAGE_TYPES,
  Money,
  QuoteMessage,
  RequestMessage,
} from '../../src/protocol/schemas.js';
import { isoTimestamp } from '../../src/protocol/time.js';
import {
  acceptMessage,
  businessProfile,
  confirmationMessage,
  counterMessage,
  errorMessage,
  intentMessage,
  quoteMessage,
  requestMessage,
  revisedQuoteMessage,
  settlementMessages,
  withChange,
} from './fixtures.js';

const examples: [string, z.ZodType, () => Record<string, unknown>][] = [
  ['a2a.commerce.request', RequestMessage, requestMessage],
  ['a2a.commerce.intent', IntentMessage, intentMessage],
  ['a2a.commerce.quote', QuoteMessage, quoteMessage],
  ['a2a.commerce.quote (revised)', QuoteMessage, revisedQuoteMessage],
  ['a2a.commerce.counter', CounterMessage, counterMessage],
  ['a2a.commerce.accept', AcceptMessage, acceptMessage],
  ['a2a.commerce.confirmation', ConfirmationMessage, confirmationMessage],
  ['a2a.commerce.error', ErrorMessage, errorMessage],
  ...settlementMessages().map((m): [string, z.ZodType, () => Record<string, unknown>] => [m.type, CommerceMessage, () => structuredClone(m)]),
];

function pathsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => i.path.join('.'));
}

describe('valid messages', () => {
  it.each(examples)('%s validates with its own schema and as a CommerceMessage', (_name, schema, make) => {
    const message = make();
    const own = schema.safeParse(message);
    expect(own.success, JSON.stringify(own.error?.issues)).toBe(true);
    const any = CommerceMessage.safeParse(message);
    expect(any.success).toBe(true);
    expect(any.data).toEqual(message);
  });

  it('covers every message type', () => {
    const covered = new Set(examples.map(([, , make]) => make().type));
    expect([...covered].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it('accepts a2a.commerce.request with exactly the shape of an intent', () => {
    const asIntent = { ...requestMessage(), type: 'a2a.commerce.intent' };
    expect(IntentMessage.safeParse(asIntent).success).toBe(true);
    expect(RequestMessage.safeParse(requestMessage()).success).toBe(true);
    expect(IntentMessage.safeParse(requestMessage()).success).toBe(false);
  });

  it('accepts the minimal intent of the transport page (no currency, no mandate_ref)', () => {
    const m = withChange(withChange(intentMessage(), ['payload', 'mandate_ref'], undefined), ['payload', 'constraints', 'currency'], undefined);
    expect(IntentMessage.safeParse(m).success).toBe(true);
  });

  it('accepts a quote-only intent without constraints, as sent to several stores in parallel', () => {
    const m = withChange(intentMessage(), ['payload'], { intent: 'quote', items: [{ sku: 'WH-PRO-001', quantity: 1 }] });
    expect(IntentMessage.safeParse(m).success).toBe(true);
  });

  it('accepts an error without alternatives', () => {
    const m = withChange(errorMessage(), ['payload', 'alternatives'], undefined);
    expect(ErrorMessage.safeParse(m).success).toBe(true);
  });

  it('accepts timestamps derived from virtual time (microsecond precision)', () => {
    const epochMs = Date.parse('2025-01-15T10:30:00Z');
    const m = withChange(quoteMessage(), ['timestamp'], isoTimestamp(epochMs, 1_234_567));
    expect(QuoteMessage.safeParse(m).success).toBe(true);
  });

  it('discriminates by type: a payload under the wrong type is rejected', () => {
    expect(CounterMessage.safeParse({ ...quoteMessage(), type: 'a2a.commerce.counter' }).success).toBe(false);
    expect(CommerceMessage.safeParse({ ...quoteMessage(), type: 'a2a.commerce.counter' }).success).toBe(false);
    expect(CommerceMessage.safeParse({ ...errorMessage(), type: 'a2a.commerce.quote' }).success).toBe(false);
  });
});

describe('invalid messages', () => {
  const cases: [string, () => unknown, string][] = [
    ['an intent without items', () => withChange(intentMessage(), ['payload', 'items'], undefined), 'payload.items'],
    ['an intent with no items', () => withChange(intentMessage(), ['payload', 'items'], []), 'payload.items'],
    ['an intent with quantity 0', () => withChange(intentMessage(), ['payload', 'items', 0, 'quantity'], 0), 'payload.items.0.quantity'],
    ['an intent with quantity 1.5', () => withChange(intentMessage(), ['payload', 'items', 0, 'quantity'], 1.5), 'payload.items.0.quantity'],
    ['an intent with an empty sku', () => withChange(intentMessage(), ['payload', 'items', 0, 'sku'], ''), 'payload.items.0.sku'],
    ['an intent of an unknown kind', () => withChange(intentMessage(), ['payload', 'intent'], 'lease'), 'payload.intent'],
    ['max_total with three decimals', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], 250.005), 'payload.constraints.max_total'],
    ['max_total 0.1 + 0.2', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], 0.1 + 0.2), 'payload.constraints.max_total'],
    ['a negative max_total', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], -250), 'payload.constraints.max_total'],
    ['max_total as a string', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], '250.00'), 'payload.constraints.max_total'],
    ['max_total NaN', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], Number.NaN), 'payload.constraints.max_total'],
    ['max_total Infinity', () => withChange(intentMessage(), ['payload', 'constraints', 'max_total'], Number.POSITIVE_INFINITY), 'payload.constraints.max_total'],
    ['a lowercase currency', () => withChange(intentMessage(), ['payload', 'constraints', 'currency'], 'usd'), 'payload.constraints.currency'],
    ['a delivery_by that is not a date', () => withChange(intentMessage(), ['payload', 'constraints', 'delivery_by'], '20/01/2025'), 'payload.constraints.delivery_by'],
    ['a missing conversation_id', () => withChange(intentMessage(), ['conversation_id'], undefined), 'conversation_id'],
    ['a missing id', () => withChange(intentMessage(), ['id'], undefined), 'id'],
    ['an empty id', () => withChange(intentMessage(), ['id'], ''), 'id'],
    ['a missing sender', () => withChange(intentMessage(), ['from'], undefined), 'from'],
    ['a missing payload', () => withChange(intentMessage(), ['payload'], undefined), 'payload'],
    ['an identifier without "agent:"', () => withChange(intentMessage(), ['from', 'identifier'], 'buyer-assistant-001'), 'from.identifier'],
    ['an identifier "agent:" with no id', () => withChange(intentMessage(), ['to', 'identifier'], 'agent:'), 'to.identifier'],
    ['an identifier with a space', () => withChange(intentMessage(), ['to', 'identifier'], 'agent:store acme'), 'to.identifier'],
    ['a party that is not an agent', () => withChange(intentMessage(), ['from', 'type'], 'human'), 'from.type'],
    ['a timestamp that is not RFC 3339', () => withChange(intentMessage(), ['timestamp'], '15/01/2025 10:30'), 'timestamp'],
    ['a unit_price with three decimals', () => withChange(quoteMessage(), ['payload', 'items', 0, 'unit_price'], 149.999), 'payload.items.0.unit_price'],
    ['a tax with three decimals', () => withChange(quoteMessage(), ['payload', 'totals', 'tax'], 14.401), 'payload.totals.tax'],
    ['a negative total', () => withChange(quoteMessage(), ['payload', 'totals', 'total'], -174.38), 'payload.totals.total'],
    ['totals without total', () => withChange(quoteMessage(), ['payload', 'totals', 'total'], undefined), 'payload.totals.total'],
    ['an unknown availability', () => withChange(quoteMessage(), ['payload', 'items', 0, 'availability'], 'maybe'), 'payload.items.0.availability'],
    ['valid_until as a date only', () => withChange(quoteMessage(), ['payload', 'valid_until'], '2025-01-15'), 'payload.valid_until'],
    ['a missing delivery_estimate', () => withChange(quoteMessage(), ['payload', 'delivery_estimate'], undefined), 'payload.delivery_estimate'],
    ['a note of 501 characters', () => withChange(revisedQuoteMessage(), ['payload', 'note'], 'x'.repeat(501)), 'payload.note'],
    ['a counter without max_total', () => withChange(counterMessage(), ['payload', 'proposed_changes', 'max_total'], undefined), 'payload.proposed_changes.max_total'],
    ['a counter max_total with three decimals', () => withChange(counterMessage(), ['payload', 'proposed_changes', 'max_total'], 160.001), 'payload.proposed_changes.max_total'],
    ['the placeholder hash "sha256:..."', () => withChange(acceptMessage(), ['payload', 'mandate_proof', 'transaction_hash'], 'sha256:...'), 'payload.mandate_proof.transaction_hash'],
    ['an uppercase hex hash', () => withChange(acceptMessage(), ['payload', 'mandate_proof', 'transaction_hash'], `sha256:${'AB'.repeat(32)}`), 'payload.mandate_proof.transaction_hash'],
    ['a hash one digit short', () => withChange(acceptMessage(), ['payload', 'mandate_proof', 'transaction_hash'], `sha256:${'a'.repeat(63)}`), 'payload.mandate_proof.transaction_hash'],
    ['a hash of another algorithm', () => withChange(acceptMessage(), ['payload', 'mandate_proof', 'transaction_hash'], `md5:${'a'.repeat(64)}`), 'payload.mandate_proof.transaction_hash'],
    ['an empty signature', () => withChange(acceptMessage(), ['payload', 'mandate_proof', 'signature'], ''), 'payload.mandate_proof.signature'],
    ['a three-letter country', () => withChange(acceptMessage(), ['payload', 'shipping_address', 'country'], 'USA'), 'payload.shipping_address.country'],
    ['an address without city', () => withChange(acceptMessage(), ['payload', 'shipping_address', 'city'], undefined), 'payload.shipping_address.city'],
    ['an unknown order status', () => withChange(confirmationMessage(), ['payload', 'status'], 'pending'), 'payload.status'],
    ['a tracking url that is not a url', () => withChange(confirmationMessage(), ['payload', 'tracking', 'url'], 'track ord_xyz789'), 'payload.tracking.url'],
    ['a confirmation without items', () => withChange(confirmationMessage(), ['payload', 'items'], []), 'payload.items'],
    ['the uppercase code ITEM_UNAVAILABLE', () => withChange(errorMessage(), ['payload', 'code'], 'ITEM_UNAVAILABLE'), 'payload.code'],
    ['an unknown error code', () => withChange(errorMessage(), ['payload', 'code'], 'teapot'), 'payload.code'],
    ['an error without reference', () => withChange(errorMessage(), ['payload', 'reference'], undefined), 'payload.reference'],
    ['an alternative without sku', () => withChange(errorMessage(), ['payload', 'alternatives', 0, 'sku'], undefined), 'payload.alternatives.0.sku'],
  ];

  it.each(cases)('rejects %s, naming %s', (_name, make, path) => {
    const message = make() as { type: string };
    const result = CommerceMessage.safeParse(message);
    expect(result.success).toBe(false);
    expect(pathsOf(result)).toContain(path);
  });

  it.each([
    ['delivery_estimate "2025-04-31"', ['payload', 'delivery_estimate'], '2025-04-31'],
    ['delivery_estimate "2025-02-29" (not a leap year)', ['payload', 'delivery_estimate'], '2025-02-29'],
    ['valid_until "2025-02-30T10:00:00Z"', ['payload', 'valid_until'], '2025-02-30T10:00:00Z'],
  ] as const)('rejects the impossible calendar date %s', (_label, path, value) => {
    const result = CommerceMessage.safeParse(withChange(quoteMessage(), [...path], value));
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path.join('.'));
  });

  it('checks each timestamp in full, also right after a valid one of the same day', () => {
    const at = (v: string) => CommerceMessage.safeParse(withChange(quoteMessage(), ['payload', 'valid_until'], v)).success;
    expect(at('2025-02-28T10:00:00Z')).toBe(true);
    expect(at('2025-02-28T24:00:00Z')).toBe(false);
    expect(at('2025-02-28T10:60:00Z')).toBe(false);
    expect(at('2025-02-28T10:00:00.Z')).toBe(false);
    expect(at('2025-02-28X10:00:00Z')).toBe(false);
    expect(at('2025-02-29T10:00:00Z')).toBe(false);
    expect(at('2025-02-28T10:00:00.123456Z')).toBe(true);
  });

  it('accepts 29 February in a leap year and the 31st of long months', () => {
    expect(CommerceMessage.safeParse(withChange(quoteMessage(), ['payload', 'delivery_estimate'], '2028-02-29')).success).toBe(true);
    expect(CommerceMessage.safeParse(withChange(quoteMessage(), ['payload', 'delivery_estimate'], '2025-12-31')).success).toBe(true);
  });

  it('rejects an unknown message type', () => {
    expect(CommerceMessage.safeParse({ ...intentMessage(), type: 'a2a.commerce.refund' }).success).toBe(false);
  });

  it('rejects values that are not objects', () => {
    for (const value of [null, 'a2a.commerce.intent', 42, []]) expect(CommerceMessage.safeParse(value).success).toBe(false);
  });
});

describe('Money schema', () => {
  it('accepts non-negative two-place decimals and rejects more places', () => {
    expect(Money.safeParse(174.38).success).toBe(true);
    expect(Money.safeParse(0).success).toBe(true);
    expect(Money.safeParse(1.005).success).toBe(false);
    expect(Money.safeParse(0.1 + 0.2).success).toBe(false);
    expect(Money.safeParse(Number.NaN).success).toBe(false);
    expect(Money.safeParse('1.00').success).toBe(false);
  });
});

describe('BusinessProfile', () => {
  it('accepts the transport declaration of the transport page', () => {
    const result = BusinessProfile.safeParse(businessProfile());
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('accepts a store with no optional capabilities', () => {
    expect(BusinessProfile.safeParse(withChange(businessProfile(), ['transports', 'a2a', 'capabilities'], [])).success).toBe(true);
  });

  it.each([
    ['another protocol version', ['transports', 'a2a', 'protocol_version'], '2.0'],
    ['a numeric protocol version', ['transports', 'a2a', 'protocol_version'], 1.0],
    ['an unknown capability', ['transports', 'a2a', 'capabilities'], ['negotiation', 'teleport']],
    ['an endpoint that is not a url', ['transports', 'a2a', 'endpoint'], 'a2a.business.com'],
    ['no a2a transport', ['transports', 'a2a'], undefined],
    ['an agent without "agent:"', ['agent'], 'store-agent-acme'],
    ['an empty name', ['name'], ''],
    ['an empty category', ['categories'], ['']],
  ] as [string, (string | number)[], unknown][])('rejects %s', (_name, path, value) => {
    const result = BusinessProfile.safeParse(withChange(businessProfile(), path, value));
    expect(result.success).toBe(false);
    expect(pathsOf(result).some((p) => p.startsWith(path.join('.')))).toBe(true);
  });
});
