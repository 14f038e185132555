/** Error codes carried by `a2a.commerce.error`: lowercase snake_case, as in UCP and AP2. */
export const ERROR_CODES = [
  // catalogue and inventory
  'out_of_stock',
  'item_unavailable',
  'delivery_unavailable',
  // quotes and negotiation
  'quote_expired',
  'quote_not_found',
  'quote_mismatch',
  'negotiation_closed',
  // mandates and payment
  'mandate_exceeded',
  'mandate_expired',
  'mandate_scope_mismatch',
  'mandate_invalid_signature',
  'approval_required',
  'payment_failed',
  // settlement
  'insufficient_funds',
  'back_office_rejected',
  'settlement_timeout',
  'already_compensated',
  // identity and message integrity
  'invalid_message',
  'signature_invalid',
  'key_not_found',
  'replay_detected',
  'message_expired',
  'unknown_recipient',
  // load and availability
  'rate_limited',
  'market_halted',
  'service_unavailable',
  // an external agent's connection is gone: the gateway answers for it
  'agent_unreachable',
  // the agent's own decision failed (its negotiation strategy broke its contract)
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** True when `code` is one of the protocol's error codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return CODE_SET.has(code);
}
