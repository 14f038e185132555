/**
 * The public API: runSimulation(plan, options) builds the world from a validated scenario, runs
 * it on virtual time until every negotiation has ended, and returns the deterministic results
 * plus budget outcomes. The CLI and the tests both call it.
 */
import type { Fallback } from './run/fallback.js';
import { finishRun } from './run/finish.js';
import type { RemoteDelivery } from './broker/broker.js';
import { NetworkModel } from './broker/network.js';
import type { TraceLine } from './broker/trace.js';
import { InvariantViolation } from './engine/kernel.js';
import { Market } from './market/market.js';
import type { LimitBands } from './metrics/bands.js';
import type { Results } from './metrics/results.js';
import { planLayout } from './run/pilot.js';
import { compareKeyed, Shard, sharedWorld } from './run/shard.js';
import { loadStrategyModules } from './run/strategy-modules.js';
import { DRAIN_HORIZON_US, drainLimitUs } from './scenario/limits.js';
import type { SimulationPlan } from './scenario/schema.js';
import type { ExternalTally } from './gateway/external-agent.js';
import type { AgentLink } from './gateway/link.js';

/** Progress of a run, reported every 1% of the scenario's virtual duration. */
export interface Progress {
  readonly virtualUs: number;
  readonly durationUs: number;
  readonly events: number;
  readonly negotiations: number;
}

/** Lifecycle hooks; every one optional, every argument read-only. */
export interface Reporter {
  onStart?(plan: SimulationPlan, seed: string | number): void;
  onProgress?(progress: Progress): void;
  onTrace?(line: TraceLine): void;
  onEnd?(result: RunResult): void;
}

export interface RunOptions {
  /** overrides the scenario's seed */
  readonly seed?: string | number;
  /** the first strategy error ends the run (StrictStrategyError) instead of ending its negotiation */
  readonly strict?: boolean;
  /** number of shards the organisations are laid out on (run inline); results do not depend on it (one with external organisations) */
  readonly shards?: number;
  readonly reporters?: readonly Reporter[];
  /** the link to the agents of the scenario's external organisations (the gateway, or a recording) */
  readonly external?: AgentLink;
  /**
   * Asked after each window with the virtual time reached: true makes the run yield, so that its
   * driver can stop and resume it (inlineSteps; run/fallback.ts). Never changes what runs.
   */
  readonly pause?: (nowUs: number) => boolean;
}

export interface BudgetResult {
  readonly expression: string;
  readonly metric: string;
  readonly value: number | null;
  readonly passed: boolean;
}

export interface RunResult {
  readonly results: Results;
  readonly budgets: BudgetResult[];
  /** true when every budget held */
  readonly passed: boolean;
  /** the latency distributions as percentile tables (beside the results: report.json `latency_percentiles`) */
  readonly latencyPercentiles?: LatencyPercentiles;
  /** limit-up/limit-down band edges per time-series bucket, for categories with bands (report.json `limit_bands`) */
  readonly limitBands?: LimitBands[];
  /** what the external agents did (frames handed over, answers, timeouts, unreachable) */
  readonly external?: ExternalTally;
  /** on worker threads: how each thread advanced (not part of the results: it depends on timing) */
  readonly sync?: readonly ThreadSync[];
  /** asked for worker threads, ran inline: what the probe saw (run/fallback.ts; depends on timing) */
  readonly fallback?: Fallback;
}

/** Latency at each of `percentiles` in µs, from the HDR histograms (empty lists without samples). */
export interface LatencyPercentiles {
  readonly percentiles: readonly number[];
  readonly negotiation_us: readonly number[];
  readonly settlement_us: readonly number[];
}

/** How a worker thread advanced through virtual time. */
export interface ThreadSync {
  /** steps (or windows) it ran */
  readonly steps: number;
  /** times it had to wait for another thread */
  readonly waits: number;
  /** pieces of agents' work done ahead while it could run nothing (Shard.prepareAhead) */
  readonly prepared: number;
  /** waits that ended asleep rather than spinning */
  readonly slept?: number;
  /** times it woke the other thread from its sleep (two workers) */
  readonly wakes?: number;
}

