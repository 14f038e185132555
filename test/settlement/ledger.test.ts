import { describe, expect, it } from 'vitest';
import { accountName, EXTERNAL, Ledger, type Transfer } from '../../src/settlement/ledger.js';

function funded(): { ledger: Ledger; seen: Transfer[] } {
  const seen: Transfer[] = [];
  const ledger = new Ledger((t) => seen.push(t));
  ledger.open('buyer');
  ledger.open('store');
  ledger.transfer(EXTERNAL, accountName('buyer', 'cash'), 10_000, 'genesis', 0);
  return { ledger, seen };
}

const total = (ledger: Ledger) => ledger.accounts().reduce((s, a) => s + ledger.net(a), 0);

describe('Ledger', () => {
  it('opens four accounts per organisation and funds them only from external', () => {
    const { ledger } = funded();
    expect(ledger.accounts()).toEqual(['buyer:bonds', 'buyer:cash', 'buyer:escrow', 'buyer:revenue', EXTERNAL, 'store:bonds', 'store:cash', 'store:escrow', 'store:revenue']);
    expect(ledger.net('buyer:cash')).toBe(10_000);
    expect(ledger.net(EXTERNAL)).toBe(-10_000);
    expect(total(ledger)).toBe(0);
  });

  it('refuses an overdraft, counting what is pending', () => {
    const { ledger } = funded();
    expect(ledger.transfer('buyer:cash', 'buyer:escrow', 10_001, 's', 1)).toEqual({ ok: false, reason: 'insufficient_funds' });
    expect(ledger.reserve('buyer:cash', 'store:revenue', 6_000, 's', 1).ok).toBe(true);
    expect(ledger.available('buyer:cash')).toBe(4_000);
    expect(ledger.transfer('buyer:cash', 'buyer:escrow', 4_001, 's', 2)).toEqual({ ok: false, reason: 'insufficient_funds' });
    expect(ledger.transfer('buyer:cash', 'buyer:escrow', 4_000, 's', 2).ok).toBe(true);
  });

  it('refuses zero, fractional and negative amounts, unknown accounts and self transfers', () => {
    const { ledger } = funded();
    for (const amount of [0, -5, 1.5, Number.NaN]) expect(ledger.transfer('buyer:cash', 'buyer:escrow', amount, 's', 1)).toEqual({ ok: false, reason: 'invalid_amount' });
    expect(ledger.transfer('buyer:cash', 'nobody:cash', 5, 's', 1)).toEqual({ ok: false, reason: 'unknown_account' });
    expect(ledger.transfer('buyer:cash', 'buyer:cash', 5, 's', 1)).toEqual({ ok: false, reason: 'unknown_account' });
  });

  it('posts a pending transfer exactly once, and never after a void', () => {
    const { ledger, seen } = funded();
    const p = ledger.reserve('buyer:cash', 'store:revenue', 2_500, 'saga_1', 5);
    if (!p.ok) throw new Error('reserve failed');
    expect(ledger.net('store:revenue')).toBe(0);
    expect(ledger.balance('store:revenue')!.creditsPending).toBe(2_500);
    const posted = ledger.post(p.transfer.id, 'saga_1', 6);
    expect(posted.ok && posted.transfer.kind).toBe('post_pending');
    expect(ledger.net('store:revenue')).toBe(2_500);
    expect(ledger.net('buyer:cash')).toBe(7_500);
    expect(ledger.post(p.transfer.id, 'saga_1', 7)).toEqual({ ok: false, reason: 'not_pending' });
    expect(ledger.void(p.transfer.id, 'saga_1', 7)).toEqual({ ok: false, reason: 'not_pending' });
    expect(ledger.pendingStatus(p.transfer.id)).toBe('posted');
    expect(seen.map((t) => t.kind)).toEqual(['posted', 'pending', 'post_pending']);
    expect(total(ledger)).toBe(0);
  });

  it('voids a pending transfer, releasing the reservation', () => {
    const { ledger } = funded();
    const p = ledger.reserve('buyer:cash', 'store:revenue', 2_500, 'saga_1', 5);
    if (!p.ok) throw new Error('reserve failed');
    expect(ledger.void(p.transfer.id, 'saga_1', 6).ok).toBe(true);
    expect(ledger.available('buyer:cash')).toBe(10_000);
    expect(ledger.balance('store:revenue')).toEqual({ debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 });
    expect(ledger.post(p.transfer.id, 'saga_1', 7)).toEqual({ ok: false, reason: 'not_pending' });
  });

  it('records immutable transfers with ids in order', () => {
    const { ledger, seen } = funded();
    ledger.transfer('buyer:cash', 'buyer:escrow', 100, 'saga_2', 9);
    expect(seen.map((t) => t.id)).toEqual([1, 2]);
    expect(Object.isFrozen(seen[1])).toBe(true);
    expect(() => ((seen[1] as { amountMinor: number }).amountMinor = 1)).toThrow();
    expect(ledger.transfers).toBe(2);
  });
});
