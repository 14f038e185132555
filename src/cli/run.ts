/** `a2a-sim run`: runs one scenario, prints the summary, writes report.json and summary.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { join, resolve } from 'node:path';
import { baselineOf, buildReport, type Baseline, type Wallclock } from '../report/report.js';
import { renderSecurity } from '../report/security.js';
import { renderMarkdown } from '../report/markdown.js';
import { junitXml, runSuite } from '../report/junit.js';
import { checkCiFolders, checkCiPaths, writeCiOutputs } from './ci-output.js';
import { ProgressReporter } from '../report/progress.js';
import { renderSummary } from '../report/table.js';
import { budgetValue } from '../report/format.js';
import { AuditWriter } from '../report/audit-writer.js';
import { TraceWriter } from '../report/trace-writer.js';
import { writeReportHtml } from '../report/html/write.js';
import { RunInvariantViolation, runSimulationAsync, type Reporter, type RunResult } from '../simulation.js';
import { StrictStrategyError } from '../agents/agent.js';
import { firstDifference } from '../report/diff.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { describeEstimate, estimateSize, formatBytes, type SizeEstimate } from '../scenario/estimate.js';
import { workersRefusal } from '../scenario/load.js';
import { describeFallback } from '../run/fallback.js';
import { AUTO_MIN_LOOKAHEAD_WORK_US, autoWorkers, autoWorkersFor, runParallel, WorkerFailure, type AutoChoice } from '../run/parallel.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { loadScenarioWithStrategies, parseSeed } from './scenario-file.js';
import { createDirectory, PathRefused } from './output-dir.js';
import { terminalWidth } from './terminal.js';
import { keyPublisherFor } from '../run/published-keys.js';
import { checkExternalOptions, openExternal, withExternalKeys, type ExternalSession } from './external.js';
import { ReplayMismatch } from '../gateway/replay.js';
import { describeExternal, withWallclockBudgets, type ExternalWallclock } from '../gateway/wallclock.js';

export interface RunCommandOptions {
  seed?: string;
  workers?: string;
  out?: string;
  trace?: string;
  audit?: string;
  json?: boolean;
  progress?: boolean;
  /** false: --no-fallback */
  fallback?: boolean;
  strict?: boolean;
  checkDeterminism?: boolean;
  junit?: string;
  markdown?: string;
  html?: boolean;
  allowLarge?: boolean;
  listen?: string;
  connectTimeout?: string;
  record?: string;
  replay?: string;
}

/**
 * A run with external organisations is inline whatever the workers asked for (`--workers`, or the
 * scenario's `workers`): the note that says so, or undefined when inline was asked for.
 */
export function inlineOnly(option: string | undefined, scenario: number | 'auto'): string | undefined {
  const asked = option ?? scenario;
  if (asked !== 'auto') resolveWorkers(asked);
  if (String(asked) === '0') return undefined;
  const which = option !== undefined ? `--workers ${option}` : `the scenario's workers: ${scenario}`;
  return `external agents run inline, on one kernel that waits for their answers: ${which} is not used (no worker threads)`;
}

/** Why a run with external organisations has no baseline without its adversaries. */
const NO_EXTERNAL_BASELINE = 'the external agents take part in one run, so the market was not run again without the adversaries (run the scenario without them, with the agents, to compare)';

/** `--workers N|auto` (or the scenario's `workers`) → a thread count; 0 runs inline. */
export function resolveWorkers(value: string | number): number {
  if (value === 'auto') return autoWorkers();
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`--workers ${value}: expected 0 (inline), a number of threads up to 64, or "auto"`);
  return n;
}

/** Opens (or creates) an output the user named: one that cannot be written is bad input, not an internal error. */
export function writable<T>(option: string, path: string, open: (path: string) => T): T {
  try {
    return open(path);
  } catch (err) {
    if (err instanceof PathRefused) throw new UsageError(`${option} ${path}: cannot write there (${err.message})`);
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'its folder does not exist' : e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way of the folder' : e.code === 'EISDIR' ? 'it is a folder' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new UsageError(`${option} ${path}: cannot write there (${why})`);
  }
}

