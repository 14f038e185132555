import { describe, expect, it } from 'vitest';
import { Saga } from '../../src/settlement/saga.js';

function advance(s: Saga, steps: number): void {
  for (let i = 0; i < steps; i++) s.succeeded();
}

describe('Saga', () => {
  it('runs reserve → escrow → capture → ship → post and settles', () => {
    const s = new Saga('saga_a_1');
    const seen: string[] = [];
    while (!s.finished) {
      seen.push(s.step);
      s.succeeded();
    }
    expect(seen).toEqual(['reserve', 'escrow', 'capture', 'ship', 'post']);
    expect(s.state).toBe('settled');
    expect(() => s.succeeded()).toThrow(/already settled/);
  });

  it('keys each step the same way on every retry', () => {
    const s = new Saga('saga_a_1');
    s.succeeded();
    expect(s.key()).toBe('saga_a_1:escrow');
    s.attempts = 3;
    expect(s.key()).toBe('saga_a_1:escrow');
    expect(s.key('capture')).toBe('saga_a_1:capture');
  });

  it('a declined escrow undoes only the reservation', () => {
    const s = new Saga('x');
    advance(s, 1);
    s.failed('payment_failed', false, false);
    expect(s.state).toBe('compensating');
    expect(s.step).toBe('release');
    s.succeeded();
    expect(s.state).toBe('compensated');
    expect(s.cause).toBe('payment_failed');
  });

  it('an escrow whose outcome is unknown is refunded too, newest first', () => {
    const s = new Saga('x');
    advance(s, 1);
    s.failed('settlement_timeout', true, false);
    expect([s.step, ...s.remainingCompensations]).toEqual(['refund', 'release']);
  });

  it('a back-office rejection at shipping voids the capture, refunds, releases and forfeits the store bond', () => {
    const s = new Saga('x');
    advance(s, 3);
    expect(s.step).toBe('ship');
    s.failed('back_office_rejected', false, true);
    const order: string[] = [];
    while (!s.finished) {
      order.push(s.step);
      s.succeeded();
    }
    expect(order).toEqual(['void', 'refund', 'release', 'forfeit']);
    expect(s.state).toBe('compensated');
  });

  it('resets attempts on each new step and refuses to compensate after shipping', () => {
    const s = new Saga('x');
    advance(s, 4);
    s.attempts = 5;
    expect(s.step).toBe('post');
    expect(() => s.failed('settlement_timeout', true, false)).toThrow(/only go forward/);
    s.succeeded();
    expect(s.attempts).toBe(0);
  });

  it('cannot fail twice', () => {
    const s = new Saga('x');
    advance(s, 2);
    s.failed('insufficient_funds', false, false);
    expect(() => s.failed('payment_failed', false, false)).toThrow(/cannot fail/);
  });
});
