/**
 * The scenario file format. Parsing a scenario yields a SimulationPlan: plain data with
 * durations in integer µs, rates per µs and money in integer minor units. The field types are in
 * fields.ts, strategies in strategy-schema.ts, the market section in market-schema.ts and the
 * checks across sections in references.ts.
 */
import { z } from 'zod';
import { ADVERSARY_KINDS } from '../trust/kinds.js';
import type { StrategyPlan } from '../agents/strategies/registry.js';
import { parseBudget, type Budget } from './budgets.js';
import { Count, Duration, DistributionSpec, DurationRange, Fraction, Money, Name, PositiveDuration, PositiveDurationRange, Probability, ProbabilityRange, Rate, rangeOf } from './fields.js';
import { Market } from './market-schema.js';
import { checkReferences } from './references.js';
import { parseRegression, type RegressionThreshold } from './regression.js';
import { BuyerStrategy, Strategy } from './strategy-schema.js';

export type { Range } from './fields.js';
export { adversaryOrganisation } from './references.js';
export { CompetitorStrategy } from './strategy-schema.js';

const LinkModel = z.strictObject({
  latency: DistributionSpec,
  loss_probability: Probability.default(0),
  corrupt_probability: Probability.default(0),
});

const Network = LinkModel.extend({
  links: z
    .array(
      z.strictObject({
        from: Name,
        to: Name,
        latency: DistributionSpec.optional(),
        loss_probability: Probability.optional(),
        corrupt_probability: Probability.optional(),
      }),
    )
    .default([]),
});

const Capacity = z.strictObject({
  servers: Count.max(10_000),
  service_time: DistributionSpec,
  queue_limit: z.number().int().min(0).default(1_000),
});

const Store = z.strictObject({
  organisation: Name,
  agents: Count.max(100_000),
  categories: z.array(Name).min(1),
  margin: Fraction,
  floor_margin: Fraction,
  volatility_premium: z.number().min(0).max(100).default(0),
  shipping: Money.default(0),
  tax_rate: z.number().min(0).max(1).default(0),
  quote_validity: PositiveDuration,
  delivery_days: z.number().int().min(0).max(365).default(3),
  stock: z.record(z.string(), z.number().int().min(0)),
  strategy: Strategy,
  capacity: Capacity,
  /** validity = quote_validity / (1 + quote_validity_shrink × realised volatility per minute) */
  quote_validity_shrink: z.number().min(0).max(10_000).default(0),
  /** windows in which the store answers every request with service_unavailable */
  outages: z.array(z.strictObject({ from: Duration, to: Duration }).refine((o) => o.to > o.from, { message: 'to must be after from', path: ['to'] })).default([]),
  limits: z
    .strictObject({
      max_open_value: Money.refine((m) => m > 0, { message: 'expected an amount greater than zero' }),
      counterparty_share: z.number().gt(0).max(1).default(1),
      volatility_tightening: z.number().min(0).max(10_000).default(0),
    })
    .optional(),
});

const Breaker = z.strictObject({
  window: PositiveDuration,
  buckets: z.number().int().min(1).max(1000).default(10),
  failure_threshold: z.number().gt(0).max(1),
  min_volume: Count,
  cooldown: PositiveDuration,
  half_open_trials: Count.max(1000),
  /** trip when an intent would take exposure past the organisation's exposure_limit */
  trip_on_exposure: z.boolean().default(true),
  /** trip when the realised volatility (per minute) of an intent's category reaches this */
  volatility_trip: z.number().gt(0).max(10).optional(),
});

/** A capability token the organisation issues to its agents. */
const Mandate = z
  .strictObject({
    max_per_purchase: Money,
    budget: z.strictObject({ amount: Money, period: PositiveDuration }).optional(),
    categories: z.array(Name).min(1).optional(),
    excluded_categories: z.array(Name).optional(),
    merchants: z.array(Name).min(1).optional(),
    excluded_merchants: z.array(Name).optional(),
    approval_threshold: Money.optional(),
    approval: z.strictObject({ delay: DistributionSpec, timeout: PositiveDuration }).optional(),
    valid_from: Duration.optional(),
    valid_for: PositiveDuration.optional(),
  })
  .superRefine(
    (m, ctx) => {
      // Runs even when other fields are invalid (so every problem is listed): read defensively.
      const v = (m ?? {}) as { approval_threshold?: unknown; approval?: unknown };
      if (v.approval_threshold !== undefined && v.approval === undefined) {
        ctx.addIssue({ code: 'custom', path: ['approval'], message: 'an approval_threshold needs approval: { delay, timeout } (how the human approver is simulated)' });
      }
    },
    { when: () => true },
  );

