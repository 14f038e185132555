/**
 * The scenario file format. Parsing a scenario yields a SimulationPlan: plain data with
 * durations in integer µs, rates per µs and money in integer minor units.
 */
import { z } from 'zod';
import type { Distribution } from '../engine/distribution.js';
import type { ProcessSpec } from '../market/processes.js';
import { ADVERSARY_KINDS } from '../trust/kinds.js';
import type { BayesianSettings } from '../agents/strategies/bayesian.js';
import { BUILTIN_KINDS, BUILTIN_OPTIONS, FARATIN_DEFAULT_E, FARATIN_KINDS } from '../agents/strategies/builtins.js';
import type { StrategyPlan } from '../agents/strategies/registry.js';
import { parseBudget, type Budget } from './budgets.js';
import { parseRegression, type RegressionThreshold } from './regression.js';
import { didYouMean } from './suggest.js';
import { formatDurationUs, parseDurationUs, parseMoneyMinor, parseRatePerUs } from './units.js';

const DURATION_HINT = 'expected a duration with a unit, like "250ms", "2s" or "5m"';

/** A duration string → integer µs (>= 0). */
const Duration = z.string({ error: DURATION_HINT }).transform((text, ctx) => {
  const us = parseDurationUs(text);
  if (us === null) {
    // A well-formed duration can still be too long to count in µs exactly.
    const tooLong = /^\s*\d+(?:\.\d+)?\s*(us|µs|ms|s|m|h|d)\s*$/.test(text);
    ctx.issues.push({ code: 'custom', message: tooLong ? `expected a duration of at most 100000d, got "${text}"` : `${DURATION_HINT}, got "${text}"`, input: text });
    return z.NEVER;
  }
  return us;
});
const PositiveDuration = Duration.refine((us) => us > 0, { message: 'expected a duration greater than zero' });

const RATE_HINT = 'expected a rate with its unit, like "6/m" or "0.5/s" (per ms, s, m, h or d)';
const Rate = z.union([z.string(), z.number()], { error: RATE_HINT }).transform((value, ctx) => {
  const perUs = parseRatePerUs(value);
  if (perUs === null || perUs < 0) {
    const shown = typeof value === 'number' ? String(value) : `"${value}"`;
    ctx.issues.push({ code: 'custom', message: `${RATE_HINT} (not negative), got ${shown}`, input: value });
    return z.NEVER;
  }
  return perUs;
});

const MONEY_HINT = 'expected a money amount with at most two decimals, like 249.99';
/**
 * The largest amount a scenario may name, and a purchase may reach: well inside what the wire
 * keeps exact (protocol/money.ts MAX_MINOR, about 900,000,000,000.00), so that totals with tax
 * and shipping, and balances over many deals, stay exact too.
 */
