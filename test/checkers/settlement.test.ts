import { describe, expect, it } from 'vitest';
import { SettlementChecker } from '../../src/checkers/settlement.js';
import { InvariantViolation } from '../../src/engine/kernel.js';
import { accountName, EXTERNAL, Ledger } from '../../src/settlement/ledger.js';

/** A ledger whose every transfer the checker watches. */
function watched() {
  const checker = new SettlementChecker();
  const ledger = new Ledger((t, l) => checker.observeTransfer(t, l));
  ledger.open('b');
  ledger.open('s');
  ledger.transfer(EXTERNAL, accountName('b', 'cash'), 1_000, 'genesis', 0);
  return { checker, ledger };
}

/** A saga of 300 that settles, as the store and the ledger report it. */
function settle(checker: SettlementChecker, ledger: Ledger, id: string, startUs: number, endUs: number): void {
  checker.sagaStarted(id, 300, startUs);
  checker.inventoryReserved(id);
  ledger.transfer('b:cash', 'b:escrow', 300, id, startUs + 1);
  const p = ledger.reserve('b:escrow', 's:revenue', 300, id, startUs + 2);
  if (!p.ok) throw new Error('capture failed');
  ledger.post(p.transfer.id, id, startUs + 3);
  checker.sagaEnded(id, 'settled', '', endUs);
}

