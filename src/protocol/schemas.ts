/**
 * Zod schemas for the A2A commerce envelope, every message type and the business profile.
 * Field names follow the UCP A2A transport page exactly. Structure is declared with zod; the
 * value rules (money precision, identifier shapes, timestamps) run once per message, see rules.ts.
 */
import { z } from 'zod';
import { ERROR_CODES } from './codes.js';
import { isWireMoney } from './money.js';
import { RuleContext, type Path } from './rules.js';
import {
  CaptureShape,
  captureRules,
  EscrowShape,
  escrowRules,
  ForfeitShape,
  forfeitRules,
  PostShape,
  postRules,
  RefundShape,
  refundRules,
  ResultShape,
  resultRules,
  VoidShape,
  voidRules,
} from './settlement-schemas.js';

export { SETTLEMENT_STEPS, type SettlementStep } from './settlement-schemas.js';

/** Attaches value rules to a structural schema as a single zod check. */
function withRules<S extends z.ZodType>(schema: S, rules: (r: RuleContext, value: z.output<S>, at: Path) => void): S {
  return schema.check((ctx) => rules(new RuleContext(ctx.issues, ctx.value), ctx.value as z.output<S>, ROOT)) as S;
}

/** A standalone money amount on the wire: a non-negative decimal with at most two places. */
export const Money = z.number().refine((v) => v >= 0 && isWireMoney(v), { message: 'expected a non-negative money amount with at most two decimal places' });
export const AgentIdentifier = z.string().regex(/^agent:[A-Za-z0-9._-]{1,128}$/, 'expected "agent:<id>"');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code');

const PartyShape = z.object({
  type: z.literal('agent'),
  identifier: z.string(),
  name: z.string(),
});

const IntentShape = z.object({
  intent: z.enum(['purchase', 'quote']),
  items: z.array(z.object({ sku: z.string(), quantity: z.number() })),
  constraints: z
    .object({
      max_total: z.number().optional(),
      currency: z.string().optional(),
      delivery_by: z.string().optional(),
    })
    .optional(),
  mandate_ref: z.string().optional(),
});

const QuoteItemShape = z.object({
  sku: z.string(),
  name: z.string(),
  unit_price: z.number(),
  quantity: z.number(),
  availability: z.enum(['in_stock', 'limited', 'backorder', 'out_of_stock']),
});

const TotalsShape = z.object({
  subtotal: z.number(),
  shipping: z.number(),
  tax: z.number(),
  discount: z.number().optional(),
  total: z.number(),
});

const QuoteShape = z.object({
  quote_id: z.string(),
  valid_until: z.string(),
  replaces: z.string().optional(),
  currency: z.string().optional(),
  items: z.array(QuoteItemShape),
  totals: TotalsShape,
  delivery_estimate: z.string(),
  note: z.string().optional(),
});

const CounterShape = z.object({
  quote_id: z.string(),
  proposed_changes: z.object({ max_total: z.number(), reason: z.string() }),
});

const AddressShape = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postal_code: z.string(),
  country: z.string(),
});

const AcceptShape = z.object({
  quote_id: z.string(),
  mandate_proof: z.object({
    mandate_id: z.string(),
    transaction_hash: z.string(),
    signature: z.string(),
    /** a human approver's signature, for totals above the mandate's approval threshold */
    approval: z.string().optional(),
  }),
  shipping_address: AddressShape,
});

const ConfirmationShape = z.object({
  order_id: z.string(),
  status: z.enum(['confirmed', 'acknowledged', 'shipped', 'cancelled']),
  items: z.array(QuoteItemShape),
  totals: TotalsShape,
  tracking: z.object({ url: z.string() }),
  /** why a cancelled order was called off (settlement failed and was compensated) */
  cancellation: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).optional(),
});

const ErrorShape = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  reference: z.string(),
  alternatives: z.array(z.object({ sku: z.string(), name: z.string() })).optional(),
});