const MAX_AMOUNT_MINOR = 1_000_000_000_000;
const MAX_AMOUNT_TEXT = '10,000,000,000.00';
const Money = z.union([z.number(), z.string()], { error: MONEY_HINT }).transform((value, ctx) => {
  const minor = parseMoneyMinor(value);
  if (minor === null || minor < 0) {
    ctx.issues.push({ code: 'custom', message: `${MONEY_HINT} (not negative), got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  if (minor > MAX_AMOUNT_MINOR) {
    ctx.issues.push({ code: 'custom', message: `expected an amount of at most ${MAX_AMOUNT_TEXT}, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return minor;
});

const Probability = z.number().min(0).max(1);
const Fraction = z.number().min(-1).max(10);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');
const Count = z.number().int().positive();

const DistributionObject = z
  .discriminatedUnion(
    'distribution',
    [
      z.strictObject({ distribution: z.literal('constant'), value: Duration }),
      z.strictObject({ distribution: z.literal('uniform'), min: Duration, max: Duration }),
      z.strictObject({ distribution: z.literal('exponential'), mean: PositiveDuration, min: Duration.optional() }),
      z.strictObject({ distribution: z.literal('lognormal'), median: PositiveDuration, p99: PositiveDuration, min: Duration.optional() }),
    ],
    { error: 'expected distribution: constant, uniform, exponential or lognormal' },
  )
  .superRefine((d, ctx) => {
    if (d.distribution === 'uniform' && d.max < d.min) {
      ctx.addIssue({ code: 'custom', message: 'max must not be below min', path: ['max'] });
    }
    if (d.distribution === 'lognormal' && d.p99 <= d.median) {
      ctx.addIssue({ code: 'custom', message: 'p99 must be greater than the median', path: ['p99'] });
    }
    // A floor at or above the distribution's middle would make most draws the floor itself.
    if (d.distribution === 'lognormal' && d.min !== undefined && d.min >= d.median) {
      ctx.addIssue({ code: 'custom', message: 'min must be below the median', path: ['min'] });
    }
    if (d.distribution === 'exponential' && d.min !== undefined && d.min >= d.mean) {
      ctx.addIssue({ code: 'custom', message: 'min must be below the mean', path: ['min'] });
    }
  });

function toDistribution(d: number | z.output<typeof DistributionObject>): Distribution {
  if (typeof d === 'number') return { kind: 'constant', valueUs: d };
  switch (d.distribution) {
    case 'constant':
      return { kind: 'constant', valueUs: d.value };
    case 'uniform':
      return { kind: 'uniform', minUs: d.min, maxUs: d.max };
    case 'exponential':
      return { kind: 'exponential', meanUs: d.mean, minUs: d.min ?? 0 };
    case 'lognormal':
      return { kind: 'lognormal', medianUs: d.median, p99Us: d.p99, minUs: d.min ?? 0 };
  }
}

/**
 * A distribution of durations: a plain duration means constant. Dispatching on the input's
 * type (rather than a union) keeps the path of a problem inside the object.
 */
const DistributionSpec = z.unknown().transform((value, ctx): Distribution => {
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    ctx.issues.push({ code: 'custom', message: 'expected a duration like "3ms" or { distribution: lognormal, median: …, p99: … }', input: value });
    return z.NEVER;
  }
  const parsed = typeof value === 'string' ? Duration.safeParse(value) : DistributionObject.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: issue.input } as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return toDistribution(parsed.data);
});

const StrategyFields = {
  /** a built-in strategy (BUILTIN_KINDS) */
  kind: z.string().optional(),
  /** a plug-in module, relative to the scenario file */
  module: z.string().min(1).max(4096).optional(),
  /** how reports name the strategy (default: the kind, or the module's file name) */
  name: Name.optional(),
  /** the exponent of Faratin's tactics (boulware, linear, conceder) */
  e: z.number().positive().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  max_rounds: Count.max(1000),
  deadline: PositiveDuration.optional(),
};

type StrategyInput = { kind?: string; module?: string; name?: string; e?: number; options?: Record<string, unknown>; max_rounds: number; deadline?: number; opponent_model?: unknown };

type FaratinKind = (typeof FARATIN_KINDS)[number];
const isFaratin = (kind: string | undefined): kind is FaratinKind => (FARATIN_KINDS as readonly string[]).includes(kind ?? '');

/**
 * One of kind (a built-in) or module (a plug-in); a built-in's options are checked against its
 * own schema; e belongs to Faratin's tactics, and must match the kind: below 1 for boulware,
 * exactly 1 for linear, above 1 for conceder.
 */
function checkStrategy(s: StrategyInput, ctx: z.RefinementCtx): void {
  if (s.kind === undefined && s.module === undefined) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `expected kind (a built-in: ${BUILTIN_KINDS.join(', ')}) or module (a plug-in file)` });
    return;
  }
  if (s.kind !== undefined && s.module !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['module'], message: 'give kind (a built-in) or module (a plug-in), not both' });
    return;
  }
  if (s.kind !== undefined && !(BUILTIN_KINDS as readonly string[]).includes(s.kind)) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `unknown strategy kind "${s.kind}"${didYouMean(s.kind, BUILTIN_KINDS)} (built-ins: ${BUILTIN_KINDS.join(', ')}; a plug-in is given as module: ./file.mjs)` });
    return;
  }
  if (s.e !== undefined && !isFaratin(s.kind)) ctx.addIssue({ code: 'custom', path: ['e'], message: `e belongs to boulware, linear and conceder; give ${s.kind ?? 'a module'} its settings under options` });
  if (s.opponent_model !== undefined && !isFaratin(s.kind)) ctx.addIssue({ code: 'custom', path: ['opponent_model'], message: 'an opponent model steers boulware, linear or conceder' });
  if (isFaratin(s.kind)) {
    if (s.options !== undefined) ctx.addIssue({ code: 'custom', path: ['options'], message: `${s.kind} takes e beside kind, not options` });
    if (s.e !== undefined) {
      const ok = s.kind === 'boulware' ? s.e < 1 : s.kind === 'conceder' ? s.e > 1 : s.e === 1;
      if (!ok) {
        const want = s.kind === 'boulware' ? 'below 1' : s.kind === 'conceder' ? 'above 1' : 'exactly 1';
        ctx.addIssue({ code: 'custom', path: ['e'], message: `a ${s.kind} strategy needs e ${want}, got ${s.e}` });
      }
    }
    return;
  }
  if (s.kind !== undefined) {
    const parsed = BUILTIN_OPTIONS[s.kind as keyof typeof BUILTIN_OPTIONS].safeParse(s.options ?? {});
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['options', ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))], message: issue.message });
  }
}

