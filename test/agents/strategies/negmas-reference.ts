/**
 * Runs scenarios/bilateral-negmas.yaml as one configuration of NegMAS's reference traces and
 * reads back the offers as NegMAS records them: [step, side, price in cents].
 */
import type { TraceLine } from '../../../src/broker/trace.js';
import { toMinor } from '../../../src/protocol/money.js';
import type { SimulationPlan } from '../../../src/scenario/schema.js';
import { runSimulation } from '../../../src/simulation.js';

export type Side = 'buyer' | 'seller';
export interface Bilateral {
  readonly offers: [number, Side, number][];
  readonly agreement: number | null;
  readonly steps: number;
}

/** The plan with NegMAS's `buyer` and `seller` tactics (boulware, linear, conceder) over n_steps. */
export function configure(plan: SimulationPlan, buyer: string, seller: string, nSteps: number): SimulationPlan {
  const tactic = (kind: string) => ({ kind: `tb_${kind}`, name: `tb_${kind}`, options: { epsilon: 0.000125 }, maxRounds: nSteps - 1, deadlineUs: undefined });
  return {
    ...plan,
    buyers: plan.buyers.map((b) => ({ ...b, strategy: tactic(buyer) })),
    stores: plan.stores.map((s) => ({ ...s, strategy: tactic(seller) })),
  };
}

/** The offers of the run's one negotiation, the agreement and the step it ended at. */
export function bilateral(plan: SimulationPlan, nSteps: number): Bilateral {
  const messages: { type: string; payload: Record<string, unknown> }[] = [];
  runSimulation(plan, { reporters: [{ onTrace: (l: TraceLine) => void (l.event === 'delivered' && messages.push(l.message as never)) }] });
  const offers: [number, Side, number][] = [];
  let quotes = 0;
  let counters = 0;
  let lastBuyer = -1;
  let agreement: number | null = null;
  let steps = nSteps;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const p = m.payload as { constraints?: { max_total: number }; totals?: { total: number }; proposed_changes?: { max_total: number } };
    if (m.type === 'a2a.commerce.intent') {
      lastBuyer = toMinor(p.constraints!.max_total);
      offers.push([0, 'buyer', lastBuyer]);
    } else if (m.type === 'a2a.commerce.counter') {
      lastBuyer = toMinor(p.proposed_changes!.max_total);
      offers.push([++counters, 'buyer', lastBuyer]);
    } else if (m.type === 'a2a.commerce.quote') {
      const total = toMinor(p.totals!.total);
      const step = quotes++;
      // A quote at the buyer's offer, then an accept, is the store accepting it at this step.
      if (total === lastBuyer && messages[i + 1]?.type === 'a2a.commerce.accept') {
        agreement = total;
        steps = step + 1;
        break;
      }
      offers.push([step, 'seller', total]);
      if (messages[i + 1]?.type === 'a2a.commerce.accept') {
        // The buyer accepts the store's offer when its next turn comes.
        agreement = total;
        steps = step + 2;
        break;
      }
    }
  }
  return { offers, agreement, steps };
}
