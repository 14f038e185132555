/**
 * The built-in strategies by name: each with the schema of its options (checked when the
 * scenario is read) and a factory of the same form as a plug-in module's. One stateless
 * negotiator is shared by every negotiation of the same options.
 */
import { z } from 'zod';
import { bayesian, type BayesianSettings, type BuiltinHost } from './bayesian.js';
import type { Negotiator } from './contract.js';
import { micro } from './micro.js';
import { NEGMAS_EXPONENTS, timeBased } from './negmas-time.js';
import { hardliner, randomNegotiator } from './simple.js';
import { faratin } from './time-dependent.js';
import { titForTat } from './tit-for-tat.js';

/** Faratin's tactics: e is given beside kind (their exponent convention: below 1 holds firm). */
export const FARATIN_KINDS = ['boulware', 'linear', 'conceder'] as const;
export const FARATIN_DEFAULT_E = { boulware: 0.2, linear: 1, conceder: 3 } as const;

const Probability = z.number().min(0).max(1);
const Epsilon = z.number().min(0).max(0.5).default(1e-4);

/** Option schemas of the built-ins other than Faratin's, by kind. */
export const BUILTIN_OPTIONS = {
  tb_boulware: z.strictObject({ epsilon: Epsilon }),
  tb_linear: z.strictObject({ epsilon: Epsilon }),
  tb_conceder: z.strictObject({ epsilon: Epsilon }),
  aspiration: z.strictObject({ e: z.number().positive().max(1000).default(1), epsilon: Epsilon }),
  tit_for_tat: z.strictObject({
    mode: z.enum(['relative', 'random_absolute', 'averaged']).default('relative'),
    delta: z.number().int().min(1).max(100).default(1),
    gamma: z.number().int().min(1).max(100).default(2),
    noise: z.number().min(0).max(1).default(0.05),
  }),
  hardliner: z.strictObject({}),
  random: z.strictObject({ p_acceptance: Probability.default(0.15), p_ending: Probability.default(0.1) }),
  micro: z.strictObject({ steps: z.number().int().min(1).max(1_000_000).default(20) }),
} as const;

export type BuiltinKind = (typeof FARATIN_KINDS)[number] | keyof typeof BUILTIN_OPTIONS;
export const BUILTIN_KINDS: readonly BuiltinKind[] = [...FARATIN_KINDS, ...(Object.keys(BUILTIN_OPTIONS) as (keyof typeof BUILTIN_OPTIONS)[])];

/** What the engine needs of a built-in strategy's plan. */
export interface BuiltinSpec {
  readonly kind: string;
  readonly e?: number | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  readonly opponentModel?: BayesianSettings | undefined;
}

/**
 * A factory for the built-in `spec`: called per negotiation, it returns the shared negotiator
 * when the strategy keeps no state of its own.
 */
export function builtinFactory(spec: BuiltinSpec): (host: BuiltinHost) => Negotiator {
  const o = spec.options as never;
  switch (spec.kind) {
    case 'boulware':
    case 'linear':
    case 'conceder': {
      const e = spec.e ?? FARATIN_DEFAULT_E[spec.kind];
      const model = spec.opponentModel;
      if (model !== undefined) return (host) => bayesian(e, model, host);
      const shared = faratin(e);
      return () => shared;
    }
    case 'tb_boulware':
    case 'tb_linear':
    case 'tb_conceder':
      return shared(timeBased({ e: NEGMAS_EXPONENTS[spec.kind], epsilon: (o as { epsilon: number }).epsilon }));
    case 'aspiration':
      return shared(timeBased(o));
    case 'tit_for_tat':
      return shared(titForTat(o));
    case 'hardliner':
      return shared(hardliner);
    case 'random':
      return shared(randomNegotiator(o));
    case 'micro':
      return shared(micro(o));
    default:
      throw new Error(`unknown built-in strategy ${spec.kind}`);
  }
}

function shared(negotiator: Negotiator): () => Negotiator {
  return () => negotiator;
}