/** The plan of a strategy: built-in options with their defaults, a module's as given. */
function toStrategyPlan(s: StrategyInput, opponentModel?: BayesianSettings): StrategyPlan {
  const kind = s.kind ?? 'module';
  const options = isFaratin(s.kind) || s.kind === undefined ? (s.options ?? {}) : BUILTIN_OPTIONS[s.kind as keyof typeof BUILTIN_OPTIONS].parse(s.options ?? {});
  const name = s.name ?? (s.module !== undefined ? (s.module.split(/[\\/]/).pop() ?? s.module) : kind);
  return {
    kind,
    name,
    ...(isFaratin(s.kind) ? { e: s.e ?? FARATIN_DEFAULT_E[s.kind] } : {}),
    options,
    ...(s.module !== undefined ? { module: s.module } : {}),
    maxRounds: s.max_rounds,
    deadlineUs: s.deadline,
    ...(opponentModel ? { opponentModel } : {}),
  };
}

/** A store's strategy: a built-in or a plug-in module. */
const Strategy = z
  .strictObject(StrategyFields)
  .superRefine(checkStrategy)
  .transform((s) => toStrategyPlan(s));

/**
 * A buyer's Bayesian model of the store it negotiates with (see agents/strategies/opponent-model.ts):
 * hypotheses = floor_steps × exponent_steps, updated on every ask the store makes.
 */
const OpponentModel = z
  .strictObject({
    floor_steps: z.number().int().min(2).max(65_536).default(64),
    exponent_steps: z.number().int().min(1).max(1_024).default(16),
    /** walk away once the posterior puts at least this probability on a floor above the budget (1: never) */
    walk_away: z.number().gt(0).max(1).default(0.95),
  })
  .refine((m) => m.floor_steps * m.exponent_steps <= 1_048_576, { message: 'floor_steps × exponent_steps may be at most 1,048,576 hypotheses', path: ['floor_steps'] })
  .transform((m) => ({ floorSteps: m.floor_steps, exponentSteps: m.exponent_steps, walkAway: m.walk_away }));

/** A buyer's strategy: a store's, plus an optional opponent model steering Faratin's tactics. */
const BuyerStrategy = z
  .strictObject({ ...StrategyFields, opponent_model: OpponentModel.optional() })
  .superRefine(checkStrategy)
  .transform((s) => toStrategyPlan(s, s.opponent_model));

/**
 * A tournament competitor's strategy: a buyer's strategy whose protocol limits (max_rounds,
 * deadline) are optional, since the organisation it plays for keeps its own.
 */
export const CompetitorStrategy = z
  .strictObject({ ...StrategyFields, max_rounds: Count.max(1000).default(10), opponent_model: OpponentModel.optional() })
  .superRefine(checkStrategy)
  .transform((s) => toStrategyPlan(s, s.opponent_model));