const Buyer = z.strictObject({
  organisation: Name,
  agents: Count.max(1_000_000),
  categories: z.array(Name).min(1),
  intent_rate: Rate,
  items_per_intent: z.number().int().min(1).max(100).default(1),
  quantity: z.strictObject({ min: Count, max: Count }).refine((q) => q.max >= q.min, { message: 'max must not be below min', path: ['max'] }),
  budget_margin: Fraction,
  budget_spread: z.number().min(0).max(1).default(0),
  target_margin: Fraction,
  stores_per_intent: Count.max(100),
  /** known suppliers: each agent keeps this many of the stores it discovers per category (default: all) */
  shortlist: Count.max(100_000).optional(),
  delivery_within_days: z.number().int().min(0).max(365).default(7),
  quote_timeout: PositiveDuration,
  confirmation_timeout: PositiveDuration,
  accept_retries: z.number().int().min(0).max(10).default(2),
  strategy: BuyerStrategy,
  mandate: Mandate,
  breaker: Breaker.optional(),
  /** open negotiation value plus unsettled value may not exceed this (per organisation) */
  exposure_limit: Money.refine((m) => m > 0, { message: 'expected an amount greater than zero' }).optional(),
  /** a person approves purchases above `above` before the accept goes out, taking `delay` */
  approval: z.strictObject({ above: Money, delay: PositiveDuration }).optional(),
  /** at `at`, the group's first agent opens `negotiations` at once */
  burst: z.strictObject({ at: Duration, negotiations: Count.max(100_000) }).optional(),
});


const Settlement = z.strictObject({
  /** the clearing house: an organisation of its own with one agent, reached through the broker */
  organisation: Name.default('clearing-house'),
  service_time: DistributionSpec.default({ kind: 'constant', valueUs: 1000 }),
  /** how long a store waits for a settlement result before retrying the step */
  step_timeout: PositiveDuration,
  /** retries of a forward step before the saga gives up and compensates */
  step_retries: z.number().int().min(0).max(100).default(3),
  /** upper bound on the wait between retries of steps that must complete */
  retry_backoff_max: PositiveDuration.default(5_000_000),
  /** once faults stop, every saga must end (settled or compensated) within this */
  saga_bound: PositiveDuration,
  funding: z.strictObject({ buyer_cash: Money, store_cash: Money.default(0) }),
  bonds: z
    .strictObject({
      buyer: Money.default(0),
      store: Money.default(0),
      /** share of one agent's bond forfeited to the counterparty per failure it caused */
      forfeit_fraction: z.number().min(0).max(1).default(0.1),
    })
    .default({ buyer: 0, store: 0, forfeit_fraction: 0.1 }),
});

const Faults = z.strictObject({
  /** faults stop at this virtual time (default: the scenario's duration) */
  until: Duration.optional(),
  message_loss_probability: ProbabilityRange.optional(),
  duplicate_probability: ProbabilityRange.optional(),
  reorder_probability: ProbabilityRange.optional(),
  reorder_delay_max: PositiveDurationRange.optional(),
  delay_spike_probability: ProbabilityRange.optional(),
  delay_spike_duration: PositiveDurationRange.optional(),
  partitions: z.array(z.strictObject({ between: z.tuple([Name, Name]), at: DurationRange, duration: PositiveDurationRange })).default([]),
  crashes: z
    .array(z.strictObject({ organisation: Name, agent: Count.optional(), at: DurationRange, downtime: PositiveDurationRange }))
    .default([]),
  back_office_rejection_probability: ProbabilityRange.optional(),
  payment_failure_probability: ProbabilityRange.optional(),
  settlement_slowdown: z.strictObject({ at: DurationRange, duration: PositiveDurationRange, factor: rangeOf(z.number().min(1).max(10_000)) }).optional(),
});

