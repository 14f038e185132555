/**
 * Zod schemas for the A2A commerce envelope, every message type and the business profile.
 * Field names follow the UCP A2A transport page exactly.
 */
import { z } from 'zod';
import { ERROR_CODES } from './codes.js';
import { isWireMoney } from './money.js';

/** A money amount on the wire: a decimal with at most two places. */
export const Money = z.number().refine(isWireMoney, { message: 'expected a money amount with at most two decimal places' });
const NonNegativeMoney = Money.refine((v) => v >= 0, { message: 'expected a non-negative amount' });

export const AgentIdentifier = z.string().regex(/^agent:[A-Za-z0-9._-]{1,128}$/, 'expected "agent:<id>"');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code');
const Id = z.string().min(1).max(200);
const Sku = z.string().min(1).max(100);
const IsoDateTime = z.iso.datetime();
const IsoDate = z.iso.date();

export const Party = z.object({
  type: z.literal('agent'),
  identifier: AgentIdentifier,
  name: z.string().max(200),
});

export const IntentPayload = z.object({
  intent: z.enum(['purchase', 'quote']),
  items: z.array(z.object({ sku: Sku, quantity: z.number().int().positive() })).min(1).max(100),
  constraints: z
    .object({
      max_total: NonNegativeMoney.optional(),
      currency: Currency.optional(),
      delivery_by: IsoDate.optional(),
    })
    .optional(),
  mandate_ref: Id.optional(),
});

export const QuoteItem = z.object({
  sku: Sku,
  name: z.string().max(200),
  unit_price: NonNegativeMoney,
  quantity: z.number().int().positive(),
  availability: z.enum(['in_stock', 'limited', 'backorder', 'out_of_stock']),
});

export const Totals = z.object({
  subtotal: NonNegativeMoney,
  shipping: NonNegativeMoney,
  tax: NonNegativeMoney,
  discount: NonNegativeMoney.optional(),
  total: NonNegativeMoney,
});

export const QuotePayload = z.object({
  quote_id: Id,
  valid_until: IsoDateTime,
  replaces: Id.optional(),
  currency: Currency.optional(),
  items: z.array(QuoteItem).min(1).max(100),
  totals: Totals,
  delivery_estimate: IsoDate,
  note: z.string().max(500).optional(),
});

export const CounterPayload = z.object({
  quote_id: Id,
  proposed_changes: z.object({
    max_total: NonNegativeMoney,
    reason: z.string().max(500),
  }),
});

export const ShippingAddress = z.object({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  state: z.string().max(100).optional(),
  postal_code: z.string().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code'),
});

export const AcceptPayload = z.object({
  quote_id: Id,
  mandate_proof: z.object({
    mandate_id: Id,
    transaction_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:<64 hex>"'),
    signature: z.string().min(1).max(2000),
  }),
  shipping_address: ShippingAddress,
});

export const ConfirmationPayload = z.object({
  order_id: Id,
  status: z.enum(['confirmed', 'acknowledged', 'shipped', 'cancelled']),
  items: z.array(QuoteItem).min(1).max(100),
  totals: Totals,
  tracking: z.object({ url: z.url() }),
});

export const ErrorPayload = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(1000),
  reference: z.string().max(200),
  alternatives: z.array(z.object({ sku: Sku, name: z.string().max(200) })).max(20).optional(),
});

function envelope<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    type: z.literal(type),
    id: Id,
    from: Party,
    to: Party,
    conversation_id: Id,
    timestamp: IsoDateTime,
    payload,
  });
}

export const IntentMessage = envelope('a2a.commerce.intent', IntentPayload);
/** The transport page's first example sends an intent as `a2a.commerce.request`: same shape. */
export const RequestMessage = envelope('a2a.commerce.request', IntentPayload);
export const QuoteMessage = envelope('a2a.commerce.quote', QuotePayload);
export const CounterMessage = envelope('a2a.commerce.counter', CounterPayload);
export const AcceptMessage = envelope('a2a.commerce.accept', AcceptPayload);
export const ConfirmationMessage = envelope('a2a.commerce.confirmation', ConfirmationPayload);
export const ErrorMessage = envelope('a2a.commerce.error', ErrorPayload);

/** Any A2A commerce message, discriminated by `type`. */
export const CommerceMessage = z.discriminatedUnion('type', [
  IntentMessage,
  RequestMessage,
  QuoteMessage,
  CounterMessage,
  AcceptMessage,
  ConfirmationMessage,
  ErrorMessage,
]);

export const MESSAGE_TYPES = [
  'a2a.commerce.intent',
  'a2a.commerce.request',
  'a2a.commerce.quote',
  'a2a.commerce.counter',
  'a2a.commerce.accept',
  'a2a.commerce.confirmation',
  'a2a.commerce.error',
] as const;

/** The business profile through which a store declares its A2A endpoint. */
export const BusinessProfile = z.object({
  name: z.string().min(1).max(200),
  agent: AgentIdentifier,
  categories: z.array(z.string().min(1)).max(100),
  transports: z.object({
    a2a: z.object({
      endpoint: z.url(),
      protocol_version: z.literal('1.0'),
      capabilities: z.array(z.enum(['negotiation', 'multi-item', 'scheduling'])),
    }),
  }),
});

export type Party = z.infer<typeof Party>;
export type IntentPayload = z.infer<typeof IntentPayload>;
export type QuoteItem = z.infer<typeof QuoteItem>;
export type Totals = z.infer<typeof Totals>;
export type QuotePayload = z.infer<typeof QuotePayload>;
export type CounterPayload = z.infer<typeof CounterPayload>;
export type AcceptPayload = z.infer<typeof AcceptPayload>;
export type ShippingAddress = z.infer<typeof ShippingAddress>;
export type ConfirmationPayload = z.infer<typeof ConfirmationPayload>;
export type ErrorPayload = z.infer<typeof ErrorPayload>;
export type CommerceMessage = z.infer<typeof CommerceMessage>;
export type MessageType = CommerceMessage['type'];
export type BusinessProfile = z.infer<typeof BusinessProfile>;
export type MessageOf<T extends MessageType> = Extract<CommerceMessage, { type: T }>;
