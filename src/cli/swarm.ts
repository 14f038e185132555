/** `a2a-sim swarm`: one scenario under many seeds; every failing seed with its replay command. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WIDTH, fitTable } from '../report/fit.js';
import { dur, int, pct } from '../report/format.js';
import { writeReportHtml } from '../report/html/write.js';
import { buildSwarmReport, type SwarmReport } from '../report/swarm-report.js';
import { toolInfo } from '../report/tool.js';
import { runSwarm, type SeedOutcome } from '../run/swarm.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { createDirectory } from './output-dir.js';
import { junitXml, swarmSuite } from '../report/junit.js';
import { checkCiFolders, checkCiPaths, writeCiOutputs, type CiOutputOptions } from './ci-output.js';
import { parseShard, shardPositions } from '../study/partition.js';
import { gridDigestOf } from '../study/partials.js';
import { writePartial } from './partial-file.js';
import { resolveWorkers, sizeCheck, writable } from './run.js';
import { loadScenarioWithStrategies } from './scenario-file.js';
import { terminalWidth } from './terminal.js';

export interface SwarmCommandOptions {
  seeds?: string;
  firstSeed?: string;
  workers?: string;
  out?: string;
  json?: boolean;
  progress?: boolean;
  junit?: string;
  markdown?: string;
  allowLarge?: boolean;
  shard?: string;
  html?: boolean;
}

/** What a swarm partial carries beside its seeds: enough to build the whole report. */
export interface SwarmContext {
  readonly scenario: string;
  readonly file: string;
  readonly first_seed: number;
  readonly seed_count: number;
  readonly budgets: readonly string[];
}

export async function swarmCommand(file: string, opts: SwarmCommandOptions): Promise<number> {
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (shard !== undefined && 'error' in shard) throw new UsageError(shard.error);
  const plan = await loadScenarioWithStrategies(file, { refuseExternal: 'swarm' });
  // Each seed is a run of its own: one that would not fit in memory is refused before any starts.
  sizeCheck(file, plan, opts.allowLarge === true);
  const count = opts.seeds === undefined ? 100 : /^\d+$/.test(opts.seeds) ? Number(opts.seeds) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new UsageError(`--seeds ${opts.seeds}: expected a number of seeds from 1 to 1000000`);
  // Seeds run from --first-seed upwards, so it is a number (a word seed is for `run --seed`).
  const firstText = opts.firstSeed ?? '1';
  if (!/^\d+$/.test(firstText)) throw new UsageError(`--first-seed ${firstText}: expected a non-negative integer (swarm counts seeds up from it)`);
  const first = Number(firstText);
  if (!Number.isSafeInteger(first + (count - 1))) throw new UsageError(`--first-seed ${firstText}: the last seed, ${firstText} + ${count - 1}, is too large for an integer seed`);
  const positions = shard === undefined ? Array.from({ length: count }, (_, i) => i) : shardPositions(count, shard);
  const seeds = positions.map((i) => first + i);
  const workers = resolveWorkers(opts.workers ?? 'auto');
  if (opts.out !== undefined && opts.out.trim() === '') throw new UsageError('--out: expected a path, got an empty one');
  checkCiPaths(opts);
  // Opened before the seeds run, so a folder that cannot be written costs no run.
  if (opts.out !== undefined) writable('--out', opts.out, createDirectory);
  checkCiFolders(opts);
  const showProgress = opts.progress !== false && process.stderr.isTTY && !opts.json;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const outcomes = await runSwarm(plan, {
    seeds,
    workers,
    onSeed: showProgress ? (_o, done) => process.stderr.write(`\rswarm ${file}: ${done}/${seeds.length} seeds`) : undefined,
  });
  if (showProgress) process.stderr.write('\n');
  const elapsedMs = Math.round(performance.now() - t0);
  const context: SwarmContext = { scenario: plan.name, file, first_seed: first, seed_count: count, budgets: plan.budgets.map((b) => b.expression) };
  if (shard !== undefined) {
    const digest = gridDigestOf({ plan, first, count });
    const path = writePartial<SwarmContext, SeedOutcome>('swarm', opts.out, shard, digest, count, context, positions, outcomes, { elapsed_ms: elapsedMs, workers });
    if (opts.json) process.stdout.write(`${JSON.stringify({ partial: path, shard, seeds: seeds.length }, null, 2)}\n`);
    else process.stdout.write(`swarm ${plan.name}, shard ${shard.index}/${shard.count}: ${seeds.length} of ${count} seeds in ${(elapsedMs / 1000).toFixed(1)}s; partial: ${path}\n  join the shards with: a2a-sim merge <partial files>\n`);
    return outcomes.some((o) => o.status === 'violation') ? ExitCode.invariantViolated : outcomes.some((o) => o.status === 'error') ? ExitCode.internalError : ExitCode.ok;
  }
  return finishSwarm(context, outcomes, { started_at: startedAt, elapsed_ms: elapsedMs, workers }, opts);
}

