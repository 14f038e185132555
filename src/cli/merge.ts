/**
 * `a2a-sim merge <partials…>`: joins the partial results that `swarm`, `compare` or `tournament`
 * wrote with `--shard I/N` into the report one machine would have written, then applies budgets,
 * regression thresholds and rankings and writes every output, as the unsplit command does.
 * Missing, duplicated or foreign shards are named, exit 2.
 */
import { readFileSync } from 'node:fs';
import { checkPartial, joinPartials, type Partial } from '../study/partials.js';
import { tournamentResults } from '../study/tournament-scores.js';
import type { RunRecord } from '../study/tournament.js';
import type { CiOutputOptions } from './ci-output.js';
import { checkCiFolders, checkCiPaths } from './ci-output.js';
import { compareFromParts, type CompareContext, type CompareItem } from './compare.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { createDirectory } from './output-dir.js';
import { writable } from './run.js';
import { finishSwarm, type SwarmContext } from './swarm.js';
import type { SeedOutcome } from '../run/swarm-worker.js';
import { finishTournament, type TournamentContext } from './tournament.js';

export interface MergeCommandOptions extends CiOutputOptions {
  out?: string;
  json?: boolean;
  /** false: no report.html */
  html?: boolean;
}

function readPartial(file: string): Partial {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${file}: ${e.code === 'ENOENT' ? 'no such file' : `not a partial result (${e.message})`}`);
  }
  const wrong = checkPartial(data);
  if (wrong !== undefined) throw new UsageError(`${file}: ${wrong}`);
  return data as Partial;
}

export function mergeCommand(files: readonly string[], opts: MergeCommandOptions): number {
  if (opts.out !== undefined && opts.out.trim() === '') throw new UsageError('--out: expected a path, got an empty one');
  checkCiPaths(opts);
  const partials = files.map((file) => ({ file, partial: readPartial(file) }));
  const joined = joinPartials(partials);
  if ('problems' in joined) throw new UsageError(`cannot merge ${files.length} partial${files.length === 1 ? '' : 's'}:\n${joined.problems.map((p) => `  ${p}`).join('\n')}`);
  if (opts.out !== undefined) writable('--out', opts.out, createDirectory);
  checkCiFolders(opts);
  const elapsed = partials.reduce((n, p) => n + p.partial.wallclock.elapsed_ms, 0);
  const workers = Math.max(...partials.map((p) => p.partial.wallclock.workers));
  switch (joined.first.command) {
    case 'swarm':
      return finishSwarm(joined.context as SwarmContext, joined.values as SeedOutcome[], { elapsed_ms: elapsed, workers }, opts);
    case 'compare':
      return compareFromParts(joined.context as CompareContext, joined.values as CompareItem[], { elapsed_ms: elapsed, workers }, opts);
    case 'tournament': {
      const c = joined.context as TournamentContext;
      const records = joined.values as RunRecord[];
      return finishTournament(tournamentResults(c.plan, c.file, c.scenario_names, records), { elapsed_ms: elapsed, workers, runs_run: records.length, runs_resumed: 0, node: process.versions.node }, opts);
    }
    default:
      return ExitCode.badInput;
  }
}
