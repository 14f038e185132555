/**
 * The settlement messages (a2a.settlement.*): instructions from a store's saga to the clearing
 * house, and the house's results. Their structure and value rules; schemas.ts wraps them in the
 * envelope like every other message type.
 */
import { z } from 'zod';
import { ERROR_CODES } from './codes.js';
import type { Path, RuleContext } from './rules.js';

/** Every settlement instruction names its saga and carries an idempotency key. */
const StepFields = { saga_id: z.string(), idempotency_key: z.string() };

export const EscrowShape = z.object({ ...StepFields, transaction_hash: z.string(), payer: z.string(), payee: z.string(), amount: z.number(), currency: z.string() });
export const CaptureShape = z.object({ ...StepFields, escrow_key: z.string() });
export const PostShape = z.object({ ...StepFields, capture_key: z.string() });
export const VoidShape = z.object({ ...StepFields, capture_key: z.string(), reason: z.string() });
export const RefundShape = z.object({ ...StepFields, escrow_key: z.string(), reason: z.string() });
export const ForfeitShape = z.object({ ...StepFields, party: z.string(), beneficiary: z.string(), reason: z.string() });

export const SETTLEMENT_STEPS = ['escrow', 'capture', 'post', 'void', 'refund', 'forfeit'] as const;
export type SettlementStep = (typeof SETTLEMENT_STEPS)[number];

export const ResultShape = z.object({
  ...StepFields,
  step: z.enum(SETTLEMENT_STEPS),
  status: z.enum(['ok', 'failed']),
  transfer_id: z.number().optional(),
  amount: z.number().optional(),
  code: z.enum(ERROR_CODES).optional(),
  message: z.string().optional(),
});

function stepRules(r: RuleContext, p: { saga_id: string; idempotency_key: string }, at: Path): void {
  r.id(p.saga_id, at, 'saga_id');
  r.id(p.idempotency_key, at, 'idempotency_key');
}

export function escrowRules(r: RuleContext, p: z.output<typeof EscrowShape>, at: Path): void {
  stepRules(r, p, at);
  r.transactionHash(p.transaction_hash, at, 'transaction_hash');
  r.id(p.payer, at, 'payer');
  r.id(p.payee, at, 'payee');
  r.money(p.amount, at, 'amount');
  r.currency(p.currency, at, 'currency');
}

export function captureRules(r: RuleContext, p: z.output<typeof CaptureShape>, at: Path): void {
  stepRules(r, p, at);
  r.id(p.escrow_key, at, 'escrow_key');
}

export function postRules(r: RuleContext, p: z.output<typeof PostShape>, at: Path): void {
  stepRules(r, p, at);
  r.id(p.capture_key, at, 'capture_key');
}

export function voidRules(r: RuleContext, p: z.output<typeof VoidShape>, at: Path): void {
  postRules(r, p, at);
  r.text(p.reason, 1, 200, at, 'reason');
}

export function refundRules(r: RuleContext, p: z.output<typeof RefundShape>, at: Path): void {
  captureRules(r, p, at);
  r.text(p.reason, 1, 200, at, 'reason');
}

export function forfeitRules(r: RuleContext, p: z.output<typeof ForfeitShape>, at: Path): void {
  stepRules(r, p, at);
  r.id(p.party, at, 'party');
  r.id(p.beneficiary, at, 'beneficiary');
  r.text(p.reason, 1, 200, at, 'reason');
}

export function resultRules(r: RuleContext, p: z.output<typeof ResultShape>, at: Path): void {
  stepRules(r, p, at);
  if (p.transfer_id !== undefined) r.quantity(p.transfer_id, at, 'transfer_id');
  r.money(p.amount, at, 'amount');
  r.text(p.message, 0, 1000, at, 'message');
}