/** Builds the report of a finished swarm (also what merge does), writes every output and returns the exit code. */
export function finishSwarm(context: SwarmContext, outcomes: readonly SeedOutcome[], wall: { started_at?: string; elapsed_ms: number; workers: number }, opts: { out?: string; json?: boolean; html?: boolean } & CiOutputOptions): number {
  const { file, seed_count: count } = context;
  const report = buildSwarmReport({
    scenario: context.scenario,
    file,
    firstSeed: context.first_seed,
    budgets: context.budgets,
    outcomes,
    tool: toolInfo(),
    wallclock: { started_at: wall.started_at ?? new Date().toISOString(), elapsed_ms: wall.elapsed_ms, workers: wall.workers, node: process.versions.node },
  });
  let html: string | undefined;
  if (opts.out !== undefined) {
    writeFileSync(join(opts.out, 'swarm.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(opts.out, 'summary.md'), renderSwarmMarkdown(report));
    if (opts.html !== false) html = writeReportHtml(report, opts.out);
  }
  writeCiOutputs(opts, () => junitXml([swarmSuite(report, context.budgets)]), () => renderSwarmMarkdown(report));
  const failing = outcomes.filter((o) => o.status !== 'ok');
  const breaching = outcomes.filter((o) => o.budgets_breached.length > 0);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderSwarm(context.scenario, outcomes, terminalWidth())}\n`);
    for (const o of failing) {
      process.stdout.write(`seed ${o.seed}: ${o.status === 'violation' ? 'invariant violated' : 'failed'}: ${o.problem?.message ?? ''}${o.problem && o.problem.virtual_us >= 0 ? ` (at ${o.problem.virtual_us} µs)` : ''}\n  replay: a2a-sim run ${file} --seed ${o.seed}\n`);
    }
    for (const o of breaching) process.stdout.write(`seed ${o.seed}: budget breached: ${o.budgets_breached.join('; ')}\n  replay: a2a-sim run ${file} --seed ${o.seed}\n`);
    const workers = wall.workers;
    process.stdout.write(`${count} seeds in ${(wall.elapsed_ms / 1000).toFixed(1)}s on ${workers === 0 ? 'the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`}${opts.out !== undefined ? `; report: ${join(opts.out, 'swarm.json')}, ${join(opts.out, 'summary.md')}${html ? `, ${html}` : ''}` : ''}\n`);
  }
  if (outcomes.some((o) => o.status === 'violation')) return ExitCode.invariantViolated;
  if (failing.length > 0) return ExitCode.internalError;
  return breaching.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}

const metric = (o: SeedOutcome, name: string) => o.metrics[name] ?? 0;

/** One table of totals over the seeds, and one of compensations by cause. */
export function renderSwarm(name: string, outcomes: readonly SeedOutcome[], width = DEFAULT_WIDTH): string {
  const ok = outcomes.filter((o) => o.status === 'ok');
  const violations = outcomes.filter((o) => o.status === 'violation').length;
  const errors = outcomes.filter((o) => o.status === 'error').length;
  const negotiations = ok.reduce((n, o) => n + metric(o, 'negotiation.count'), 0);
  const succeeded = ok.reduce((n, o) => n + metric(o, 'negotiation.succeeded'), 0);
  const settled = ok.reduce((n, o) => n + metric(o, 'sagas.settled'), 0);
  const compensated = ok.reduce((n, o) => n + metric(o, 'sagas.compensated'), 0);
  const p99s = ok.map((o) => o.metrics['settlement_latency.p99']).filter((x): x is number => x !== undefined);
  const worstP99 = p99s.length > 0 ? Math.max(...p99s) : null;
  const budgetsBreached = ok.filter((o) => o.budgets_breached.length > 0).length;
  // passed: no violation, no error and every budget held (so passed + the next three = seeds)
  const totals = fitTable(
    ['seeds', 'passed', 'violations', 'errors', 'budgets breached', 'negotiations', 'success', 'sagas settled', 'compensated', 'worst settlement p99'],
    [[int(outcomes.length), int(ok.length - budgetsBreached), int(violations), int(errors), int(budgetsBreached), int(negotiations), pct(negotiations > 0 ? succeeded / negotiations : null), int(settled), int(compensated), dur(worstP99)]],
    { width },
  );
  const causes = new Map<string, number>();
  for (const o of ok) for (const [cause, n] of Object.entries(o.sagas_compensated_by_cause)) causes.set(cause, (causes.get(cause) ?? 0) + n);
  const out = [`swarm ${name}`, totals];
  if (causes.size > 0) {
    const rows = [...causes.keys()].sort().map((cause) => [cause, int(causes.get(cause)!), int(ok.filter((o) => (o.sagas_compensated_by_cause[cause] ?? 0) > 0).length)]);
    out.push(fitTable(['compensated because', 'sagas', 'seeds with it'], rows, { width, key: true }));
  }
  return out.join('\n');
}

/** summary.md of a swarm: the totals and the statistics of every metric across seeds. */
export function renderSwarmMarkdown(report: SwarmReport): string {
  const s = report.summary;
  const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  const stat = (label: string, x: { seeds: number; mean: number; stdev: number; min: number; p50: number; p90: number; max: number } | null) =>
    x === null ? row([label, 0, '–', '–', '–', '–', '–', '–']) : row([label, x.seeds, x.mean, x.stdev, x.min, x.p50, x.p90, x.max]);
  return [
    `# Swarm: ${report.scenario}`,
    `Seeds ${report.first_seed} to ${report.first_seed + report.seed_count - 1} (${report.seed_count}): ${s.passed} passed, ${s.violations} invariant violations, ${s.errors} errors, ${s.budgets_breached} with a budget breached.`,
    '## Across seeds (durations in µs)',
    [row(['figure', 'seeds', 'mean', 'stdev', 'min', 'p50', 'p90', 'max']), row(['---', '---', '---', '---', '---', '---', '---', '---']), ...Object.entries(s.metrics).map(([k, v]) => stat(k, v)), stat('deals.count', s.deals.count), stat('deals.value', s.deals.value), stat('deals.mean_value', s.deals.mean_value)].join('\n'),
    '',
  ].join('\n\n');
}
