/**
 * What a tournament's page embeds of tournament.json: all of it but the runs, and of each run
 * only what the page reads (its place, its status, each side's ranking score), so the page grows
 * by a third of a run's record per run. Pure and shared by the writer and the page (types).
 */
import type { Figure } from '../../study/tournament-scores.js';
import type { RunRecord, RunSide } from '../../study/tournament.js';
import type { TournamentReport } from '../tournament-report.js';

/** What a tournament's page reads of a run: where it sits, how it ended, and each side's ranking score. */
export interface PageRun extends Pick<RunRecord, 'index' | 'key' | 'scenario_index' | 'buyer' | 'store' | 'status'> {
  readonly sides: readonly (Pick<RunSide, 'competitor' | 'role' | 'opponent'> & Partial<Pick<RunSide, Figure>>)[];
}

/** tournament.json as its page embeds it: everything but the runs, and of those what the page reads. */
export interface TournamentPageReport extends Omit<TournamentReport, 'runs'> {
  readonly runs: readonly PageRun[];
}

/** The page document of a tournament report: each run cut to its place, its status and each side's ranking score (a third of its size). */
export function tournamentPageReport(t: TournamentReport): TournamentPageReport {
  const score = t.score as Figure;
  return {
    ...t,
    runs: t.runs.map((r) => ({
      index: r.index,
      key: r.key,
      scenario_index: r.scenario_index,
      buyer: r.buyer,
      store: r.store,
      status: r.status,
      sides: r.sides.map((s) => ({ competitor: s.competitor, role: s.role, opponent: s.opponent, [score]: s[score] })),
    })),
  };
}