// ---- value rules, one function per shape; `at` is the path of the value being checked ----

/**
 * Parties that passed their rules and are frozen, so can never fail them: an agent names itself
 * and its peers with one frozen object each, in every message it sends.
 */
const goodParties = new WeakSet<object>();

function partyRules(r: RuleContext, p: z.output<typeof PartyShape>, at: Path): void {
  if (goodParties.has(p)) return;
  const before = r.problems;
  r.agent(p.identifier, at, 'identifier');
  r.text(p.name, 0, 200, at, 'name');
  if (r.problems === before && Object.isFrozen(p)) goodParties.add(p);
}

/**
 * Item lists are checked in every message. Remembering the frozen lists that passed (a store's
 * quotes in one negotiation carry the same list) cost more than it saved: a weak set with an
 * entry per negotiation is slow to add to, and every scavenge has to go through it.
 */
function itemRules(r: RuleContext, items: z.output<typeof QuoteItemShape>[], at: Path, key: string): void {
  r.count(items, 1, 100, at, key);
  r.distinctSkus(items, at, key);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    r.id(it.sku, at, key, i, 'sku');
    r.text(it.name, 0, 200, at, key, i, 'name');
    r.money(it.unit_price, at, key, i, 'unit_price');
    r.quantity(it.quantity, at, key, i, 'quantity');
  }
}

function totalsRules(r: RuleContext, t: z.output<typeof TotalsShape>, at: Path, key?: string): void {
  r.money(t.subtotal, at, key, 'subtotal');
  r.money(t.shipping, at, key, 'shipping');
  r.money(t.tax, at, key, 'tax');
  r.money(t.discount, at, key, 'discount');
  r.money(t.total, at, key, 'total');
}

function intentRules(r: RuleContext, p: z.output<typeof IntentShape>, at: Path): void {
  r.count(p.items, 1, 100, at, 'items');
  r.distinctSkus(p.items, at, 'items');
  for (let i = 0; i < p.items.length; i++) {
    r.id(p.items[i]!.sku, at, 'items', i, 'sku');
    r.quantity(p.items[i]!.quantity, at, 'items', i, 'quantity');
  }
  const c = p.constraints;
  if (c) {
    r.money(c.max_total, at, 'constraints', 'max_total');
    r.currency(c.currency, at, 'constraints', 'currency');
    r.date(c.delivery_by, at, 'constraints', 'delivery_by');
  }
  r.id(p.mandate_ref, at, 'mandate_ref');
}

function quoteRules(r: RuleContext, p: z.output<typeof QuoteShape>, at: Path): void {
  r.id(p.quote_id, at, 'quote_id');
  r.dateTime(p.valid_until, at, 'valid_until');
  r.id(p.replaces, at, 'replaces');
  r.currency(p.currency, at, 'currency');
  itemRules(r, p.items, at, 'items');
  totalsRules(r, p.totals, at, 'totals');
  r.date(p.delivery_estimate, at, 'delivery_estimate');
  r.text(p.note, 0, 500, at, 'note');
}

function counterRules(r: RuleContext, p: z.output<typeof CounterShape>, at: Path): void {
  r.id(p.quote_id, at, 'quote_id');
  r.money(p.proposed_changes.max_total, at, 'proposed_changes', 'max_total');
  r.text(p.proposed_changes.reason, 0, 500, at, 'proposed_changes', 'reason');
}

function addressRules(r: RuleContext, a: z.output<typeof AddressShape>, at: Path, key?: string): void {
  r.text(a.line1, 1, 200, at, key, 'line1');
  r.text(a.line2, 0, 200, at, key, 'line2');
  r.text(a.city, 1, 100, at, key, 'city');
  r.text(a.state, 0, 100, at, key, 'state');
  r.text(a.postal_code, 1, 20, at, key, 'postal_code');
  r.country(a.country, at, key, 'country');
}

