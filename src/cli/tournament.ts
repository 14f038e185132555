/**
 * `a2a-sim tournament <tournament.yaml>`: every competitor against every other in each scenario
 * and seed; a ranking, a per-pair matrix, every run as CSV and JSON, CI outputs. Each run is
 * written to DIR/runs.ndjson as it finishes; running the same command again skips those runs.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems, type ScenarioProblem } from '../scenario/load.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { loadStrategyModules } from '../run/strategy-modules.js';
import { writeReportHtml } from '../report/html/write.js';
import { junitXml } from '../report/junit.js';
import { toolInfo } from '../report/tool.js';
import { markdownTournament, renderTournament, tournamentCsv, tournamentSuite, type TournamentReport } from '../report/tournament-report.js';
import { parseTournamentText, type TournamentPlan } from '../study/tournament-file.js';
import { gridDigest, runTournament, tournamentGrid, type LoadedScenario, type RunRecord } from '../study/tournament.js';
import { tournamentResults, type TournamentResults } from '../study/tournament-scores.js';
import { parseShard, shardPositions, type ShardSpec } from '../study/partition.js';
import { writePartial } from './partial-file.js';
import { checkCiFolders, checkCiPaths, writeCiOutputs, type CiOutputOptions } from './ci-output.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { fileKind } from './file-kind.js';
import { createDirectory } from './output-dir.js';
import { resolveWorkers, writable } from './run.js';
import { loadScenarioWithStrategies } from './scenario-file.js';
import { terminalWidth } from './terminal.js';

export interface TournamentCommandOptions extends CiOutputOptions {
  workers?: string;
  out?: string;
  json?: boolean;
  progress?: boolean;
  shard?: string;
  /** false: no report.html */
  html?: boolean;
}

export const RUNS_FORMAT = 'a2a-market-sim/tournament-runs@1';

/** What a tournament partial carries beside its runs: enough to build the whole report. */
export interface TournamentContext {
  readonly plan: TournamentPlan;
  readonly file: string;
  readonly scenario_names: readonly string[];
}

export interface TournamentWallclock {
  readonly started_at: string;
  readonly elapsed_ms: number;
  readonly workers: number;
  /** runs done by this command, and runs found done in the runs file (skipped) */
  readonly runs_run: number;
  readonly runs_resumed: number;
  readonly node: string;
}

/** Reads a tournament file and everything it names; every problem is a UsageError listing them all. */
export async function loadTournament(file: string): Promise<{ plan: TournamentPlan; scenarios: LoadedScenario[] }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(err as Error).message})`);
  }
  const parsed = parseTournamentText(text, file);
  if (!parsed.ok && fileKind(text) === 'scenario') throw new UsageError(`${file}: is a scenario file, not a tournament: run it with a2a-sim run ${file}, or name it under scenarios: in a tournament file`);
  if (!parsed.ok) throw new UsageError(`${file}: invalid tournament, ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}:\n${formatProblems(file, parsed.problems)}`);
  const plan = parsed.plan;
  const scenarios: LoadedScenario[] = [];
  const problems: ScenarioProblem[] = [];
  for (const [i, s] of plan.scenarios.entries()) {
    try {
      scenarios.push({ plan: await loadScenarioWithStrategies(s.path), file: s.file, roles: s.roles });
    } catch (err) {
      problems.push({ path: `scenarios[${i}].file`, message: (err as Error).message.replaceAll('\n', '\n    ') });
    }
  }
  // Each competitor's plug-in loads here as it will in every thread, and is held to the contract.
  for (const [i, c] of plan.competitors.entries()) {
    if (c.strategy.module === undefined) continue;
    const probe = { stores: [], buyers: [{ strategy: c.strategy, categories: ['probe'] }] } as unknown as SimulationPlan;
    for (const p of await loadStrategyModules(probe)) problems.push({ path: `competitors[${i}].strategy.module`, message: p.message });
  }
  if (problems.length > 0) throw new UsageError(`${file}: invalid tournament, ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${formatProblems(file, problems)}`);
  return { plan, scenarios };
}

/** The runs already in a runs file of the same grid, by key; a file of another grid is refused. */
function readRunsFile(path: string, digest: string): Map<string, RunRecord> {
  const done = new Map<string, RunRecord>();
  if (!existsSync(path)) return done;
  const lines = readFileSync(path, 'utf8').split('\n');
  let header: { format?: string; grid?: string } = {};
  try {
    header = JSON.parse(lines[0] ?? '') as typeof header;
  } catch {
    header = {};
  }
  if (header.format !== RUNS_FORMAT) throw new UsageError(`${path}: not a tournament's runs file (expected "format": "${RUNS_FORMAT}" on its first line); remove it or choose another --out`);
  if (header.grid !== digest) throw new UsageError(`${path}: the runs of another tournament (its competitors, scenarios or seeds differ); remove it or choose another --out`);
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as RunRecord;
      if (typeof r.key === 'string') done.set(r.key, r);
    } catch {
      // A line cut short when the tournament was stopped: that run is run again.
    }
  }
  return done;
}

