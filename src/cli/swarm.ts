/** `a2a-sim swarm`: one scenario under many seeds; every failing seed with its replay command. */
import Table from 'cli-table3';
import { dur, int, pct } from '../report/format.js';
import { runSwarm, type SeedOutcome } from '../run/swarm.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { resolveWorkers, sizeCheck } from './run.js';
import { loadScenarioFile } from './scenario-file.js';

export interface SwarmCommandOptions {
  seeds?: string;
  firstSeed?: string;
  workers?: string;
  json?: boolean;
  progress?: boolean;
  allowLarge?: boolean;
}

const STYLE: { head: string[]; border: string[] } = { head: [], border: [] };

export async function swarmCommand(file: string, opts: SwarmCommandOptions): Promise<number> {
  const plan = loadScenarioFile(file);
  // Each seed is a run of its own: one that would not fit in memory is refused before any starts.
  sizeCheck(file, plan, opts.allowLarge === true);
  const count = opts.seeds === undefined ? 100 : /^\d+$/.test(opts.seeds) ? Number(opts.seeds) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new UsageError(`--seeds ${opts.seeds}: expected a number of seeds from 1 to 1000000`);
  // Seeds run from --first-seed upwards, so it is a number (a word seed is for `run --seed`).
  const firstText = opts.firstSeed ?? '1';
  if (!/^\d+$/.test(firstText)) throw new UsageError(`--first-seed ${firstText}: expected a non-negative integer (swarm counts seeds up from it)`);
  const first = Number(firstText);
  if (!Number.isSafeInteger(first + (count - 1))) throw new UsageError(`--first-seed ${firstText}: the last seed, ${firstText} + ${count - 1}, is too large for an integer seed`);
  const seeds = Array.from({ length: count }, (_, i) => first + i);
  const workers = resolveWorkers(opts.workers ?? 'auto');
  const showProgress = opts.progress !== false && process.stderr.isTTY && !opts.json;
  const t0 = performance.now();
  const outcomes = await runSwarm(plan, {
    seeds,
    workers,
    onSeed: showProgress ? (_o, done) => process.stderr.write(`\rswarm ${file}: ${done}/${count} seeds`) : undefined,
  });
  if (showProgress) process.stderr.write('\n');
  const elapsedS = (performance.now() - t0) / 1000;
  const failing = outcomes.filter((o) => o.status !== 'ok');
  const breaching = outcomes.filter((o) => o.budgetsBreached.length > 0);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ scenario: plan.name, file, seeds: count, first_seed: first, workers, elapsed_s: Math.round(elapsedS * 10) / 10, outcomes }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderSwarm(plan.name, outcomes)}\n`);
    for (const o of failing) {
      process.stdout.write(`seed ${o.seed}: ${o.status === 'violation' ? 'invariant violated' : 'failed'}: ${o.problem?.message ?? ''}${o.problem && o.problem.virtualUs >= 0 ? ` (at ${o.problem.virtualUs} µs)` : ''}\n  replay: a2a-sim run ${file} --seed ${o.seed}\n`);
    }
    for (const o of breaching) process.stdout.write(`seed ${o.seed}: budget breached: ${o.budgetsBreached.join('; ')}\n  replay: a2a-sim run ${file} --seed ${o.seed}\n`);
    process.stdout.write(`${count} seeds in ${elapsedS.toFixed(1)}s on ${workers === 0 ? 'the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`}\n`);
  }
  if (outcomes.some((o) => o.status === 'violation')) return ExitCode.invariantViolated;
  if (failing.length > 0) return ExitCode.internalError;
  return breaching.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}

/** One table of totals over the seeds, and one of compensations by cause. */
export function renderSwarm(name: string, outcomes: readonly SeedOutcome[]): string {
  const ok = outcomes.filter((o) => o.status === 'ok');
  const violations = outcomes.filter((o) => o.status === 'violation').length;
  const errors = outcomes.filter((o) => o.status === 'error').length;
  const negotiations = ok.reduce((n, o) => n + o.negotiations, 0);
  const succeeded = ok.reduce((n, o) => n + o.succeeded, 0);
  const settled = ok.reduce((n, o) => n + o.sagas.settled, 0);
  const compensated = ok.reduce((n, o) => n + o.sagas.compensated, 0);
  const p99s = ok.map((o) => o.settlementP99Us).filter((x): x is number => x !== null);
  const worstP99 = p99s.length > 0 ? Math.max(...p99s) : null;
  const budgetsBreached = ok.filter((o) => o.budgetsBreached.length > 0).length;
  const totals = new Table({ head: ['seeds', 'passed', 'violations', 'errors', 'budgets breached', 'negotiations', 'success', 'sagas settled', 'compensated', 'worst settlement p99'], style: STYLE });
  // passed: no violation, no error and every budget held (so passed + the next three = seeds)
  totals.push([int(outcomes.length), int(ok.length - budgetsBreached), int(violations), int(errors), int(budgetsBreached), int(negotiations), pct(negotiations > 0 ? succeeded / negotiations : null), int(settled), int(compensated), dur(worstP99)]);
  const causes = new Map<string, number>();
  for (const o of ok) for (const [cause, n] of Object.entries(o.sagas.byCause)) causes.set(cause, (causes.get(cause) ?? 0) + n);
  const out = [`swarm ${name}`, totals.toString()];
  if (causes.size > 0) {
    const byCause = new Table({ head: ['compensated because', 'sagas', 'seeds with it'], style: STYLE });
    for (const cause of [...causes.keys()].sort()) byCause.push([cause, int(causes.get(cause)!), int(ok.filter((o) => (o.sagas.byCause[cause] ?? 0) > 0).length)]);
    out.push(byCause.toString());
  }
  return out.join('\n');
}