/** Deliberately broken behaviour, to show that the invariant checker fires (never for real runs). */
export const DEFECTS = ['ledger_double_post', 'saga_skips_compensation', 'buyer_records_cancelled'] as const;

/** Identity, signing, replay protection, audit trail and counterparty risk. */
const Security = z.strictObject({
  signing: z.enum(['es256', 'eddsa', 'off'], { error: 'expected signing: es256, eddsa or off' }).default('es256'),
  key_rotation: PositiveDuration.optional(),
  key_overlap: Duration.default(30_000_000),
  freshness: PositiveDuration.default(30_000_000),
  clock_skew: Duration.default(2_000_000),
  sender_rate: Rate.optional(),
  sender_burst: Count.max(1_000_000).default(20),
  audit: z.boolean().default(true),
  quarantine: z.strictObject({ rejection_rate: z.number().gt(0).max(1), min_messages: Count }).optional(),
});
const SECURITY_DEFAULTS = Security.parse({});

/**
 * An organisation whose agents are processes outside the simulator, connected over the gateway
 * (src/gateway/): a store or a buyer, with what its counterparts need to know of it. The run
 * stands its plan entry in for it (scenario/external.ts) and never runs its agents.
 */
const External = z.strictObject({
  organisation: Name,
  role: z.enum(['store', 'buyer'], { error: 'expected role: store or buyer' }),
  agents: Count.max(1_000),
  categories: z.array(Name).min(1),
  /** what a store's business profile offers (discovery filters on it) */
  capabilities: z.array(z.enum(['negotiation', 'multi-item', 'scheduling'], { error: 'expected a capability: negotiation, multi-item or scheduling' })).min(1).default(['negotiation', 'multi-item']),
  /** the organisation's public key (a JWK or JWK set file, relative to the scenario): agents prove they hold it when they say hello */
  key: z.string().min(1).max(4096).optional(),
  /** the same public key given inline: the keys of a JWK set (EC P-256 or Ed25519); the command line fills it from `key` */
  jwks: z
    .array(
      z.strictObject({
        kty: z.enum(['EC', 'OKP']),
        crv: z.enum(['P-256', 'Ed25519']),
        x: z.string().min(1).max(200),
        y: z.string().min(1).max(200).optional(),
        kid: z.string().max(200).optional(),
        alg: z.string().max(20).optional(),
        use: z.string().max(20).optional(),
      }),
    )
    .min(1)
    .max(16)
    .optional(),
  /** modeled think time: a reply is stamped at its message's delivery time plus a draw of this */
  think_time: DistributionSpec.default({ kind: 'constant', valueUs: 0 }),
  /** wall clock: an agent that has not answered a frame by then is silent for that message */
  reply_timeout: PositiveDuration.default(2_000_000),
  /** a store's quotes are held this long (the deal checker keeps executed deals for longer) */
  quote_validity: PositiveDuration.default(5_000_000),
  /** a buyer's capability token, as for simulated buyers */
  mandate: Mandate.default({ max_per_purchase: 1_000_000 }),
});

/** A hostile agent: one agent in an organisation of its own. */
const Adversary = z.strictObject({
  kind: z.enum(ADVERSARY_KINDS, { error: `expected kind: ${ADVERSARY_KINDS.join(', ')}` }),
  organisation: Name.optional(),
  rate: Rate,
  start: Duration.default(0),
  categories: z.array(Name).min(1).optional(),
  mandate: Mandate.default({ max_per_purchase: 10_000 }),
});

const RegressionExpression = z.string().transform((text, ctx): RegressionThreshold => {
  const parsed = parseRegression(text);
  if ('error' in parsed) {
    ctx.issues.push({ code: 'custom', message: parsed.error, input: text });
    return z.NEVER;
  }
  return parsed;
});

const BudgetExpression = z.string().transform((text, ctx): Budget => {
  const parsed = parseBudget(text);
  if ('error' in parsed) {
    ctx.issues.push({ code: 'custom', message: parsed.error, input: text });
    return z.NEVER;
  }
  return parsed;
});

