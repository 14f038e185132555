/**
 * The market section of the scenario file: categories and their SKUs, price processes, shocks,
 * bands, halts and regimes.
 */
import { z } from 'zod';
import type { ProcessSpec } from '../market/processes.js';
import { Duration, Money, Name, PositiveDuration, Rate } from './fields.js';

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

export const Market = z.strictObject({
  tick: PositiveDuration.default(1_000_000),
  volatility_window: PositiveDuration.default(30_000_000),
  categories: z.array(Category).min(1),
  regimes: z.array(Regime).min(1),
  halts: Halts.optional(),
});
