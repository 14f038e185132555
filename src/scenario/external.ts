/**
 * External organisations in the plan: each stands in the store or buyer list as an ordinary
 * organisation (so layout, discovery, mandates and the metrics treat it as any other), with a
 * plan entry whose fields only its counterparts read. Its agents are never built: the gateway
 * puts the connected processes in their place.
 */
import type { StrategyPlan } from '../agents/strategies/registry.js';
import type { BuyerPlan, ExternalPlan, SimulationPlan, StorePlan } from './schema.js';

/** How reports name the strategy of an external organisation. */
export const EXTERNAL_STRATEGY = 'external';

const strategy: StrategyPlan = { kind: EXTERNAL_STRATEGY, name: EXTERNAL_STRATEGY, options: {}, maxRounds: 1000, deadlineUs: undefined };

function storeStandIn(e: ExternalPlan): StorePlan {
  return {
    organisation: e.organisation,
    agents: e.agents,
    categories: [...e.categories],
    margin: 0,
    floor_margin: 0,
    volatility_premium: 0,
    shipping: 0,
    tax_rate: 0,
    quote_validity: e.quote_validity,
    delivery_days: 3,
    stock: {},
    strategy,
    capacity: { servers: 1, service_time: { kind: 'constant', valueUs: 0 }, queue_limit: 1000 },
    quote_validity_shrink: 0,
    outages: [],
    limits: undefined,
  };
}

function buyerStandIn(e: ExternalPlan): BuyerPlan {
  return {
    organisation: e.organisation,
    agents: e.agents,
    categories: [...e.categories],
    intent_rate: 0,
    items_per_intent: 1,
    quantity: { min: 1, max: 1 },
    budget_margin: 0,
    budget_spread: 0,
    target_margin: 0,
    stores_per_intent: 1,
    shortlist: undefined,
    delivery_within_days: 7,
    quote_timeout: e.reply_timeout,
    confirmation_timeout: e.reply_timeout,
    accept_retries: 0,
    strategy,
    mandate: e.mandate,
    breaker: undefined,
    exposure_limit: undefined,
    approval: undefined,
    burst: undefined,
  };
}

/** The plan with every external organisation added to the stores or buyers (after the simulated ones). */
export function withExternalStandIns(plan: SimulationPlan): SimulationPlan {
  if (plan.external.length === 0) return plan;
  return {
    ...plan,
    stores: [...plan.stores, ...plan.external.filter((e) => e.role === 'store').map(storeStandIn)],
    buyers: [...plan.buyers, ...plan.external.filter((e) => e.role === 'buyer').map(buyerStandIn)],
  };
}

/** The external organisation named `organisation`, if it is one. */
export function externalOf(plan: SimulationPlan, organisation: string): ExternalPlan | undefined {
  return plan.external.find((e) => e.organisation === organisation);
}