export async function tournamentCommand(file: string, opts: TournamentCommandOptions): Promise<number> {
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (shard !== undefined && 'error' in shard) throw new UsageError(shard.error);
  const { plan, scenarios } = await loadTournament(file);
  const workers = resolveWorkers(opts.workers ?? 'auto');
  if (opts.out !== undefined && opts.out.trim() === '') throw new UsageError('--out: expected a path, got an empty one');
  checkCiPaths(opts);
  const out = opts.out ?? join('reports', `tournament-${plan.name}`);
  writable('--out', out, createDirectory);
  checkCiFolders(opts);
  const grid = tournamentGrid(plan, scenarios);
  const digest = gridDigest(plan, scenarios);
  const positions = shard === undefined ? grid.map((r) => r.index) : shardPositions(grid.length, shard);
  const suffix = shard === undefined ? '' : `-${shard.index}-of-${shard.count}`;
  const runsFile = join(out, `runs${suffix}.ndjson`);
  const done = readRunsFile(runsFile, digest);
  if (!existsSync(runsFile)) writeFileSync(runsFile, `${JSON.stringify({ format: RUNS_FORMAT, grid: digest, tournament: plan.name })}\n`);
  // A line cut short by a stop stays a line of its own (and is ignored): the next record starts on a fresh one.
  else if (!readFileSync(runsFile, 'utf8').endsWith('\n')) appendFileSync(runsFile, '\n');
  const todo = positions.map((p) => grid[p]!).filter((r) => !done.has(r.key));
  const resumed = positions.length - todo.length;
  const showProgress = opts.progress !== false && process.stderr.isTTY && !opts.json;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let finished = resumed;
  if (showProgress && resumed > 0) process.stderr.write(`tournament ${plan.name}: ${resumed} runs already done (${runsFile}), ${todo.length} to run\n`);
  await runTournament(plan, scenarios, todo, {
    workers,
    runTimeMs: plan.run_time_ms,
    alarm: (ms, cut) => {
      const timer = setTimeout(cut, ms);
      return () => clearTimeout(timer);
    },
    onRun: (record) => {
      appendFileSync(runsFile, `${JSON.stringify(record)}\n`);
      done.set(record.key, record);
      finished++;
      if (showProgress) process.stderr.write(`\rtournament ${plan.name}: ${finished}/${positions.length} runs`);
    },
  });
  if (showProgress) process.stderr.write('\n');
  const elapsedMs = Math.round(performance.now() - t0);
  const records = positions.map((p) => done.get(grid[p]!.key)!);
  const wallclock: TournamentWallclock = { started_at: startedAt, elapsed_ms: elapsedMs, workers, runs_run: todo.length, runs_resumed: resumed, node: process.versions.node };
  const context: TournamentContext = { plan, file, scenario_names: scenarios.map((s) => s.plan.name) };
  if (shard !== undefined) return writeTournamentPartial(shard, digest, grid.length, context, positions, records, wallclock, out, opts.json === true);
  return finishTournament(tournamentResults(plan, file, context.scenario_names, records), wallclock, { ...opts, out });
}

function writeTournamentPartial(shard: ShardSpec, digest: string, size: number, context: TournamentContext, positions: readonly number[], records: readonly RunRecord[], wallclock: TournamentWallclock, out: string, json: boolean): number {
  const path = writePartial<TournamentContext, RunRecord>('tournament', out, shard, digest, size, context, positions, records, { elapsed_ms: wallclock.elapsed_ms, workers: wallclock.workers });
  if (json) process.stdout.write(`${JSON.stringify({ partial: path, shard, runs: records.length }, null, 2)}\n`);
  else process.stdout.write(`tournament ${context.plan.name}, shard ${shard.index}/${shard.count}: ${records.length} of ${size} runs (${wallclock.runs_resumed} already done) in ${(wallclock.elapsed_ms / 1000).toFixed(1)}s; partial: ${path}\n  join the shards with: a2a-sim merge <partial files>\n`);
  return records.some((r) => r.status === 'violation') ? ExitCode.invariantViolated : records.some((r) => r.status === 'error') ? ExitCode.internalError : ExitCode.ok;
}

/** Writes every output of a finished tournament (also what merge does) and returns the exit code. */
export function finishTournament(results: TournamentResults, wallclock: Omit<TournamentWallclock, 'started_at'> & { started_at?: string }, opts: { out?: string; json?: boolean; html?: boolean } & CiOutputOptions): number {
  const report: TournamentReport = { ...results, tool: toolInfo(), wallclock };
  let html: string | undefined;
  if (opts.out !== undefined) {
    writeFileSync(join(opts.out, 'tournament.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(opts.out, 'runs.csv'), tournamentCsv(results.runs));
    writeFileSync(join(opts.out, 'summary.md'), markdownTournament(results));
    if (opts.html !== false) html = writeReportHtml(report, opts.out);
  }
  writeCiOutputs(opts, () => junitXml([tournamentSuite(results, results.file)]), () => markdownTournament(results));
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`${renderTournament(results, terminalWidth())}\n`);
    const threads = wallclock.workers === 0 ? 'the main thread' : `${wallclock.workers} worker thread${wallclock.workers === 1 ? '' : 's'}`;
    process.stdout.write(`${results.run_count} runs (${wallclock.runs_run} run now, ${wallclock.runs_resumed} already done) in ${(wallclock.elapsed_ms / 1000).toFixed(1)}s on ${threads}${opts.out !== undefined ? `; report: ${join(opts.out, 'tournament.json')}, ${join(opts.out, 'runs.csv')}, ${join(opts.out, 'summary.md')}${html ? `, ${html}` : ''}` : ''}\n`);
  }
  if (results.runs.some((r) => r.status === 'violation')) return ExitCode.invariantViolated;
  if (results.runs.some((r) => r.status === 'error')) return ExitCode.internalError;
  return results.passed ? ExitCode.ok : ExitCode.budgetBreached;
}