/** Raised (as InvariantViolation) with the seed attached, so the failure can be replayed. */
export class RunInvariantViolation extends InvariantViolation {
  constructor(
    readonly violation: InvariantViolation,
    readonly seed: string | number,
  ) {
    super(violation.message, violation.virtualUs);
    this.name = 'RunInvariantViolation';
  }
}

/** What a run yields when its pause hook asks it to stop (nothing to wait for). */
const PAUSED: Promise<void> = Promise.resolve();

/** Horizon past the scenario's end for which market paths are generated (negotiations drain). */
export { DRAIN_HORIZON_US };
export { evaluateBudgets, finishRun, type FinishingWorld, type ShardOutcome } from './run/finish.js';

/**
 * Runs a scenario inline. Plug-in strategies must be loaded first (loadStrategyModules) and
 * answer at once; runSimulationAsync does both.
 */
export function runSimulation(plan: SimulationPlan, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? plan.seed;
  const steps = start(plan, options);
  try {
    const step = steps.next();
    if (!step.done) throw new Error('a strategy answered with a Promise: run the scenario with runSimulationAsync (the command line does)');
    return step.value;
  } catch (err) {
    throw asRunError(err, seed);
  }
}

/** Runs a scenario inline, loading its plug-in strategies and waiting for those that answer with a Promise. */
export async function runSimulationAsync(plan: SimulationPlan, options: RunOptions = {}): Promise<RunResult> {
  const problems = await loadStrategyModules(plan);
  if (problems.length > 0) throw new Error(`strategy modules cannot be used:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  const seed = options.seed ?? plan.seed;
  const steps = start(plan, options);
  try {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await step.value;
    }
  } catch (err) {
    throw asRunError(err, seed);
  }
}

/**
 * The inline run as steps: each `next()` runs until a strategy's Promise holds virtual time still
 * (await the value yielded, then go on), `options.pause` asks for a stop, or the run ends.
 */
export function inlineSteps(plan: SimulationPlan, options: RunOptions = {}): Generator<Promise<void>, RunResult> {
  return start(plan, options);
}

/** An error of an inline run as the run reports it (a violation with its seed). */
export function inlineRunError(err: unknown, seed: string | number): unknown {
  return asRunError(err, seed);
}

function start(plan: SimulationPlan, options: RunOptions): Generator<Promise<void>, RunResult> {
  const seed = options.seed ?? plan.seed;
  const effective: SimulationPlan = { ...plan, seed };
  const reporters = options.reporters ?? [];
  for (const r of reporters) r.onStart?.(effective, seed);
  if (plan.external.length > 0 && options.external === undefined) throw new Error('the scenario has external organisations: give their link (RunOptions.external)');
  // The external agents' link serves one kernel, and the layout pilot could not run them.
  const shards = plan.external.length > 0 ? 1 : (options.shards ?? 1);
  return run(effective, reporters, shards, options.strict ?? false, options.external, options.pause);
}

function asRunError(err: unknown, seed: string | number): unknown {
  return err instanceof InvariantViolation && !(err instanceof RunInvariantViolation) ? new RunInvariantViolation(err, seed) : err;
}

/** The run, step by step: it yields only while a strategy's Promise holds virtual time still. */
function* run(
  plan: SimulationPlan,
  reporters: readonly Reporter[],
  shardCount: number,
  strict: boolean,
  external: AgentLink | undefined,
  pause: ((nowUs: number) => boolean) | undefined,
): Generator<Promise<void>, RunResult> {
  const durationUs = plan.duration;
  const layout = planLayout(plan, shardCount);
  const market = new Market(plan, durationUs + DRAIN_HORIZON_US);
  const world = { ...sharedWorld(plan, layout, market), strict, ...(external ? { external } : {}) };
  const tracers = reporters.filter((r) => r.onTrace);
  const shards = Array.from({ length: layout.shards }, (_, i) => new Shard(world, i, tracers.length > 0));
  for (const shard of shards) shard.start();

  const { lookaheadUs, sliceUs } = windowing(plan, shards.length);
  const limitUs = drainLimitUs(plan);
  let nextProgressUs = sliceUs;
  let nowUs = 0;
  const events = () => shards.reduce((n, sh) => n + sh.kernel.eventsProcessed, 0);
  for (;;) {
    let next = Infinity;
    for (const sh of shards) next = Math.min(next, sh.nextTimeUs());
    if (next === Infinity) break;
    if (next > limitUs) throw new InvariantViolation(`run did not drain: events pending at ${next} µs`, nowUs);
    const endUs = windowEnd(next, lookaheadUs, sliceUs);
    let ran = 0;
    try {
      for (; ran < shards.length; ran++) {
        const sh = shards[ran]!;
        sh.runUntil(endUs);
        while (sh.kernel.blocked !== undefined) {
          yield sh.kernel.resume();
          sh.runUntil(endUs);
        }
      }
    } catch (err) {
      // The evidence of a violation is the trace up to it: the shards not yet run in this window
      // catch up to its time, and every line up to it is handed over.
      if (err instanceof InvariantViolation && tracers.length > 0) {
        for (const sh of shards.slice(ran + 1)) {
          try {
            sh.runUntil(err.virtualUs + 1);
          } catch {
            // the first violation is the one reported
          }
        }
        emitTrace(shards, tracers, err.virtualUs);
      }
      throw err;
    }
    nowUs = Math.max(...shards.map((sh) => sh.kernel.nowUs));
    if (shards.length > 1) {
      for (const sh of shards) {
        const byShard = new Map<number, RemoteDelivery[]>();
        for (const d of sh.takeOutbox()) {
          const target = layout.agents[d.toId]!.shard;
          const list = byShard.get(target) ?? [];
          list.push(d);
          byShard.set(target, list);
        }
        for (const [target, batch] of byShard) shards[target]!.acceptRemote(batch);
      }
    }
    if (tracers.length > 0) emitTrace(shards, tracers, Infinity);
    if (endUs >= nextProgressUs && reporters.length > 0) {
      nextProgressUs = (Math.floor(endUs / sliceUs) + 1) * sliceUs;
      const negotiations = shards.reduce((n, sh) => n + sh.metrics.negotiationLatency.count, 0);
      const progress: Progress = { virtualUs: nowUs, durationUs, events: events(), negotiations };
      for (const r of reporters) r.onProgress?.(progress);
    }
    if (pause?.(nowUs)) yield PAUSED;
  }

  const finished = finishRun(
    world,
    shards.map((sh) => ({ metrics: sh.metrics, checker: sh.checker, settlement: sh.settlementChecker, breakers: sh.breakers(nowUs), events: sh.kernel.eventsProcessed })),
    nowUs,
    external ? [] : reporters,
  );
  if (external === undefined) return finished;
  const tally: ExternalTally = { frames: 0, answers: 0, timeouts: 0, unreachable: 0, unanswered_accepts: 0 };
  for (const sh of shards) for (const k of Object.keys(tally) as (keyof ExternalTally)[]) tally[k] += sh.externalTally[k];
  const result = { ...finished, external: tally };
  for (const r of reporters) r.onEnd?.(result);
  return result;
}

/** Hands the shards' trace lines up to `untilUs` (inclusive) to the reporters, in key order. */
function emitTrace(shards: readonly Shard[], tracers: readonly Reporter[], untilUs: number): void {
  const lines = shards.length === 1 ? shards[0]!.takeTrace() : shards.flatMap((sh) => sh.takeTrace()).sort(compareKeyed);
  for (const l of lines) {
    if (l.t > untilUs) break;
    for (const r of tracers) r.onTrace!(l.line);
  }
}

/**
 * Shards advance in windows no longer than the smallest one-way latency (the lookahead), so
 * nothing one shard sends can be due at another before the window ends; windows also stop at
 * every 1% of the duration, for progress. A single shard needs no lookahead.
 */
export function windowing(plan: SimulationPlan, shards: number): { lookaheadUs: number; sliceUs: number } {
  return {
    lookaheadUs: shards > 1 ? Math.max(1, new NetworkModel(plan, plan.seed).minimumLatencyUs()) : Infinity,
    sliceUs: Math.max(1, Math.ceil(plan.duration / 100)),
  };
}

/** End of the window that starts at the earliest pending event `nextUs`. */
export function windowEnd(nextUs: number, lookaheadUs: number, sliceUs: number): number {
  return Math.min(nextUs + lookaheadUs, (Math.floor(nextUs / sliceUs) + 1) * sliceUs);
}
