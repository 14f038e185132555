/** A negotiation state for unit tests of negotiators: fixed numbers, a scripted history, a seeded stream. */
import type { NegotiationState, OfferRecord, Role } from '../../../src/agents/strategies/contract.js';

export function stateOf(over: Partial<Omit<NegotiationState, 'random'>> & { draws?: number[] } = {}): NegotiationState {
  const draws = [...(over.draws ?? [0.5])];
  let k = 0;
  const role: Role = over.role ?? 'buyer';
  return {
    role,
    round: over.round ?? 0,
    maxRounds: over.maxRounds ?? 10,
    elapsedUs: over.elapsedUs ?? 0,
    deadlineUs: over.deadlineUs,
    reservation: over.reservation ?? (role === 'buyer' ? 1000 : 500),
    aspiration: over.aspiration ?? (role === 'buyer' ? 500 : 1000),
    history: over.history ?? [],
    referencePrice: over.referencePrice ?? 800,
    quantity: over.quantity ?? 1,
    category: over.category ?? 'widgets',
    counterparty: over.counterparty ?? 'agent:other-1',
    random: () => draws[k++ % draws.length]!,
  };
}

/** A history from alternating offers: `buyer` and `store` totals in the order made. */
export function historyOf(...offers: [Role, number][]): OfferRecord[] {
  return offers.map(([by, total], i) => ({ by, total, atUs: i * 1000 }));
}