/** Why `--workers auto` ran where it did, for the last line of the summary. */
function describeAuto(choice: AutoChoice): string {
  const where = choice.workers === 0 ? 'inline' : `${choice.workers} worker threads`;
  if (choice.lookaheadWorkUs === undefined) return `--workers auto ran ${where} (one core, or no lookahead between threads)`;
  const ms = (us: number) => `${(us / 1000).toFixed(us < 1000 ? 2 : 0)} ms`;
  return `--workers auto ran ${where}: a lookahead holds about ${ms(choice.lookaheadWorkUs)} of work (threads from ${ms(AUTO_MIN_LOOKAHEAD_WORK_US)})`;
}

/** Runs estimated past this are announced on stderr, with progress even when stderr is not a terminal. */
export const LONG_RUN_S = 10;

/** The memory a run may take: the JavaScript heap's limit (node --max-old-space-size raises it). */
function memoryBudgetBytes(): number {
  return getHeapStatistics().heap_size_limit;
}

/** The run's size estimate; a UsageError (exit 2) when it would not fit in memory, unless allowed. */
export function sizeCheck(file: string, plan: SimulationPlan, allowLarge: boolean): { estimate: SizeEstimate; long: boolean } {
  const estimate = estimateSize(plan);
  const budget = memoryBudgetBytes();
  if (estimate.memoryBytes > budget && !allowLarge) {
    throw new UsageError(
      `${file}: this run would not fit in memory: ${describeEstimate(estimate)}, against ${formatBytes(budget)} available to the JavaScript heap.\n` +
        `  Make it smaller (fewer agents, a lower intent_rate, a shorter duration), or go ahead with --allow-large (and more heap: node --max-old-space-size=MB).`,
    );
  }
  return { estimate, long: estimate.seconds > LONG_RUN_S };
}

