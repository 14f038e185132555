/**
 * The field types of the scenario file: durations in integer µs, rates per µs, money in integer
 * minor units, names, counts, distributions of durations and ranges a seed draws from.
 */
import { z } from 'zod';
import type { Distribution } from '../engine/distribution.js';
import { parseDurationUs, parseMoneyMinor, parseRatePerUs } from './units.js';

const DURATION_HINT = 'expected a duration with a unit, like "250ms", "2s" or "5m"';

/** A duration string → integer µs (>= 0). */
export const Duration = z.string({ error: DURATION_HINT }).transform((text, ctx) => {
  const us = parseDurationUs(text);
  if (us === null) {
    // A well-formed duration can still be too long to count in µs exactly.
    const tooLong = /^\s*\d+(?:\.\d+)?\s*(us|µs|ms|s|m|h|d)\s*$/.test(text);
    ctx.issues.push({ code: 'custom', message: tooLong ? `expected a duration of at most 100000d, got "${text}"` : `${DURATION_HINT}, got "${text}"`, input: text });
    return z.NEVER;
  }
  return us;
});
export const PositiveDuration = Duration.refine((us) => us > 0, { message: 'expected a duration greater than zero' });

const RATE_HINT = 'expected a rate with its unit, like "6/m" or "0.5/s" (per ms, s, m, h or d)';
export const Rate = z.union([z.string(), z.number()], { error: RATE_HINT }).transform((value, ctx) => {
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
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;
export const MAX_AMOUNT_TEXT = '10,000,000,000.00';
export const Money = z.union([z.number(), z.string()], { error: MONEY_HINT }).transform((value, ctx) => {
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

export const Probability = z.number().min(0).max(1);
export const Fraction = z.number().min(-1).max(10);
export const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');
export const Count = z.number().int().positive();

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
export const DistributionSpec = z.unknown().transform((value, ctx): Distribution => {
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

/** A number, or a range [min, max] from which each seed draws its own value. */
export function rangeOf<T extends z.ZodType<number>>(value: T) {
  return z
    .union([value, z.tuple([value, value])], { error: 'expected a value or a range [min, max]' })
    .transform((v) => (Array.isArray(v) ? { min: v[0] as number, max: v[1] as number } : { min: v as number, max: v as number }))
    .refine((r) => r.max >= r.min, { message: 'a range must be [min, max] with max >= min' });
}
export const ProbabilityRange = rangeOf(Probability);
export const DurationRange = rangeOf(Duration);
export const PositiveDurationRange = rangeOf(PositiveDuration);
export type Range = { readonly min: number; readonly max: number };