/**
 * A seed given as a word: 1-64 letters, digits, ".", "_" or "-", at least one a letter (so that
 * "-3" or "1.5" is not taken for a word when a number was meant). The same rule for the
 * scenario's `seed` and for `--seed`.
 */
export const SEED_WORD = /^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9._-]{1,64}$/;
export const SEED_HINT = 'expected a non-negative integer or a word of letters, digits, ".", "_" or "-" (with at least one letter)';

const ScenarioShape = z.strictObject({
    name: Name,
    description: z.string().optional(),
    seed: z.union([z.number().int(SEED_HINT).nonnegative(SEED_HINT), z.string().regex(SEED_WORD, SEED_HINT)], { error: SEED_HINT }).default(1),
    start_time: z.iso
      .datetime({ offset: true })
      .refine((t) => Date.parse(t) < Date.parse('9000-01-01T00:00:00Z'), { message: 'expected a start before the year 9000 (wire timestamps have four-digit years)' })
      .default('2025-01-15T10:30:00Z'),
    duration: PositiveDuration,
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code').default('USD'),
    market: Market,
    network: Network,
    stores: z.array(Store).default([]),
    buyers: z.array(Buyer).default([]),
    /** organisations played by agent processes over the gateway (run --listen) */
    external: z.array(External).max(100).default([]),
    /**
     * how external agents meet virtual time: virtual (conservative co-simulation, deterministic)
     * or realtime (virtual time paced to the wall clock, replies taking effect when they arrive)
     */
    external_clock: z.enum(['virtual', 'realtime'], { error: 'expected external_clock: virtual or realtime' }).default('virtual'),
    /** realtime only: virtual seconds per wall-clock second (2: the run goes twice as fast as the clock) */
    realtime_scale: z.number().positive().max(1000).default(1),
    budgets: z.array(BudgetExpression).default([]),
    /** regression thresholds for `compare`: "negotiation.success_rate: -1%" */
    regression: z.array(RegressionExpression).default([]),
    report: z
      .strictObject({
        top_pairs: z.number().int().min(0).max(1000).default(10),
        /** width of the buckets of results.timeseries (default: a thirtieth of the duration, whole seconds) */
        timeseries_bucket: PositiveDuration.optional(),
      })
      .default({ top_pairs: 10 }),
    /** worker threads: 0 runs inline; `--workers` overrides; results do not depend on it */
    workers: z.union([z.number().int().min(0).max(64), z.literal('auto')], { error: 'expected a number of worker threads (0 = inline) or "auto"' }).default(0),
    settlement: Settlement.optional(),
    faults: Faults.optional(),
    defects: z.array(z.enum(DEFECTS)).default([]),
    security: Security.default(SECURITY_DEFAULTS),
    adversaries: z.array(Adversary).default([]),
    /** the market's negotiation protocol: who makes the first offer */
    negotiation: z
      .strictObject({
        first_mover: z.enum(['store', 'buyer'], { error: 'expected first_mover: store or buyer' }).default('store'),
        /** keep both sides' figures of every negotiation and score it (results.strategies.by_strategy[].scores); tournaments set it */
        scores: z.boolean().default(false),
      })
      .default({ first_mover: 'store', scores: false }),
});

/** The whole scenario: shape plus cross-references. */
export const ScenarioSchema = ScenarioShape.superRefine(checkReferences, { when: () => true });

/** A validated scenario: the plain-data input of a run. */
export type SimulationPlan = z.output<typeof ScenarioSchema>;
export type StorePlan = SimulationPlan['stores'][number];
export type BuyerPlan = SimulationPlan['buyers'][number];
export type { StrategyPlan };
export type BreakerPlan = NonNullable<BuyerPlan['breaker']>;
export type MarketPlan = SimulationPlan['market'];
export type CategoryPlan = MarketPlan['categories'][number];
export type LinkPlan = z.output<typeof LinkModel>;
export type SettlementPlan = NonNullable<SimulationPlan['settlement']>;
export type FaultsPlan = NonNullable<SimulationPlan['faults']>;
export type Defect = (typeof DEFECTS)[number];
export type SecurityPlan = SimulationPlan['security'];
export type AdversaryPlan = SimulationPlan['adversaries'][number];
export type ExternalPlan = SimulationPlan['external'][number];
