/** Sagas end to end through the public API: small scenarios with a clearing house and one fault at a time. */
import { describe, expect, it } from 'vitest';
import type { MessageOf } from '../../src/protocol/schemas.js';
import { ofType, run, type Scenario } from '../agents/scenario.js';

const SETTLEMENT = { step_timeout: '100ms', step_retries: 2, retry_backoff_max: '1s', saga_bound: '10s', funding: { buyer_cash: 100000 }, bonds: { buyer: 50, store: 80, forfeit_fraction: 0.5 } };

function settled(edit: (s: Scenario & Record<string, unknown>) => void = () => {}) {
  return run((s) => {
    const x = s as Scenario & Record<string, unknown>;
    x.settlement = { ...SETTLEMENT };
    edit(x);
  });
}

const stepsOf = (messages: ReturnType<typeof run>['delivered'], saga: string) =>
  messages.filter((m) => m.type.startsWith('a2a.settlement.') && m.type !== 'a2a.settlement.result' && (m.payload as { saga_id: string }).saga_id === saga).map((m) => m.type.slice(15));

describe('settlement sagas', () => {
  it("under a per-sender rate limit the clearing house refuses steps; each is retried, and a saga's bound runs from its last refusal", () => {
    // One store sends every step of 35 sagas to the clearing house, which lets 5 a second through.
    const { result } = run((s) => {
      const x = s as Scenario & Record<string, unknown>;
      x.settlement = { step_timeout: '1s', saga_bound: '10s', funding: { buyer_cash: 100000 } };
      x.security = { signing: 'eddsa', sender_rate: '5/s', sender_burst: 5 };
      s.buyers[0]!.agents = 5;
      s.buyers[0]!.intent_rate = '60/m';
    });
    const r = result.results;
    expect(r.security.rejections.rate_limited).toBeGreaterThan(100);
    expect(r.settlement.sagas!.step_retries).toBeGreaterThan(10);
    // Every saga ended, and the run was not stopped on the bound.
    expect(r.settlement.sagas!.settled + r.settlement.sagas!.compensated).toBe(r.settlement.sagas!.started);
    expect(r.settlement.sagas!.started).toBeGreaterThan(20);
  });

  it('without faults every accepted quote settles: escrow, capture, post, then the confirmation', () => {
    const { result, delivered } = settled();
    const s = result.results.settlement;
    expect(s.sagas!.settled).toBeGreaterThan(5);
    expect(s.sagas!.compensated).toBe(0);
    expect(s.deals).toBe(s.sagas!.settled);
    expect(s.in_doubt).toBe(0);
    const first = ofType(delivered, 'a2a.settlement.escrow')[0]!;
    expect(stepsOf(delivered, first.payload.saga_id)).toEqual(['escrow', 'capture', 'post']);
    expect(result.results.negotiation.outcomes.settlement_failed).toBe(0);
  });

  it('declined payments are compensated by releasing inventory; the buyer hears `cancelled` and its bond pays the seller', () => {
    const { result, delivered } = settled((s) => {
      s.faults = { payment_failure_probability: 1 };
    });
    const sagas = result.results.settlement.sagas!;
    expect(sagas.settled).toBe(0);
    expect(sagas.compensated).toBe(sagas.started);
    expect(sagas.compensated_by_cause).toEqual({ payment_failed: sagas.started });
    expect(sagas.bonds_forfeited.count).toBeGreaterThan(0);
    expect(result.results.negotiation.outcomes.settlement_failed).toBe(sagas.started);
    const cancelled = ofType(delivered, 'a2a.commerce.confirmation').filter((m) => m.payload.status === 'cancelled');
    expect(cancelled.length).toBe(sagas.started);
    expect(cancelled[0]!.payload.cancellation?.code).toBe('payment_failed');
    expect(result.results.settlement.deals).toBe(0);
  });

  it('a compensated saga gives back what the store counted against the mandate budget', () => {
    const { result } = settled((s) => {
      s.faults = { payment_failure_probability: 1 };
      (s.buyers[0] as Record<string, unknown>).mandate = { max_per_purchase: 1000, budget: { amount: 300, period: '1m' } };
    });
    const sagas = result.results.settlement.sagas!;
    // Each purchase is about 137.00: without the refund of the budget the store would refuse the third.
    expect(sagas.started).toBeGreaterThan(5);
    expect(sagas.compensated).toBe(sagas.started);
    expect(sagas.failed_by_cause.mandate_exceeded ?? 0).toBe(0);
  });

  it('a back-office rejection after capture is undone newest first: void, refund, then the store forfeits', () => {
    const { result, delivered } = settled((s) => {
      s.faults = { back_office_rejection_probability: 1 };
    });
    const sagas = result.results.settlement.sagas!;
    expect(sagas.compensated_by_cause).toEqual({ back_office_rejected: sagas.started });
    const saga = ofType(delivered, 'a2a.settlement.escrow')[0]!.payload.saga_id;
    expect(stepsOf(delivered, saga)).toEqual(['escrow', 'capture', 'void', 'refund', 'forfeit']);
  });

  it('unsigned, duplicated instructions are answered idempotently by the clearing house and nothing is settled twice', () => {
    const { result } = settled((s) => {
      s.faults = { duplicate_probability: 1 };
      s.security = { signing: 'off' };
    });
    const sagas = result.results.settlement.sagas!;
    expect(result.results.faults!.messages_duplicated).toBeGreaterThan(100);
    expect(sagas.duplicate_instructions).toBeGreaterThan(0);
    expect(sagas.settled).toBeGreaterThan(0);
    expect(result.results.settlement.deals).toBe(sagas.settled);
  });

  it('signed, a duplicate is refused as a replay before it reaches the saga; every deal still settles once', () => {
    const { result } = settled((s) => {
      s.faults = { duplicate_probability: 1 };
    });
    const r = result.results;
    expect(r.errors.by_code.replay_detected).toBeGreaterThan(100);
    expect(r.settlement.sagas!.duplicate_instructions).toBe(0);
    expect(r.settlement.sagas!.settled).toBeGreaterThan(0);
    expect(r.settlement.deals).toBe(r.settlement.sagas!.settled);
    expect(r.settlement.in_doubt).toBe(0);
  });

  it('a store cut off from the clearing house times out, compensates, and finishes once the partition heals', () => {
    const { result, delivered } = settled((s) => {
      s.faults = { partitions: [{ between: ['acme', 'clearing-house'], at: '2s', duration: '3s' }] };
    });
    const sagas = result.results.settlement.sagas!;
    expect(sagas.compensated_by_cause.settlement_timeout).toBeGreaterThan(0);
    expect(sagas.step_retries).toBeGreaterThan(0);
    expect(result.results.faults!.messages_partitioned).toBeGreaterThan(0);
    const refunds = ofType(delivered, 'a2a.settlement.refund') as MessageOf<'a2a.settlement.refund'>[];
    expect(refunds.some((m) => m.payload.reason === 'settlement_timeout')).toBe(true);
  });

  it('a crashed store loses its quotes but not its sagas; a crashed buyer keeps asking about what it accepted', () => {
    const { result } = settled((s) => {
      s.faults = {
        crashes: [
          { organisation: 'acme', at: '3s', downtime: '2s' },
          { organisation: 'globex', agent: 1, at: '6s', downtime: '2s' },
        ],
      };
    });
    const r = result.results;
    expect(r.faults!.crashes).toBe(2);
    expect(r.settlement.in_doubt).toBe(0);
    expect(r.settlement.deals).toBe(r.settlement.sagas!.settled);
    expect(r.messages.dropped).toBeGreaterThan(0);
  });

  it('the same seed gives the same results with faults on', () => {
    const edit = (s: Scenario & Record<string, unknown>) => {
      s.faults = { message_loss_probability: [0, 0.1], duplicate_probability: [0, 0.1], back_office_rejection_probability: 0.2 };
    };
    expect(JSON.stringify(settled(edit).result.results)).toBe(JSON.stringify(settled(edit).result.results));
  });
});