const Regime = z.strictObject({
  name: Name,
  duration: PositiveDuration,
  volatility_per_minute: z.number().min(0).max(1),
  drift_per_minute: z.number().min(-1).max(1).default(0),
  demand_multiplier: z.number().min(0).max(1000).default(1),
});

const Sku = z.strictObject({
  sku: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  price_factor: z.number().positive().max(1_000_000).default(1),
});

// Price processes, shocks and halts (see src/market/processes.ts and halts.ts).
const Process = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('gbm') }),
      z.strictObject({ kind: z.literal('jump_diffusion'), jump_rate: Rate, jump_mean: z.number().min(-1).max(1), jump_stdev: z.number().min(0).max(1) }),
      z.strictObject({ kind: z.literal('mean_reversion'), speed_per_minute: z.number().positive().max(1000), level: Money.optional() }),
      z.strictObject({ kind: z.literal('regime_switching'), volatility_multipliers: z.array(z.number().min(0).max(100)).min(2).max(16), switch_rate: Rate }),
    ],
    { error: 'expected kind: gbm, jump_diffusion, mean_reversion or regime_switching' },
  )
  .transform((p): ProcessSpec => {
    switch (p.kind) {
      case 'gbm':
        return { kind: 'gbm' };
      case 'jump_diffusion':
        return { kind: 'jump_diffusion', jumpRatePerUs: p.jump_rate, jumpMean: p.jump_mean, jumpStdev: p.jump_stdev };
      case 'mean_reversion':
        return { kind: 'mean_reversion', speedPerMinute: p.speed_per_minute, levelMinor: p.level };
      case 'regime_switching':
        return { kind: 'regime_switching', volatilityMultipliers: p.volatility_multipliers, switchRatePerUs: p.switch_rate };
    }
  });

const Shock = z.strictObject({ at: Duration, change: z.number().gt(-1).max(10) }).transform((s) => ({ atUs: s.at, change: s.change }));

const Bands = z
  .strictObject({
    width: z.number().gt(0).max(1),
    window: PositiveDuration.default(300_000_000),
    limit_state: Duration.default(15_000_000),
    pause: PositiveDuration.default(300_000_000),
  })
  .transform((b) => ({ width: b.width, windowUs: b.window, limitStateUs: b.limit_state, pauseUs: b.pause }));

const HaltLevel = z.strictObject({ drop: z.number().gt(0).lt(1), duration: PositiveDuration }).transform((l) => ({ drop: l.drop, durationUs: l.duration }));

const DEFAULT_HALT_LEVELS = [
  { drop: 0.07, durationUs: 900_000_000 },
  { drop: 0.13, durationUs: 900_000_000 },
  { drop: 0.2, durationUs: 86_400_000_000 },
];

const Halts = z.strictObject({
  levels: z
    .array(HaltLevel)
    .min(1)
    .max(3)
    .default(DEFAULT_HALT_LEVELS)
    .refine((ls) => ls.every((l, i) => i === 0 || l.drop > ls[i - 1]!.drop), { message: 'level drops must increase from one level to the next' }),
});

const Category = z.strictObject({
  name: Name,
  reference_price: Money.refine((m) => m > 0, { message: 'expected a price greater than zero' }),
  skus: z.array(Sku).min(1),
  process: Process.optional(),
  shocks: z.array(Shock).default([]),
  bands: Bands.optional(),
});

const Market = z.strictObject({
  tick: PositiveDuration.default(1_000_000),
  volatility_window: PositiveDuration.default(30_000_000),
  categories: z.array(Category).min(1),
  regimes: z.array(Regime).min(1),
  halts: Halts.optional(),
});

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

/** A number, or a range [min, max] from which each seed draws its own value. */
function rangeOf<T extends z.ZodType<number>>(value: T) {
  return z
    .union([value, z.tuple([value, value])], { error: 'expected a value or a range [min, max]' })
    .transform((v) => (Array.isArray(v) ? { min: v[0] as number, max: v[1] as number } : { min: v as number, max: v as number }))
    .refine((r) => r.max >= r.min, { message: 'a range must be [min, max] with max >= min' });
}
const ProbabilityRange = rangeOf(Probability);
const DurationRange = rangeOf(Duration);
const PositiveDurationRange = rangeOf(PositiveDuration);
export type Range = { readonly min: number; readonly max: number };

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