describe('SettlementChecker', () => {
  it('accepts a settled saga and a compensated one', () => {
    const { checker, ledger } = watched();
    settle(checker, ledger, 'saga_1', 10, 20);
    checker.sagaStarted('saga_2', 300, 30);
    checker.inventoryReserved('saga_2');
    ledger.transfer('b:cash', 'b:escrow', 300, 'saga_2', 31);
    ledger.transfer('b:escrow', 'b:cash', 300, 'saga_2', 32);
    checker.inventoryReleased('saga_2');
    checker.sagaEnded('saga_2', 'compensated', 'payment_failed', 33);
    expect(checker.finish(100, 0, 1_000)).toEqual({ sagas: 2, settled: 1, compensated: 1, transfers: 6 });
  });

  it('fires when the ledger disagrees with its own transfers', () => {
    const { checker, ledger } = watched();
    (ledger.balance('b:cash') as { creditsPosted: number }).creditsPosted += 5;
    expect(() => ledger.transfer('b:cash', 'b:escrow', 10, 'saga_1', 5)).toThrow(/disagrees/);
    expect(checker.toData().transfers).toBe(2);
  });

  it('fires on a pending transfer resolved twice', () => {
    const { checker, ledger } = watched();
    const hold = ledger.reserve('b:cash', 's:revenue', 100, 'saga_1', 1);
    const post = hold.ok ? ledger.post(hold.transfer.id, 'saga_1', 2) : hold;
    if (!post.ok) throw new Error('setup failed');
    expect(() => checker.observeTransfer({ ...post.transfer, id: 99 }, ledger)).toThrow(/resolved twice/);
  });

  it('fires on an overdraft the ledger let through', () => {
    const checker = new SettlementChecker();
    const ledger = new Ledger();
    ledger.open('b');
    expect(() => checker.observeTransfer({ id: 1, kind: 'posted', debit: 'b:cash', credit: 'b:escrow', amountMinor: 5, pendingId: 0, reference: 'saga_x', atUs: 3 }, ledger)).toThrow(
      InvariantViolation,
    );
  });

  it('fires on money escrowed twice for one saga', () => {
    const { checker, ledger } = watched();
    checker.sagaStarted('saga_1', 100, 0);
    ledger.transfer('b:cash', 'b:escrow', 100, 'saga_1', 1);
    expect(() => ledger.transfer('b:cash', 'b:escrow', 100, 'saga_1', 2)).toThrow(/escrowed twice/);
  });

  it('fires at the end on a saga that never ended, or ended past the bound', () => {
    const a = watched();
    a.checker.sagaStarted('saga_1', 300, 10);
    expect(() => a.checker.finish(500, 0, 1_000)).toThrow(/never ended/);
    const b = watched();
    settle(b.checker, b.ledger, 'saga_1', 10, 5_000);
    expect(() => b.checker.finish(6_000, 2_000, 1_000)).toThrow(/after faults stopped/);
    expect(b.checker.finish(6_000, 4_500, 1_000).settled).toBe(1);
  });

  it('fires on a compensated saga that left funds in escrow or inventory reserved', () => {
    const a = watched();
    a.checker.sagaStarted('saga_1', 300, 0);
    a.checker.inventoryReserved('saga_1');
    a.ledger.transfer('b:cash', 'b:escrow', 300, 'saga_1', 1);
    a.checker.inventoryReleased('saga_1');
    a.checker.sagaEnded('saga_1', 'compensated', 'back_office_rejected', 2);
    expect(() => a.checker.finish(10, 0, 100)).toThrow(/stay in escrow/);
    const b = watched();
    b.checker.sagaStarted('saga_1', 300, 0);
    b.checker.inventoryReserved('saga_1');
    b.checker.sagaEnded('saga_1', 'compensated', 'payment_failed', 2);
    expect(() => b.checker.finish(10, 0, 100)).toThrow(/inventory was not released/);
  });

  it('fires on a settled saga whose capture the ledger never posted', () => {
    const { checker, ledger } = watched();
    checker.sagaStarted('saga_1', 300, 0);
    checker.inventoryReserved('saga_1');
    ledger.transfer('b:cash', 'b:escrow', 300, 'saga_1', 1);
    checker.sagaEnded('saga_1', 'settled', '', 2);
    expect(() => checker.finish(10, 0, 100)).toThrow(/captured 0 of 300/);
  });

  it('measures the bound from the last refusal of one of its messages; a refusal naming no saga is no saga', () => {
    const { checker, ledger } = watched();
    settle(checker, ledger, 'saga_1', 10, 5_000);
    expect(() => checker.finish(6_000, 0, 1_000)).toThrow(/ended 4990 µs after it started/);
    checker.sagaRefused('saga_1', 3_000);
    expect(() => checker.finish(6_000, 0, 1_000)).toThrow(/ended 2000 µs after the last refusal of one of its messages/);
    checker.sagaRefused('saga_1', 4_500);
    checker.sagaRefused('saga_1', 1_000);
    checker.sagaRefused('saga_forged', 2_000);
    expect(checker.finish(6_000, 0, 1_000)).toMatchObject({ sagas: 1, settled: 1 });
    // Refusals seen on another shard count the same once merged.
    const store = watched();
    settle(store.checker, store.ledger, 'saga_1', 10, 5_000);
    const other = new SettlementChecker();
    other.sagaRefused('saga_1', 4_500);
    store.checker.merge(SettlementChecker.fromData(other.toData()));
    expect(store.checker.finish(6_000, 0, 1_000).settled).toBe(1);
  });

  it('merges what the store shard and the clearing shard saw, in either order', () => {
    const store = new SettlementChecker();
    const clearing = watched();
    store.sagaStarted('saga_1', 300, 10);
    store.inventoryReserved('saga_1');
    clearing.ledger.transfer('b:cash', 'b:escrow', 300, 'saga_1', 11);
    const p = clearing.ledger.reserve('b:escrow', 's:revenue', 300, 'saga_1', 12);
    if (!p.ok) throw new Error('capture failed');
    clearing.ledger.post(p.transfer.id, 'saga_1', 13);
    store.sagaEnded('saga_1', 'settled', '', 20);
    for (const order of [
      [store, clearing.checker],
      [clearing.checker, store],
    ]) {
      const merged = new SettlementChecker();
      for (const c of order) merged.merge(SettlementChecker.fromData(c.toData()));
      expect(merged.finish(100, 0, 1_000)).toMatchObject({ sagas: 1, settled: 1 });
    }
  });
});
