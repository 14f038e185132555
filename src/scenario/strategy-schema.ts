/**
 * A strategy in the scenario file: a built-in (kind) or a plug-in (module), checked and turned
 * into a StrategyPlan; a buyer's may carry an opponent model.
 */
import { z } from 'zod';
import type { BayesianSettings } from '../agents/strategies/bayesian.js';
import { BUILTIN_KINDS, BUILTIN_OPTIONS, FARATIN_DEFAULT_E, FARATIN_KINDS } from '../agents/strategies/builtins.js';
import type { StrategyPlan } from '../agents/strategies/registry.js';
import { Count, Name, PositiveDuration } from './fields.js';
import { didYouMean } from './suggest.js';

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
export const Strategy = z
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
export const BuyerStrategy = z
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