function acceptRules(r: RuleContext, p: z.output<typeof AcceptShape>, at: Path): void {
  r.id(p.quote_id, at, 'quote_id');
  r.id(p.mandate_proof.mandate_id, at, 'mandate_proof', 'mandate_id');
  r.transactionHash(p.mandate_proof.transaction_hash, at, 'mandate_proof', 'transaction_hash');
  r.text(p.mandate_proof.signature, 1, 2000, at, 'mandate_proof', 'signature');
  r.text(p.mandate_proof.approval, 1, 2000, at, 'mandate_proof', 'approval');
  addressRules(r, p.shipping_address, at, 'shipping_address');
}

function confirmationRules(r: RuleContext, p: z.output<typeof ConfirmationShape>, at: Path): void {
  r.id(p.order_id, at, 'order_id');
  itemRules(r, p.items, at, 'items');
  totalsRules(r, p.totals, at, 'totals');
  r.url(p.tracking.url, at, 'tracking', 'url');
  if (p.cancellation) r.text(p.cancellation.message, 0, 1000, at, 'cancellation', 'message');
}

function errorRules(r: RuleContext, p: z.output<typeof ErrorShape>, at: Path): void {
  r.text(p.message, 0, 1000, at, 'message');
  r.text(p.reference, 0, 200, at, 'reference');
  if (p.alternatives) {
    r.count(p.alternatives, 0, 20, at, 'alternatives');
    for (let i = 0; i < p.alternatives.length; i++) {
      r.id(p.alternatives[i]!.sku, at, 'alternatives', i, 'sku');
      r.text(p.alternatives[i]!.name, 0, 200, at, 'alternatives', i, 'name');
    }
  }
}

const ROOT: Path = [];
const PAYLOAD: Path = ['payload'];
const FROM: Path = ['from'];
const TO: Path = ['to'];

/** Per message type: the envelope's structure alone, and all its value rules as one function. */
const ENVELOPES = new Map<string, { structure: z.ZodObject; rules: (r: RuleContext, message: unknown) => void }>();

/** An envelope of `type` around `shape`, with all its value rules as one check. */
function envelope<T extends string, P extends z.ZodObject>(type: T, shape: P, rules: (r: RuleContext, p: z.output<P>, at: Path) => void) {
  const structure = z.object({
    type: z.literal(type),
    id: z.string(),
    from: PartyShape,
    to: PartyShape,
    conversation_id: z.string(),
    timestamp: z.string(),
    /** replay protection: unique per sender within the freshness window */
    nonce: z.string().optional(),
    /** detached JWS (RFC 7515 appendix F) over the RFC 8785 JSON of the envelope without `signature` */
    signature: z.string().optional(),
    payload: shape,
  });
  const allRules = (r: RuleContext, m: z.output<typeof structure>) => {
    r.id(m.id, ROOT, 'id');
    partyRules(r, m.from, FROM);
    partyRules(r, m.to, TO);
    r.id(m.conversation_id, ROOT, 'conversation_id');
    r.dateTime(m.timestamp, ROOT, 'timestamp');
    r.id(m.nonce, ROOT, 'nonce');
    r.text(m.signature, 1, 2000, ROOT, 'signature');
    rules(r, (m as unknown as { payload: z.output<P> }).payload, PAYLOAD);
  };
  ENVELOPES.set(type, { structure, rules: allRules as (r: RuleContext, message: unknown) => void });
  return withRules(structure, allRules);
}

/** The structural schema and the value rules of one message type (for compiled validation). */
export function envelopeParts(type: string): { structure: z.ZodObject; rules: (r: RuleContext, message: unknown) => void } | undefined {
  return ENVELOPES.get(type);
}