/** A hostile agent: one agent in an organisation of its own. */
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

type Loose = Record<string, unknown>;
const list = (x: unknown): Loose[] => (Array.isArray(x) ? x.filter((e): e is Loose => typeof e === 'object' && e !== null) : []);
const names = (x: unknown): string[] => (Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : []);
const record = (x: unknown): Loose => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Loose) : {});
const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

/**
 * Cross-references the schema alone cannot express; every problem gets its own path. It also
 * runs when other fields are invalid (so a file lists all its problems at once), hence it
 * reads the value defensively.
 */
function checkReferences(value: unknown, ctx: z.RefinementCtx): void {
  const s = record(value);
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const categoryList = list(record(s.market).categories);
  const categories = new Set<string>();
  const skuOwner = new Map<string, string>();
  categoryList.forEach((c, i) => {
    const name = text(c.name);
    if (name === undefined) return;
    if (categories.has(name)) issue(['market', 'categories', i, 'name'], `duplicate category "${name}"`);
    categories.add(name);
    list(c.skus).forEach((k, j) => {
      const sku = text(k.sku);
      if (sku === undefined) return;
      if (skuOwner.has(sku)) issue(['market', 'categories', i, 'skus', j, 'sku'], `duplicate SKU "${sku}"`);
      skuOwner.set(sku, name);
    });
  });
  const orgs = new Set<string>();
  const checkOrg = (name: unknown, path: (string | number)[]) => {
    if (typeof name !== 'string') return;
    if (orgs.has(name)) issue(path, `duplicate organisation "${name}"`);
    orgs.add(name);
  };
  const checkCategories = (x: unknown, path: (string | number)[]) =>
    names(x).forEach((c, i) => {
      if (categoryList.length > 0 && !categories.has(c)) issue([...path, i], `unknown category "${c}"${didYouMean(c, categories) || ` (market.categories has ${[...categories].join(', ')})`}`);
    });
  const externals = list(s.external);
  // Simulated and external organisations together: at least one store and one buyer.
  for (const [key, role] of [['stores', 'store'], ['buyers', 'buyer']] as const) {
    if (Array.isArray(s[key]) && (s[key] as unknown[]).length === 0 && !externals.some((e) => e.role === role)) issue([key], `expected at least 1 entry, got 0 (or an external organisation with role ${role})`);
  }
  const stores = [...list(s.stores), ...externals.filter((e) => e.role === 'store')];
  list(s.stores).forEach((st, i) => {
    checkOrg(st.organisation, ['stores', i, 'organisation']);
    checkCategories(st.categories, ['stores', i, 'categories']);
    const sells = names(st.categories);
    // With no category list to go by, or an unknown category in it (each is itself reported), the
    // stock cannot be checked against it: a mistyped category is reported once, not once per SKU.
    const sellsKnown = Array.isArray(st.categories) && sells.length > 0 && sells.length === st.categories.length && sells.every((c) => categories.has(c));
    for (const sku of Object.keys(record(st.stock))) {
      const cat = skuOwner.get(sku);
      if (categoryList.length === 0 || skuOwner.size === 0) continue;
      if (cat !== undefined && !sellsKnown) continue;
      if (cat === undefined) issue(['stores', i, 'stock', sku], `unknown SKU "${sku}"${didYouMean(sku, skuOwner.keys())}`);
      else if (!sells.includes(cat)) issue(['stores', i, 'stock', sku], `SKU "${sku}" is in category "${cat}", which this store does not sell`);
    }
    const margin = num(st.margin);
    const floor = num(st.floor_margin);
    if (margin !== undefined && floor !== undefined && floor > margin) issue(['stores', i, 'floor_margin'], 'floor_margin must not exceed margin');
  });
  externals.forEach((e, i) => {
    checkOrg(e.organisation, ['external', i, 'organisation']);
    checkCategories(e.categories, ['external', i, 'categories']);
  });
  if (externals.length > 0) {
    // With signing on, an external agent signs its envelopes with its organisation's key, which
    // its counterparts find in the organisation's JWK set. With a settlement section, the sagas of
    // an external store's deals are run for it by the simulator (gateway/custodian.ts).
    if ((text(record(s.security).signing) ?? 'es256') !== 'off') {
      externals.forEach((e, i) => {
        if (e.key === undefined && e.jwks === undefined) issue(['external', i, 'key'], 'with signing on, give the organisation\'s public key (a JWK file its agents sign with), or set security.signing: off');
      });
    }
  }
  list(s.buyers).forEach((b, i) => {
    checkOrg(b.organisation, ['buyers', i, 'organisation']);
    checkCategories(b.categories, ['buyers', i, 'categories']);
    const budget = num(b.budget_margin);
    const target = num(b.target_margin);
    if (budget !== undefined && target !== undefined && Number.isFinite(budget) && Number.isFinite(target) && target > budget) issue(['buyers', i, 'target_margin'], 'target_margin must not exceed budget_margin');
    const mandate = record(b.mandate);
    for (const key of ['merchants', 'excluded_merchants'] as const) {
      names(mandate[key]).forEach((m, j) => {
        if (stores.length > 0 && !stores.some((st) => st.organisation === m)) issue(['buyers', i, 'mandate', key, j], `unknown store organisation "${m}"${didYouMean(m, names(stores.map((st) => st.organisation)))}`);
      });
    }
    for (const key of ['categories', 'excluded_categories'] as const) checkCategories(mandate[key], ['buyers', i, 'mandate', key]);
    const wants = names(b.categories);
    // (not when a category here or a store's is unknown: that is reported as the cause)
    const allKnown = [...wants, ...stores.flatMap((st) => names(st.categories))].every((c) => categories.has(c));
    if (stores.length > 0 && wants.length > 0 && allKnown && !stores.some((st) => names(st.categories).some((c) => wants.includes(c)))) {
      issue(['buyers', i, 'categories'], 'no store sells any of these categories');
    }
  });
  const settlementOrg = text(record(s.settlement).organisation) ?? (s.settlement !== undefined ? 'clearing-house' : undefined);
  if (settlementOrg !== undefined) checkOrg(settlementOrg, ['settlement', 'organisation']);
  const faults = record(s.faults);
  list(faults.partitions).forEach((p, i) => {
    names(p.between).forEach((org, j) => {
      if (!orgs.has(org)) issue(['faults', 'partitions', i, 'between', j], `unknown organisation "${org}"${didYouMean(org, orgs)}`);
    });
    const [a, b] = names(p.between);
    if (a !== undefined && a === b) issue(['faults', 'partitions', i, 'between', 1], `a partition is between two organisations, not "${a}" and itself`);
  });
  list(faults.crashes).forEach((c, i) => {
    const org = text(c.organisation);
    if (org === undefined) return;
    const owner = [...stores, ...list(s.buyers)].find((o) => o.organisation === org);
    if (!owner) issue(['faults', 'crashes', i, 'organisation'], `unknown organisation "${org}"${didYouMean(org, names([...stores, ...list(s.buyers)].map((o) => o.organisation))) || ' (only stores and buyers crash)'}`);
    else if (externals.includes(owner)) issue(['faults', 'crashes', i, 'organisation'], `${org} is an external organisation: its agents are processes outside the simulator (stop one to see a crash)`);
    const agent = num(c.agent);
    const size = num(owner?.agents);
    if (agent !== undefined && size !== undefined && agent > size) issue(['faults', 'crashes', i, 'agent'], `${org} has ${size} agents`);
  });
  const settlementFaults = ['payment_failure_probability', 'settlement_slowdown'] as const;
  for (const f of settlementFaults) {
    if (faults[f] !== undefined && s.settlement === undefined) issue(['faults', f], 'needs a settlement section');
  }
  if (faults.back_office_rejection_probability !== undefined && s.settlement === undefined) issue(['faults', 'back_office_rejection_probability'], 'needs a settlement section');
  // A step refused or lost is retried after up to step_timeout + retry_backoff_max: a shorter
  // bound would be broken by a single retry, and the run would stop on an invariant it cannot keep.
  const settlement = record(s.settlement);
  const [stepUs, backoffUs, boundUs] = [num(settlement.step_timeout), num(settlement.retry_backoff_max) ?? 5_000_000, num(settlement.saga_bound)];
  if (stepUs !== undefined && boundUs !== undefined && boundUs <= stepUs + backoffUs) {
    issue(['settlement', 'saga_bound'], `must be longer than step_timeout + retry_backoff_max (${formatDurationUs(stepUs + backoffUs)}): one retry of a refused or lost step already takes that long`);
  }
  // Saga and bond metrics have a value only with settlement; a budget on one would always breach.
  if (s.settlement === undefined) {
    // Budgets arrive parsed when they are valid, as text when something else was not.
    (Array.isArray(s.budgets) ? (s.budgets as unknown[]) : []).forEach((b, i) => {
      const metric = text(record(typeof b === 'string' ? parseBudget(b) : b).metric);
      if (metric !== undefined && /^(sagas|bonds)\./.test(metric)) issue(['budgets', i], `${metric} has a value only with a settlement section (without one the budget would always breach)`);
    });
  }
  // The dearest purchase a buyer could make must stay an exact amount: the largest list price in
  // its categories (reference × price factor × (1 + the highest margin and premium)) × quantity.max
  // × items_per_intent.
  const uplift = 1 + Math.max(0, ...list(s.stores).map((st) => Math.max(0, num(st.margin) ?? 0) + (num(st.volatility_premium) ?? 0)));
  const dearest = new Map<string, number>();
  categoryList.forEach((c) => {
    const name = text(c.name);
    const reference = num(c.reference_price);
    if (name === undefined || reference === undefined) return;
    // (a price factor out of bounds is reported on its own, not again here)
    const factor = Math.max(1, ...list(c.skus).map((k) => num(k.price_factor) ?? 1).filter((f) => f <= 1_000_000));
    dearest.set(name, reference * factor * uplift);
  });
  list(s.buyers).forEach((b, i) => {
    const quantity = num(record(b.quantity).max);
    if (quantity === undefined) return;
    const unit = Math.max(0, ...names(b.categories).map((c) => dearest.get(c) ?? 0));
    const total = unit * quantity * (num(b.items_per_intent) ?? 1);
    if (total > MAX_AMOUNT_MINOR) {
      issue(['buyers', i, 'quantity', 'max'], `a purchase could come to ${Math.round(total / 100).toLocaleString('en-US')}.00 (${quantity} units at up to ${Math.round(unit / 100).toLocaleString('en-US')}.00), past the largest amount the simulator keeps exact (${MAX_AMOUNT_TEXT})`);
    }
  });
  list(s.adversaries).forEach((a, i) => {
    checkOrg(a.organisation ?? adversaryOrganisation(text(a.kind) ?? 'adversary', i), ['adversaries', i, 'organisation']);
    checkCategories(a.categories, ['adversaries', i, 'categories']);
  });
  list(record(s.network).links).forEach((l, i) => {
    for (const end of ['from', 'to'] as const) {
      const org = text(l[end]);
      if (org !== undefined && !orgs.has(org)) issue(['network', 'links', i, end], `unknown organisation "${org}"${didYouMean(org, orgs)}`);
    }
    // An organisation's agents never message each other: such a link would carry nothing.
    if (text(l.from) !== undefined && l.from === l.to) issue(['network', 'links', i, 'to'], `a link from "${String(l.from)}" to itself carries no message (an organisation's agents do not talk to each other)`);
  });
  const regimeNames = new Set<string>();
  list(record(s.market).regimes).forEach((r, i) => {
    const name = text(r.name);
    if (name === undefined) return;
    if (regimeNames.has(name)) issue(['market', 'regimes', i, 'name'], `duplicate regime "${name}" (results are reported by regime)`);
    regimeNames.add(name);
  });
}

/** The organisation of the i-th adversary when the scenario names none. */
export function adversaryOrganisation(kind: string, index: number): string {
  return `hostile-${index + 1}-${kind.replace(/_/g, '-')}`;
}

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
