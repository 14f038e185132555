/**
 * What a connection is told once its hello is accepted: the agents it speaks for, the scenario's
 * epoch and currency, the SKUs of its categories, and a buyer's mandate.
 */
import { mandateKey } from '../agents/mandates.js';
import type { Party } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import type { ExternalPlan, SimulationPlan } from '../scenario/schema.js';
import { KeyDirectory } from '../trust/keys.js';
import type { WelcomeFrame } from './frames.js';

/** The welcome frame for `agents` of the external organisation `external`. */
export function welcomeFrame(plan: SimulationPlan, external: ExternalPlan, agents: readonly Party[]): WelcomeFrame {
  const organisation = external.organisation;
  const buyer = plan.buyers.find((b) => b.organisation === organisation);
  return {
    type: 'a2a-sim.welcome',
    organisation,
    role: external.role,
    agents: agents.map((p) => ({ identifier: p.identifier, name: p.name, ...(plan.security.signing !== 'off' ? { kid: KeyDirectory.externalKid(p.identifier) } : {}) })),
    scenario: plan.name,
    seed: plan.seed,
    clock: plan.external_clock,
    start_time: isoTimestamp(Date.parse(plan.start_time), 0),
    currency: plan.currency,
    categories: [...external.categories],
    skus: plan.market.categories.filter((c) => external.categories.includes(c.name)).flatMap((c) => c.skus.map((k) => ({ sku: k.sku, name: k.name, category: c.name }))),
    ...(buyer !== undefined ? { mandate: mandateOf(plan, organisation, buyer.mandate.max_per_purchase) } : {}),
  };
}

/** What an external buyer needs of its mandate: the proof key is derived as for simulated buyers (agents/mandates.ts). */
function mandateOf(plan: SimulationPlan, organisation: string, maxPerPurchaseMinor: number): NonNullable<WelcomeFrame['mandate']> {
  return { mandate_id: `mandate_${organisation}`, key: Buffer.from(mandateKey(plan.seed, organisation)).toString('base64url'), max_per_purchase: maxPerPurchaseMinor / 100 };
}