export async function runCommand(file: string, opts: RunCommandOptions): Promise<number> {
  const plan = withExternalKeys(file, await loadScenarioWithStrategies(file));
  const seed = opts.seed !== undefined ? parseSeed(opts.seed) : plan.seed;
  // The size is known before the run: a run that would not fit is refused, a long one announced
  // (before --workers auto, whose pilot run is itself a cost).
  const size = sizeCheck(file, plan, opts.allowLarge === true);
  if (size.long) process.stderr.write(`${file}: a large run: ${describeEstimate(size.estimate)}\n`);
  checkExternalOptions(file, plan, opts);
  if (plan.external.length > 0 && opts.checkDeterminism) throw new UsageError(`${file}: --check-determinism reruns the scenario, which its external agents cannot join: compare two runs, or a run and its --replay`);
  // External agents are co-simulated inline: one kernel waits for them (no worker threads).
  const inlineNote = plan.external.length > 0 ? inlineOnly(opts.workers, plan.workers) : undefined;
  if (inlineNote !== undefined) process.stderr.write(`${inlineNote}\n`);
  const requested = plan.external.length > 0 ? 0 : (opts.workers ?? plan.workers);
  // auto: threads only when each lookahead holds enough work for them (parallel.ts)
  const auto = requested === 'auto' ? autoWorkersFor({ ...plan, seed }) : undefined;
  const workers = auto ? auto.workers : resolveWorkers(requested);
  const refusal = workersRefusal(plan, workers, seed);
  if (refusal !== undefined) throw new UsageError(`${file}: --workers ${workers}: ${refusal}, or run with --workers 0 or 1`);
  checkCiPaths(opts);
  for (const [option, path] of [['--out', opts.out], ['--trace', opts.trace], ['--audit', opts.audit]] as const) {
    if (path !== undefined && path.trim() === '') throw new UsageError(`${option}: expected a path, got an empty one`);
  }
  if (opts.trace !== undefined && opts.audit !== undefined && resolve(opts.trace) === resolve(opts.audit)) {
    throw new UsageError(`--trace and --audit name the same file (${opts.trace}): give each its own (a trace already holds the audit lines)`);
  }
  if (opts.audit && !plan.security.audit) throw new UsageError(`${file}: --audit needs the audit trail, which the scenario turns off (security.audit: false)`);
  // Every output is opened before the run, so a path that cannot be written costs no run.
  const outDir = opts.out ?? join('reports', plan.name);
  writable('--out', outDir, createDirectory);
  checkCiFolders(opts);
  const reporters: Reporter[] = [];
  const trace = opts.trace ? writable('--trace', opts.trace, (path) => new TraceWriter(path)) : undefined;
  if (trace) reporters.push(trace);
  let audit: AuditWriter | undefined;
  try {
    audit = opts.audit ? writable('--audit', opts.audit, (path) => new AuditWriter(path)) : undefined;
  } catch (err) {
    trace?.close();
    throw err;
  }
  if (audit) reporters.push(audit);
  if (opts.progress !== false && (process.stderr.isTTY || size.long)) reporters.push(new ProgressReporter(process.stderr, !process.stderr.isTTY));

  let external: ExternalSession | undefined;
  try {
    external = plan.external.length > 0 ? await openExternal(file, plan, seed, opts) : undefined;
  } catch (err) {
    trace?.close();
    audit?.close();
    throw err;
  }
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let result: RunResult | undefined;
  let externalWallclock: ExternalWallclock | undefined;
  try {
    const strict = opts.strict === true;
    result =
      workers === 0
        ? await runSimulationAsync(plan, { seed, reporters, strict, ...(external ? { external: external.link } : {}) })
        : await runParallel(plan, {
            seed,
            workers,
            reporters,
            strict,
            ...(auto?.traffic ? { traffic: auto.traffic } : {}),
            fallback: opts.fallback !== false,
            onFallback: (f) => process.stderr.write(`${describeFallback(f)}\n`),
          });
  } catch (err) {
    if (err instanceof ReplayMismatch) {
      process.stderr.write(`replay failed: ${err.message}
`);
      return ExitCode.badInput;
    }
    if (err instanceof StrictStrategyError || (err instanceof WorkerFailure && err.message.includes('StrictStrategyError'))) {
      const message = err instanceof StrictStrategyError ? err.message : (/StrictStrategyError: ([^\n]*)/.exec(err.message)?.[1] ?? err.message);
      const at = err instanceof StrictStrategyError ? `\n  virtual time: ${err.virtualUs} µs` : '';
      process.stderr.write(`strategy error (--strict): ${message}${at}\n  seed: ${seed}\n  replay: a2a-sim run ${file} --seed ${seed} --strict\n`);
      return ExitCode.internalError;
    }
    if (err instanceof RunInvariantViolation) {
      process.stderr.write(
        `invariant violated: ${err.message}\n  seed: ${err.seed}\n  virtual time: ${err.virtualUs} µs\n  replay: a2a-sim run ${file} --seed ${err.seed}\n`,
      );
      return ExitCode.invariantViolated;
    }
    if (err instanceof WorkerFailure) {
      process.stderr.write(`internal error in a worker thread: ${err.message}\n  seed: ${err.seed}\n  replay inline: a2a-sim run ${file} --seed ${err.seed} --workers 0\n`);
      return ExitCode.internalError;
    }
    throw err;
  } finally {
    trace?.close();
    audit?.close();
    if (external) externalWallclock = await external.finish(result?.results.virtual_end_us ?? 0, result?.external, result ? 'the run is over' : 'the run failed');
    if (externalWallclock && inlineNote !== undefined) externalWallclock = { ...externalWallclock, inline_note: inlineNote };
  }
  result = withWallclockBudgets(result, plan.budgets, externalWallclock);
  const elapsedMs = performance.now() - t0;
  const r = result.results;
  const perSecond = (n: number) => Math.round(n / Math.max(elapsedMs / 1000, 1e-9));
  const wallclock: Wallclock = {
    started_at: startedAt,
    elapsed_ms: Math.round(elapsedMs),
    events_per_s: perSecond(r.events),
    messages_per_s: perSecond(r.messages.delivered + r.messages.invalid),
    negotiations_per_s: perSecond(r.negotiation.count),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    node: process.versions.node,
    workers,
    ...(result.sync ? { threads: result.sync } : {}),
    ...(result.fallback ? { fallback: result.fallback } : {}),
    ...(externalWallclock ? { external: externalWallclock } : {}),
  };
  // With adversaries, the honest agents' success is shown beside the same market without them:
  // a second run, which external agents cannot join (their connections served this one).
  let baseline: Baseline | undefined;
  if (plan.adversaries.length > 0 && plan.external.length > 0) {
    baseline = { without_adversaries: null, not_run: NO_EXTERNAL_BASELINE };
    process.stderr.write(`hostile agents: ${NO_EXTERNAL_BASELINE}\n`);
  } else if (plan.adversaries.length > 0) baseline = baselineOf((await runSimulationAsync({ ...plan, adversaries: [] }, { seed })).results);
  const report = buildReport(file, result, wallclock, baseline);
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'summary.md'), renderMarkdown(report));
  writeCiOutputs(opts, () => junitXml([runSuite(file, seed, result, elapsedMs / 1000)]), () => renderMarkdown(report));
  // With signing on, every key a message may carry, for verifiers outside (trust/publication.ts).
  const published = keyPublisherFor({ ...plan, seed });
  if (published) writeFileSync(join(outDir, 'keys.json'), `${JSON.stringify(published.document(r.virtual_end_us), null, 2)}\n`);
  const html = opts.html === false ? undefined : writeReportHtml(report, outDir);

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderSummary(result, terminalWidth())}\n`);
    process.stdout.write(renderSecurity(result.results, baseline, terminalWidth()));
    process.stdout.write(`report: ${join(outDir, 'report.json')}, ${join(outDir, 'summary.md')}${html ? `, ${html}` : ''}${opts.trace ? `, trace: ${opts.trace} (${trace!.lines} lines)` : ''}${opts.audit ? `, audit: ${opts.audit} (${audit!.entries} entries)` : ''}\n`);
    if (externalWallclock) process.stdout.write(`${describeExternal(externalWallclock)}\n`);
    process.stdout.write(`wall clock ${(elapsedMs / 1000).toFixed(2)}s, ${wallclock.messages_per_s.toLocaleString('en-US')} messages/s${auto ? `; ${describeAuto(auto)}` : ''}${result.fallback ? `; ran inline: ${result.fallback.reason === 'short' ? 'it ended within its first probe' : `${result.fallback.workers} worker threads went at ${result.fallback.speed!.toFixed(2)}x the inline pace`}` : ''}\n`);
  }
  const breached = result.budgets.filter((b) => !b.passed);
  for (const b of breached) {
    process.stderr.write(`budget breached: ${b.expression} (value: ${budgetValue(b)})\n`);
  }
  if (opts.checkDeterminism && !(await deterministic(file, plan, seed, workers, result))) return ExitCode.budgetBreached;
  return breached.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}

/**
 * run --check-determinism: the same scenario and seed again, on another number of threads
 * (inline after threads, two threads after inline, or inline again where threads cannot run
 * it); the results must be the same. A strategy that reads Math.random, the clock or state
 * shared between negotiations shows up here.
 */
async function deterministic(file: string, plan: SimulationPlan, seed: string | number, workers: number, first: RunResult): Promise<boolean> {
  const other = workers !== 0 ? 0 : workersRefusal(plan, 2, seed) === undefined ? 2 : 0;
  const where = (n: number) => (n === 0 ? 'inline' : `on ${n} worker threads`);
  const again = other === 0 ? await runSimulationAsync(plan, { seed }) : await runParallel(plan, { seed, workers: other });
  const difference = firstDifference(JSON.parse(JSON.stringify(first.results)), JSON.parse(JSON.stringify(again.results)), 'results');
  if (difference === undefined) {
    process.stderr.write(`determinism: the results ${where(workers)} and ${where(other)} are identical\n`);
    return true;
  }
  const shown = (v: unknown) => (JSON.stringify(v) ?? 'nothing').slice(0, 200);
  process.stderr.write(
    `determinism check failed: ${file} with seed ${seed} gave different results ${where(workers)} and ${where(other)}\n  first difference: ${difference.path}: ${shown(difference.a)} against ${shown(difference.b)}\n  a strategy that reads Math.random, the clock, or state shared between negotiations does this\n`,
  );
  return false;
}
