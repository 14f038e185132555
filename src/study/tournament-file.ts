/**
 * A tournament file (YAML or JSON): competitors (strategies, built-in or plug-in, with options),
 * scenarios (files, each with the roles a competitor may take), seeds, repetitions, whether
 * competitors meet themselves, the score to rank by, a limit on a run's time and thresholds.
 * Parsing is pure; reading the scenario files and loading plug-ins is the caller's (cli/).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ScenarioProblem } from '../scenario/load.js';
import { formatPath } from '../scenario/load.js';
import { CompetitorStrategy, type StrategyPlan } from '../scenario/schema.js';
import { parseDurationUs } from '../scenario/units.js';
import { SCORE_NAMES, type ScoreName } from '../metrics/scores.js';
import { parseTournamentThreshold, type TournamentThreshold } from './tournament-thresholds.js';

export const RANKING_SCORES = ['agreement_rate', ...SCORE_NAMES] as const;
export type RankingScore = (typeof RANKING_SCORES)[number] | ScoreName;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const Name = z.string().regex(NAME, 'expected a name of letters, digits, ".", "_" or "-"');

const Competitor = z.strictObject({ name: Name, strategy: CompetitorStrategy });

const Scenario = z.strictObject({
  file: z.string().min(1).max(4096),
  /** the sides a competitor plays; a side no competitor plays keeps the scenario's strategies */
  roles: z
    .array(z.enum(['buyer', 'store'], { error: 'expected buyer or store' }))
    .min(1)
    .max(2)
    .refine((r) => new Set(r).size === r.length, { message: 'a role is listed twice' })
    .default(['buyer', 'store']),
});

const Threshold = z.string().transform((text, ctx) => {
  const parsed = parseTournamentThreshold(text);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed;
});

const RunTime = z.string().transform((text, ctx) => {
  const us = parseDurationUs(text);
  if (us === null || us <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration greater than zero, e.g. "60s"' });
    return z.NEVER;
  }
  return Math.ceil(us / 1000);
});

const TournamentSchema = z
  .strictObject({
    name: Name,
    description: z.string().optional(),
    competitors: z.array(Competitor).min(2, 'a tournament needs at least two competitors').max(200),
    scenarios: z.array(Scenario).min(1).max(100),
    seeds: z.number().int().min(1).max(100_000).default(10),
    first_seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    /** runs of each (scenario, pairing, seed); repetition k > 1 runs the seed word "<seed>-r<k>" */
    repetitions: z.number().int().min(1).max(1000).default(1),
    /** whether a competitor also meets itself (as buyer against itself as store) */
    self_play: z.boolean().default(false),
    /** the score the ranking orders by (mean over runs, higher is better) */
    score: z.enum(RANKING_SCORES as unknown as [string, ...string[]]).default('advantage'),
    confidence: z.number().min(0.5).lt(1).default(0.95),
    /** a run longer than this (wall clock) is cut off and counted: a stuck strategy is not waited for */
    limits: z.strictObject({ run_time: RunTime.prefault('60s') }).prefault({}),
    thresholds: z.array(Threshold).default([]),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.competitors.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['competitors', i, 'name'], message: `duplicate competitor "${c.name}"` });
      seen.add(c.name);
    });
    t.thresholds.forEach((th, i) => {
      if (!seen.has(th.competitor)) ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `no competitor named "${th.competitor}" (competitors: ${[...seen].join(', ')})` });
    });
  });

export interface TournamentCompetitor {
  readonly name: string;
  /** its strategy, a module's path made absolute */
  readonly strategy: StrategyPlan;
  /** a module's path as written in the tournament file */
  readonly module_file?: string;
}

export interface TournamentScenarioRef {
  /** as written in the tournament file */
  readonly file: string;
  /** absolute */
  readonly path: string;
  readonly roles: readonly ('buyer' | 'store')[];
}

/** A tournament as plain data (crosses to worker threads and into partial files). */
export interface TournamentPlan {
  readonly name: string;
  readonly competitors: readonly TournamentCompetitor[];
  readonly scenarios: readonly TournamentScenarioRef[];
  readonly seeds: number;
  readonly first_seed: number;
  readonly repetitions: number;
  readonly self_play: boolean;
  readonly score: RankingScore;
  readonly confidence: number;
  readonly run_time_ms: number;
  readonly thresholds: readonly TournamentThreshold[];
}

export type TournamentParseResult = { ok: true; plan: TournamentPlan } | { ok: false; problems: ScenarioProblem[] };

/** Parses tournament text; paths (scenario files, competitor modules) are resolved against `file`'s folder. */
export function parseTournamentText(text: string, file: string): TournamentParseResult {
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}` }] };
  }
  const parsed = TournamentSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  const t = parsed.data;
  const base = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ok: true,
    plan: {
      name: t.name,
      competitors: t.competitors.map((c) => ({ name: c.name, strategy: { ...c.strategy, name: c.name, ...(c.strategy.module !== undefined ? { module: abs(c.strategy.module) } : {}) }, ...(c.strategy.module !== undefined ? { module_file: c.strategy.module } : {}) })),
      scenarios: t.scenarios.map((s) => ({ file: s.file, path: abs(s.file), roles: s.roles })),
      seeds: t.seeds,
      first_seed: t.first_seed,
      repetitions: t.repetitions,
      self_play: t.self_play,
      score: t.score as RankingScore,
      confidence: t.confidence,
      run_time_ms: t.limits.run_time,
      thresholds: t.thresholds,
    },
  };
}
