import { describe, expect, it } from 'vitest';
import { CommerceMessage, SETTLEMENT_STEPS as FROM_SCHEMAS } from '../../src/protocol/schemas.js';
import { EscrowShape, ResultShape, SETTLEMENT_STEPS } from '../../src/protocol/settlement-schemas.js';
import { settlementMessages, withChange } from './fixtures.js';

function pathsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => i.path.join('.'));
}

describe('settlement messages', () => {
  it('are the steps schemas.ts names, one shape each for escrow and result', () => {
    expect(FROM_SCHEMAS).toBe(SETTLEMENT_STEPS);
    const [escrow, , , , , , result] = settlementMessages();
    expect(EscrowShape.safeParse(escrow!.payload).success).toBe(true);
    expect(ResultShape.safeParse(result!.payload).success).toBe(true);
    expect(ResultShape.safeParse({ ...(result!.payload as object), status: 'maybe' }).success).toBe(false);
  });


  const [escrow, , , , , , result] = settlementMessages();
  it('rejects a malformed amount, transaction hash or step, with the path', () => {
    expect(pathsOf(CommerceMessage.safeParse(withChange(escrow!, ['payload', 'amount'], 1.005)))).toEqual(['payload.amount']);
    expect(pathsOf(CommerceMessage.safeParse(withChange(escrow!, ['payload', 'transaction_hash'], 'md5:00')))).toEqual(['payload.transaction_hash']);
    expect(pathsOf(CommerceMessage.safeParse(withChange(result!, ['payload', 'step'], 'teleport')))).toEqual(['payload.step']);
    expect(pathsOf(CommerceMessage.safeParse(withChange(escrow!, ['payload', 'idempotency_key'], undefined)))).toEqual(['payload.idempotency_key']);
  });
});
