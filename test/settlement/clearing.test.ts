/** The clearing house on its own: a real kernel and ledger, the broker replaced by a list of what it sends. */
import { describe, expect, it } from 'vitest';
import type { AgentContext } from '../../src/agents/agent.js';
import { SettlementChecker } from '../../src/checkers/settlement.js';
import { Kernel } from '../../src/engine/kernel.js';
import { MetricsCollector } from '../../src/metrics/collector.js';
import type { CommerceMessage, MessageOf } from '../../src/protocol/schemas.js';
import { ClearingHouse } from '../../src/settlement/clearing.js';
import type { Defect } from '../../src/scenario/schema.js';
import { planOf, store } from '../agents/scenario.js';

const STORE = { type: 'agent', identifier: 'agent:acme-1', name: 'acme sales agent 1' } as const;
const SELF = { type: 'agent', identifier: 'agent:clearing-house-1', name: 'clearing house' } as const;
/** not a store at all */
const OUTSIDER = { type: 'agent', identifier: 'agent:mallory-1', name: 'mallory' } as unknown as typeof STORE;
/** an agent of another organisation than the store that started the saga */
const RIVAL = { type: 'agent', identifier: 'agent:globex-1', name: 'globex agent 1' } as unknown as typeof STORE;
/** a store agent of another store organisation */
const RIVAL_STORE = { type: 'agent', identifier: 'agent:zenith-1', name: 'zenith sales agent 1' } as unknown as typeof STORE;

function house(defects: Defect[] = []) {
  const plan = planOf((s) => {
    (s as Record<string, unknown>).settlement = { step_timeout: '100ms', saga_bound: '10s', funding: { buyer_cash: 1000 }, bonds: { buyer: 50, store: 80, forfeit_fraction: 0.5 } };
    (s as { stores: unknown[] }).stores.push(store('zenith'));
  });
  const kernel = new Kernel();
  const sent: CommerceMessage[] = [];
  const metrics = new MetricsCollector();
  const checker = new SettlementChecker();
  const ctx = {
    kernel,
    broker: { send: (_from: unknown, m: CommerceMessage) => sent.push(m) },
    metrics,
    settlementChecker: checker,
    faults: undefined,
    defects: new Set(defects),
    seed: 1,
    epochMs: 0,
    currency: 'USD',
    organisationOf: (identifier: string) => new Map<string, string>([[STORE.identifier, 'acme'], [OUTSIDER.identifier, 'mallory'], [RIVAL.identifier, 'globex'], [RIVAL_STORE.identifier, 'zenith']]).get(identifier) ?? '',
  } as unknown as AgentContext;
  const ch = new ClearingHouse({ id: 99, localName: 'clearing-house-1', organisation: 'clearing-house', party: SELF }, plan, plan.settlement!, ctx);
  let n = 0;
  const instruct = (type: string, payload: Record<string, unknown>, from: typeof STORE = STORE) => {
    ch.receive({ type, id: `m${++n}`, from, to: SELF, conversation_id: 'c1', timestamp: '2025-01-15T10:30:00Z', payload: { saga_id: 'saga_acme-1_1', ...payload } } as unknown as CommerceMessage);
    kernel.runUntil(Infinity);
    return (sent[sent.length - 1] as MessageOf<'a2a.settlement.result'>).payload;
  };
  const escrow = (amount = 100) => instruct('a2a.settlement.escrow', { idempotency_key: 'k:escrow', transaction_hash: `sha256:${'a'.repeat(64)}`, payer: 'globex', payee: 'acme', amount, currency: 'USD' });
  return { ch, sent, metrics, checker, instruct, escrow };
}

