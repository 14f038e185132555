/**
 * What a tournament means: per competitor, each figure's mean over the runs it played (a run's
 * figure is the mean over its negotiations there) with a confidence interval, a ranking by the
 * tournament's score, a matrix of that score per pair, and its thresholds. A pure function of the
 * run records in grid order, so it is the same inline, on any number of threads, or merged from
 * shards; wall-clock figures live apart.
 */
import { probit } from 'simple-statistics';
import { SCORE_NAMES } from '../metrics/scores.js';
import type { RunRecord, RunSide } from './tournament.js';
import type { RankingScore, TournamentPlan } from './tournament-file.js';
import { thresholdHolds, type TournamentThreshold } from './tournament-thresholds.js';

export const TOURNAMENT_FORMAT = 'a2a-market-sim/tournament@1';

/** The figures a tournament averages, in report order. */
export const FIGURES = ['agreement_rate', ...SCORE_NAMES] as const;
export type Figure = (typeof FIGURES)[number];

/** A figure's mean over runs, and its confidence interval (normal approximation: mean ± z·s/√n). */
export interface FigureStats {
  readonly runs: number;
  readonly mean: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface CompetitorStanding {
  readonly rank: number;
  readonly competitor: string;
  /** runs it played that finished */
  readonly runs: number;
  readonly negotiations: number;
  readonly agreements: number;
  readonly strategy_errors: number;
  /** runs it played that were cut off by the time limit */
  readonly runs_cut_off: number;
  /** runs it played that broke an invariant or failed */
  readonly runs_failed: number;
  readonly figures: Readonly<Record<Figure, FigureStats>>;
}

export interface ThresholdResult {
  readonly expression: string;
  readonly competitor: string;
  readonly figure: string;
  readonly actual: number | null;
  readonly passed: boolean;
}

/** The deterministic part of a tournament report (everything but wall-clock figures). */
export interface TournamentResults {
  readonly format: typeof TOURNAMENT_FORMAT;
  readonly name: string;
  readonly file: string;
  readonly score: RankingScore;
  readonly confidence: number;
  readonly seeds: { readonly first: number; readonly count: number };
  readonly repetitions: number;
  readonly self_play: boolean;
  readonly run_time_limit_ms: number;
  readonly competitors: readonly { readonly name: string; readonly strategy: string }[];
  readonly scenarios: readonly { readonly name: string; readonly file: string; readonly roles: readonly string[] }[];
  readonly run_count: number;
  readonly ranking: readonly CompetitorStanding[];
  /** the ranking score's mean for each competitor (row) against each opponent (column), over both roles */
  readonly matrix: { readonly score: RankingScore; readonly opponents: readonly string[]; readonly rows: readonly { readonly competitor: string; readonly against: Readonly<Record<string, number | null>> }[] };
  readonly thresholds: readonly ThresholdResult[];
  /** runs that did not finish: cut off, violated an invariant, or failed */
  readonly problems: readonly { readonly key: string; readonly status: string; readonly message: string }[];
  /** no run broke an invariant or failed, and every threshold held */
  readonly passed: boolean;
  readonly runs: readonly RunRecord[];
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Mean and interval of `values` at `confidence`. */
export function figureStats(values: readonly number[], confidence: number): FigureStats {
  const n = values.length;
  if (n === 0) return { runs: 0, mean: null, low: null, high: null };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const half = probit(1 - (1 - confidence) / 2) * (sd / Math.sqrt(n));
  return { runs: n, mean: round6(mean), low: round6(mean - half), high: round6(mean + half) };
}

const figureOf = (s: RunSide, f: Figure): number | null => s[f];

/** Builds the results of a tournament from its plan and the records of every run, in grid order. */
export function tournamentResults(t: TournamentPlan, file: string, scenarioNames: readonly string[], records: readonly RunRecord[]): TournamentResults {
  const names = t.competitors.map((c) => c.name);
  const standings = names.map((name) => {
    const sides = records.flatMap((r) => r.sides.filter((s) => s.competitor === name));
    const played = records.filter((r) => r.buyer === name || r.store === name);
    const figures = {} as Record<Figure, FigureStats>;
    for (const f of FIGURES) figures[f] = figureStats(sides.map((s) => figureOf(s, f)).filter((x): x is number => x !== null), t.confidence);
    return {
      competitor: name,
      runs: played.filter((r) => r.status === 'ok').length,
      negotiations: sides.reduce((n, s) => n + s.negotiations, 0),
      agreements: sides.reduce((n, s) => n + s.agreements, 0),
      strategy_errors: sides.reduce((n, s) => n + s.strategy_errors, 0),
      runs_cut_off: played.filter((r) => r.status === 'timeout').length,
      runs_failed: played.filter((r) => r.status === 'violation' || r.status === 'error').length,
      figures,
    };
  });
  const key = (s: (typeof standings)[number]) => s.figures[t.score as Figure].mean;
  const ordered = [...standings].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? (a.competitor < b.competitor ? -1 : 1) : x === null ? 1 : -1;
    return y - x || (a.competitor < b.competitor ? -1 : 1);
  });
  const ranking: CompetitorStanding[] = ordered.map((s, i) => ({ rank: i + 1, ...s }));
  const opponents = [...new Set(records.flatMap((r) => r.sides.map((s) => s.opponent)))].sort((a, b) => {
    const i = names.indexOf(a);
    const j = names.indexOf(b);
    return (i < 0 ? names.length : i) - (j < 0 ? names.length : j) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const rows = names.map((name) => {
    const against: Record<string, number | null> = {};
    for (const o of opponents) {
      const values = records.flatMap((r) => r.sides.filter((s) => s.competitor === name && s.opponent === o)).map((s) => figureOf(s, t.score as Figure)).filter((x): x is number => x !== null);
      against[o] = values.length > 0 ? round6(values.reduce((a, b) => a + b, 0) / values.length) : null;
    }
    return { competitor: name, against };
  });
  const thresholds = t.thresholds.map((th) => thresholdResult(th, ranking));
  const problems = records.filter((r) => r.status !== 'ok').map((r) => ({ key: r.key, status: r.status, message: r.problem ?? '' }));
  return {
    format: TOURNAMENT_FORMAT,
    name: t.name,
    file,
    score: t.score,
    confidence: t.confidence,
    seeds: { first: t.first_seed, count: t.seeds },
    repetitions: t.repetitions,
    self_play: t.self_play,
    run_time_limit_ms: t.run_time_ms,
    competitors: t.competitors.map((c) => ({ name: c.name, strategy: c.strategy.kind === 'module' ? `module ${c.module_file ?? c.strategy.module}` : c.strategy.kind })),
    scenarios: t.scenarios.map((s, i) => ({ name: scenarioNames[i] ?? '', file: s.file, roles: s.roles })),
    run_count: records.length,
    ranking,
    matrix: { score: t.score, opponents, rows },
    thresholds,
    problems,
    passed: thresholds.every((x) => x.passed) && !records.some((r) => r.status === 'violation' || r.status === 'error'),
    runs: records,
  };
}

function thresholdResult(th: TournamentThreshold, ranking: readonly CompetitorStanding[]): ThresholdResult {
  const s = ranking.find((r) => r.competitor === th.competitor);
  const actual = s === undefined ? null : th.figure === 'rank' ? s.rank : (s.figures[th.figure as Figure]?.mean ?? null);
  return { expression: th.expression, competitor: th.competitor, figure: th.figure, actual, passed: thresholdHolds(th, actual) };
}
