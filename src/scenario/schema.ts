/**
 * The scenario file format. Parsing a scenario yields a SimulationPlan: plain data with
 * durations in integer µs, rates per µs and money in integer minor units.
 */
import { z } from 'zod';
import type { Distribution } from '../engine/distribution.js';
import { parseBudget, type Budget } from './budgets.js';
import { parseDurationUs, parseMoneyMinor, parseRatePerUs } from './units.js';

const DURATION_HINT = 'expected a duration with a unit, like "250ms", "2s" or "5m"';

/** A duration string → integer µs (>= 0). */
const Duration = z.string({ error: DURATION_HINT }).transform((text, ctx) => {
  const us = parseDurationUs(text);
  if (us === null) {
    ctx.issues.push({ code: 'custom', message: `${DURATION_HINT}, got "${text}"`, input: text });
    return z.NEVER;
  }
  return us;
});
const PositiveDuration = Duration.refine((us) => us > 0, { message: 'expected a duration greater than zero' });

const RATE_HINT = 'expected a rate like "6/m" or "0.5/s"';
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
const Money = z.union([z.number(), z.string()], { error: MONEY_HINT }).transform((value, ctx) => {
  const minor = parseMoneyMinor(value);
  if (minor === null || minor < 0) {
    ctx.issues.push({ code: 'custom', message: `${MONEY_HINT} (not negative), got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return minor;
});

const Probability = z.number().min(0).max(1);
const Fraction = z.number().min(-1).max(10);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');
const Count = z.number().int().positive();

/** A distribution of durations: a plain duration means constant. */
const DistributionSpec = z
  .union([
    Duration,
    z.strictObject({ distribution: z.literal('constant'), value: Duration }),
    z.strictObject({ distribution: z.literal('uniform'), min: Duration, max: Duration }),
    z.strictObject({ distribution: z.literal('exponential'), mean: PositiveDuration, min: Duration.optional() }),
    z.strictObject({ distribution: z.literal('lognormal'), median: PositiveDuration, p99: PositiveDuration, min: Duration.optional() }),
  ])
  .superRefine((d, ctx) => {
    if (typeof d === 'object' && d.distribution === 'uniform' && d.max < d.min) {
      ctx.addIssue({ code: 'custom', message: 'max must not be below min', path: ['max'] });
    }
    if (typeof d === 'object' && d.distribution === 'lognormal' && d.p99 <= d.median) {
      ctx.addIssue({ code: 'custom', message: 'p99 must be greater than the median', path: ['p99'] });
    }
  })
  .transform((d): Distribution => {
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
  });

const STRATEGY_DEFAULT_E = { boulware: 0.2, linear: 1, conceder: 3 } as const;

/** Time-dependent concession: offer = f((t / deadline) ^ (1 / e)). */
const Strategy = z
  .strictObject({
    kind: z.enum(['boulware', 'linear', 'conceder']),
    e: z.number().positive().optional(),
    max_rounds: Count.max(1000),
    deadline: PositiveDuration.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.e === undefined) return;
    const ok = s.kind === 'boulware' ? s.e < 1 : s.kind === 'conceder' ? s.e > 1 : s.e === 1;
    if (!ok) {
      const want = s.kind === 'boulware' ? 'below 1' : s.kind === 'conceder' ? 'above 1' : 'exactly 1';
      ctx.addIssue({ code: 'custom', path: ['e'], message: `a ${s.kind} strategy needs e ${want}, got ${s.e}` });
    }
  })
  .transform((s) => ({ kind: s.kind, e: s.e ?? STRATEGY_DEFAULT_E[s.kind], maxRounds: s.max_rounds, deadlineUs: s.deadline }));

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
  price_factor: z.number().positive().default(1),
});

const Category = z.strictObject({
  name: Name,
  reference_price: Money.refine((m) => m > 0, { message: 'expected a price greater than zero' }),
  skus: z.array(Sku).min(1),
});

const Market = z.strictObject({
  tick: PositiveDuration.default(1_000_000),
  volatility_window: PositiveDuration.default(30_000_000),
  categories: z.array(Category).min(1),
  regimes: z.array(Regime).min(1),
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
  volatility_premium: z.number().min(0).default(0),
  shipping: Money.default(0),
  tax_rate: z.number().min(0).max(1).default(0),
  quote_validity: PositiveDuration,
  delivery_days: z.number().int().min(0).max(365).default(3),
  stock: z.record(z.string(), z.number().int().min(0)),
  strategy: Strategy,
  capacity: Capacity,
});

const Breaker = z.strictObject({
  window: PositiveDuration,
  buckets: z.number().int().min(1).max(1000).default(10),
  failure_threshold: z.number().gt(0).max(1),
  min_volume: Count,
  cooldown: PositiveDuration,
  half_open_trials: Count.max(1000),
});

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
  delivery_within_days: z.number().int().min(0).max(365).default(7),
  quote_timeout: PositiveDuration,
  confirmation_timeout: PositiveDuration,
  accept_retries: z.number().int().min(0).max(10).default(2),
  strategy: Strategy,
  mandate: z.strictObject({ max_per_purchase: Money }),
  breaker: Breaker.optional(),
});

const BudgetExpression = z.string().transform((text, ctx): Budget => {
  const parsed = parseBudget(text);
  if ('error' in parsed) {
    ctx.issues.push({ code: 'custom', message: parsed.error, input: text });
    return z.NEVER;
  }
  return parsed;
});

const ScenarioShape = z.strictObject({
    name: Name,
    description: z.string().optional(),
    seed: z.union([z.number().int().nonnegative(), z.string().min(1)]).default(1),
    start_time: z.iso.datetime({ offset: true }).default('2025-01-15T10:30:00Z'),
    duration: PositiveDuration,
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code').default('USD'),
    market: Market,
    network: Network,
    stores: z.array(Store).min(1),
    buyers: z.array(Buyer).min(1),
    budgets: z.array(BudgetExpression).default([]),
    report: z.strictObject({ top_pairs: z.number().int().min(0).max(1000).default(10) }).default({ top_pairs: 10 }),
});

/** The whole scenario: shape plus cross-references. */
export const ScenarioSchema = ScenarioShape.superRefine(checkReferences);

/** Cross-references the schema alone cannot express; every problem gets its own path. */
function checkReferences(s: z.output<typeof ScenarioShape>, ctx: z.RefinementCtx): void {
  const categories = new Map(s.market.categories.map((c) => [c.name, c]));
  const seenCategory = new Set<string>();
  const skuOwner = new Map<string, string>();
  s.market.categories.forEach((c, i) => {
    if (seenCategory.has(c.name)) ctx.addIssue({ code: 'custom', path: ['market', 'categories', i, 'name'], message: `duplicate category "${c.name}"` });
    seenCategory.add(c.name);
    c.skus.forEach((k, j) => {
      if (skuOwner.has(k.sku)) ctx.addIssue({ code: 'custom', path: ['market', 'categories', i, 'skus', j, 'sku'], message: `duplicate SKU "${k.sku}"` });
      skuOwner.set(k.sku, c.name);
    });
  });
  const orgs = new Set<string>();
  const checkOrg = (name: string, path: (string | number)[]) => {
    if (orgs.has(name)) ctx.addIssue({ code: 'custom', path, message: `duplicate organisation "${name}"` });
    orgs.add(name);
  };
  const checkCategories = (list: string[], path: (string | number)[]) =>
    list.forEach((c, i) => {
      if (!categories.has(c)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `unknown category "${c}" (market.categories has ${[...categories.keys()].join(', ')})` });
    });
  s.stores.forEach((st, i) => {
    checkOrg(st.organisation, ['stores', i, 'organisation']);
    checkCategories(st.categories, ['stores', i, 'categories']);
    for (const sku of Object.keys(st.stock)) {
      const cat = skuOwner.get(sku);
      if (cat === undefined) ctx.addIssue({ code: 'custom', path: ['stores', i, 'stock', sku], message: `unknown SKU "${sku}"` });
      else if (!st.categories.includes(cat)) ctx.addIssue({ code: 'custom', path: ['stores', i, 'stock', sku], message: `SKU "${sku}" is in category "${cat}", which this store does not sell` });
    }
    if (st.floor_margin > st.margin) ctx.addIssue({ code: 'custom', path: ['stores', i, 'floor_margin'], message: 'floor_margin must not exceed margin' });
  });
  s.buyers.forEach((b, i) => {
    checkOrg(b.organisation, ['buyers', i, 'organisation']);
    checkCategories(b.categories, ['buyers', i, 'categories']);
    if (b.target_margin > b.budget_margin) ctx.addIssue({ code: 'custom', path: ['buyers', i, 'target_margin'], message: 'target_margin must not exceed budget_margin' });
    const sellers = s.stores.filter((st) => st.categories.some((c) => b.categories.includes(c)));
    if (sellers.length === 0) ctx.addIssue({ code: 'custom', path: ['buyers', i, 'categories'], message: 'no store sells any of these categories' });
  });
  s.network.links.forEach((l, i) => {
    if (!orgs.has(l.from)) ctx.addIssue({ code: 'custom', path: ['network', 'links', i, 'from'], message: `unknown organisation "${l.from}"` });
    if (!orgs.has(l.to)) ctx.addIssue({ code: 'custom', path: ['network', 'links', i, 'to'], message: `unknown organisation "${l.to}"` });
  });
}


/** A validated scenario: the plain-data input of a run. */
export type SimulationPlan = z.output<typeof ScenarioSchema>;
export type StorePlan = SimulationPlan['stores'][number];
export type BuyerPlan = SimulationPlan['buyers'][number];
export type StrategyPlan = StorePlan['strategy'];
export type BreakerPlan = NonNullable<BuyerPlan['breaker']>;
export type MarketPlan = SimulationPlan['market'];
export type LinkPlan = z.output<typeof LinkModel>;