export const Party = withRules(PartyShape, partyRules);
export const IntentPayload = withRules(IntentShape, intentRules);
export const QuoteItem = withRules(QuoteItemShape, (r, it) => {
  r.id(it.sku, ROOT, 'sku');
  r.text(it.name, 0, 200, ROOT, 'name');
  r.money(it.unit_price, ROOT, 'unit_price');
  r.quantity(it.quantity, ROOT, 'quantity');
});
export const Totals = withRules(TotalsShape, totalsRules);
export const QuotePayload = withRules(QuoteShape, quoteRules);
export const CounterPayload = withRules(CounterShape, counterRules);
export const ShippingAddress = withRules(AddressShape, addressRules);
export const AcceptPayload = withRules(AcceptShape, acceptRules);
export const ConfirmationPayload = withRules(ConfirmationShape, confirmationRules);
export const ErrorPayload = withRules(ErrorShape, errorRules);

export const IntentMessage = envelope('a2a.commerce.intent', IntentShape, intentRules);
/** The transport page's first example sends an intent as `a2a.commerce.request`: same shape. */
export const RequestMessage = envelope('a2a.commerce.request', IntentShape, intentRules);
export const QuoteMessage = envelope('a2a.commerce.quote', QuoteShape, quoteRules);
export const CounterMessage = envelope('a2a.commerce.counter', CounterShape, counterRules);
export const AcceptMessage = envelope('a2a.commerce.accept', AcceptShape, acceptRules);
export const ConfirmationMessage = envelope('a2a.commerce.confirmation', ConfirmationShape, confirmationRules);
export const ErrorMessage = envelope('a2a.commerce.error', ErrorShape, errorRules);
export const EscrowMessage = envelope('a2a.settlement.escrow', EscrowShape, escrowRules);
export const CaptureMessage = envelope('a2a.settlement.capture', CaptureShape, captureRules);
export const PostMessage = envelope('a2a.settlement.post', PostShape, postRules);
export const VoidMessage = envelope('a2a.settlement.void', VoidShape, voidRules);
export const RefundMessage = envelope('a2a.settlement.refund', RefundShape, refundRules);
export const ForfeitMessage = envelope('a2a.settlement.forfeit', ForfeitShape, forfeitRules);
export const SettlementResultMessage = envelope('a2a.settlement.result', ResultShape, resultRules);

/** Any A2A commerce message, discriminated by `type`. */
export const CommerceMessage = z.discriminatedUnion('type', [
  IntentMessage,
  RequestMessage,
  QuoteMessage,
  CounterMessage,
  AcceptMessage,
  ConfirmationMessage,
  ErrorMessage,
  EscrowMessage,
  CaptureMessage,
  PostMessage,
  VoidMessage,
  RefundMessage,
  ForfeitMessage,
  SettlementResultMessage,
]);

export const MESSAGE_TYPES = [
  'a2a.commerce.intent',
  'a2a.commerce.request',
  'a2a.commerce.quote',
  'a2a.commerce.counter',
  'a2a.commerce.accept',
  'a2a.commerce.confirmation',
  'a2a.commerce.error',
  'a2a.settlement.escrow',
  'a2a.settlement.capture',
  'a2a.settlement.post',
  'a2a.settlement.void',
  'a2a.settlement.refund',
  'a2a.settlement.forfeit',
  'a2a.settlement.result',
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
  /** the organisation's published JWK set (its agents' current signing keys), as in UCP profiles */
  signing_keys: z
    .array(z.object({ kty: z.enum(['EC', 'OKP']), crv: z.string(), x: z.string(), y: z.string().optional(), kid: z.string(), alg: z.string(), use: z.literal('sig') }))
    .optional(),
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
export type SettlementResultPayload = z.output<typeof ResultShape>;
export type CommerceMessage = z.infer<typeof CommerceMessage>;
export type MessageType = CommerceMessage['type'];
export type BusinessProfile = z.infer<typeof BusinessProfile>;
export type MessageOf<T extends MessageType> = Extract<CommerceMessage, { type: T }>;