describe('ClearingHouse', () => {
  it('funds every organisation at genesis and holds its bonds', () => {
    const { ch } = house();
    expect(ch.ledger.net('globex:cash')).toBe(100_000);
    expect(ch.ledger.net('globex:bonds')).toBe(3 * 5_000);
    expect(ch.ledger.net('acme:bonds')).toBe(8_000);
    expect(ch.ledger.accounts().reduce((s, a) => s + ch.ledger.net(a), 0)).toBe(0);
  });

  it('escrows, captures and posts: the money ends in the seller revenue', () => {
    const { ch, instruct, escrow } = house();
    expect(escrow(250.5)).toMatchObject({ status: 'ok', step: 'escrow', amount: 250.5 });
    expect(ch.ledger.net('globex:escrow')).toBe(25_050);
    expect(instruct('a2a.settlement.capture', { idempotency_key: 'k:capture', escrow_key: 'k:escrow' })).toMatchObject({ status: 'ok' });
    expect(ch.ledger.net('acme:revenue')).toBe(0);
    expect(instruct('a2a.settlement.post', { idempotency_key: 'k:post', capture_key: 'k:capture' })).toMatchObject({ status: 'ok' });
    expect(ch.ledger.net('acme:revenue')).toBe(25_050);
    expect(ch.ledger.net('globex:escrow')).toBe(0);
  });

  it('takes instructions for a saga only from the store agent that started it, for its own organisation', () => {
    const { ch, instruct, escrow } = house();
    const escrowOf = (from: typeof STORE, payee = 'acme') =>
      instruct('a2a.settlement.escrow', { idempotency_key: 'k:escrow', transaction_hash: `sha256:${'a'.repeat(64)}`, payer: 'globex', payee, amount: 100, currency: 'USD' }, from);
    expect(escrowOf(OUTSIDER)).toMatchObject({ status: 'failed', code: 'invalid_message', message: 'agent:mallory-1 did not start saga_acme-1_1' });
    expect(escrowOf(RIVAL)).toMatchObject({ status: 'failed', code: 'invalid_message' });
    expect(instruct('a2a.settlement.forfeit', { idempotency_key: 'k:forfeit', party: 'globex', beneficiary: 'acme', reason: 'x' })).toMatchObject({ status: 'failed', message: 'agent:acme-1 may not forfeit the bond of globex' });
    expect(instruct('a2a.settlement.escrow', { idempotency_key: 'k:escrow2', transaction_hash: `sha256:${'a'.repeat(64)}`, payer: 'globex', payee: 'initech', amount: 100, currency: 'USD' })).toMatchObject({ status: 'failed', message: 'agent:acme-1 may not collect for initech' });
    expect(ch.ledger.net('globex:escrow')).toBe(0);
    // The refusals were not kept under the key: the store's own escrow still goes through.
    expect(escrow()).toMatchObject({ status: 'ok' });
    expect(ch.ledger.net('globex:escrow')).toBe(10_000);
    expect(instruct('a2a.settlement.capture', { idempotency_key: 'k:capture', escrow_key: 'k:escrow' })).toMatchObject({ status: 'ok' });
    // Another store may not post or void acme's capture, even under a saga of its own.
    for (const type of ['a2a.settlement.post', 'a2a.settlement.void']) {
      const refused = instruct(type, { saga_id: 'saga_zenith-1_1', idempotency_key: `k:${type}`, capture_key: 'k:capture', ...(type.endsWith('void') ? { reason: 'x' } : {}) }, RIVAL_STORE);
      expect(refused).toMatchObject({ status: 'failed', code: 'invalid_message', message: "agent:zenith-1 may not settle acme's capture" });
    }
    expect(ch.ledger.net('acme:revenue')).toBe(0);
    expect(instruct('a2a.settlement.post', { idempotency_key: 'k:post', capture_key: 'k:capture' })).toMatchObject({ status: 'ok' });
    expect(ch.ledger.net('acme:revenue')).toBe(10_000);
  });

  it('answers a duplicated or retried instruction with its first result, applying it once', () => {
    const { ch, metrics, escrow } = house();
    const first = escrow();
    const again = escrow();
    expect(again).toEqual(first);
    expect(metrics.duplicateInstructions).toBe(1);
    expect(ch.ledger.net('globex:escrow')).toBe(10_000);
  });

  it('refuses to escrow more than the buyer has, and forfeits part of its bond to the seller', () => {
    const { ch, metrics, escrow } = house();
    expect(escrow(1000.01)).toMatchObject({ status: 'failed', code: 'insufficient_funds' });
    expect(ch.ledger.net('globex:escrow')).toBe(0);
    expect(metrics.bondsForfeited).toBe(1);
    expect(ch.ledger.net('acme:cash')).toBe(2_500);
  });

  it('compensates newest first: void the capture, then refund the escrow', () => {
    const { ch, instruct, escrow } = house();
    escrow();
    instruct('a2a.settlement.capture', { idempotency_key: 'k:capture', escrow_key: 'k:escrow' });
    expect(instruct('a2a.settlement.refund', { idempotency_key: 'k:refund', escrow_key: 'k:escrow', reason: 'x' })).toMatchObject({ status: 'failed' });
    expect(instruct('a2a.settlement.void', { idempotency_key: 'k:void', capture_key: 'k:capture', reason: 'x' })).toMatchObject({ status: 'ok' });
    expect(instruct('a2a.settlement.refund', { idempotency_key: 'k:refund2', escrow_key: 'k:escrow', reason: 'x' })).toMatchObject({ status: 'ok', amount: 100 });
    expect(ch.ledger.net('globex:cash')).toBe(100_000);
    expect(ch.ledger.net('globex:escrow')).toBe(0);
  });

  it('leaves a tombstone when the undo arrives before the step: the late step is refused', () => {
    const { ch, instruct, escrow } = house();
    expect(instruct('a2a.settlement.refund', { idempotency_key: 'k:refund', escrow_key: 'k:escrow', reason: 'settlement_timeout' })).toMatchObject({ status: 'ok', amount: 0 });
    expect(escrow()).toMatchObject({ status: 'failed', code: 'already_compensated' });
    expect(ch.ledger.net('globex:escrow')).toBe(0);
  });

  it('leaves a tombstone when a void arrives before its capture: the late capture is refused', () => {
    const { ch, instruct, escrow } = house();
    escrow();
    expect(instruct('a2a.settlement.void', { idempotency_key: 'k:void', capture_key: 'k:capture', reason: 'settlement_timeout' })).toMatchObject({ status: 'ok', amount: 0 });
    expect(instruct('a2a.settlement.capture', { idempotency_key: 'k:capture', escrow_key: 'k:escrow' })).toMatchObject({ status: 'failed', code: 'already_compensated' });
    // The escrow is untouched by the refused capture, and can still be refunded in full.
    expect(ch.ledger.net('globex:escrow')).toBe(10_000);
    expect(instruct('a2a.settlement.refund', { idempotency_key: 'k:refund', escrow_key: 'k:escrow', reason: 'x' })).toMatchObject({ status: 'ok' });
    expect(ch.ledger.net('globex:cash')).toBe(100_000);
  });

  it('forfeits a share of the party bond to the beneficiary, never more than the bond', () => {
    const { ch, instruct } = house();
    const forfeit = (k: string) => instruct('a2a.settlement.forfeit', { idempotency_key: k, party: 'acme', beneficiary: 'globex', reason: 'back_office_rejected' });
    expect(forfeit('f1')).toMatchObject({ status: 'ok', amount: 40 });
    expect(forfeit('f2')).toMatchObject({ amount: 40 });
    expect(forfeit('f3')).toMatchObject({ amount: 0 });
    expect(ch.ledger.net('acme:bonds')).toBe(0);
    expect(ch.ledger.net('globex:cash')).toBe(100_000 + 8_000);
  });

  it('with the double-post defect, the checker catches the second post', () => {
    const { instruct, escrow } = house(['ledger_double_post']);
    escrow();
    instruct('a2a.settlement.capture', { idempotency_key: 'k:capture', escrow_key: 'k:escrow' });
    expect(() => instruct('a2a.settlement.post', { idempotency_key: 'k:post', capture_key: 'k:capture' })).toThrow(/resolved twice/);
  });
});
