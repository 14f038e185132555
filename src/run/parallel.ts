/**
 * Runs a scenario on worker threads, one shard per thread (piscina), coordinated through shared
 * memory: the same windows, deliveries and merge as an inline run, so the results are the same
 * for any number of workers. A worker that throws or dies ends the run with its error.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DealChecker } from '../checkers/deals.js';
import { SettlementChecker } from '../checkers/settlement.js';
import { InvariantViolation } from '../engine/kernel.js';
import { drawFaults } from '../faults/plan.js';
import { Market } from '../market/market.js';
import { MetricsCollector } from '../metrics/collector.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { drainLimitUs } from '../scenario/limits.js';
import { finishRun } from './finish.js';
import { DRAIN_HORIZON_US, RunInvariantViolation, runSimulationAsync, windowing, type Progress, type Reporter, type RunResult } from '../simulation.js';
import { DEFAULT_PROBE, probeInline, ThreadProbe, type Fallback, type InlineProbe, type ProbeSettings } from './fallback.js';
import { layOut, lookaheadWorkUs, type Traffic } from './layout.js';
import { NetworkModel } from '../broker/network.js';
import { preferBundle } from '../bundles.js';
import { pilotTraffic } from './pilot.js';
import { compareKeyed, type KeyedTraceLine } from './shard.js';
import { abortAll, Command, COMMAND, createChannels, DONE, FAILED, latestNowUs, NOT_DRAINED, openNext, planWindow, readOutbox, runsPaired, ShardNumbers, SPINS, type Channels, type ShardTask, type ThreadFault } from './wire.js';
import type { ShardError, ShardFinal } from './worker.js';

/** One worker per core (what `--workers auto` gives a swarm). */
export function autoWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The least work (µs of one thread, estimated) a lookahead window must hold for a run to use
 * threads: below it they mostly wait for each other, and a run inline is faster. bench-strategy
 * holds about 67 ms per window, bench-signing about 34 ms (both faster on two threads), the
 * same market unsigned about 7 ms (no faster), quickstart 0.01 ms (twice as slow on threads).
 */
export const AUTO_MIN_LOOKAHEAD_WORK_US = 20_000;

/** What `--workers auto` chose for a run, and why. */
export interface AutoChoice {
  readonly workers: number;
  /** the work a lookahead window holds, as estimated (absent with one core or no lookahead) */
  readonly lookaheadWorkUs?: number;
  /** the layout pilot's counts, for the run to reuse */
  readonly traffic?: Traffic;
}

/**
 * `--workers auto` for a run: one thread per core when a lookahead window holds enough work
 * (estimated from the layout pilot, a pure function of the scenario and seed), else inline.
 */
export function autoWorkersFor(plan: SimulationPlan): AutoChoice {
  const cores = autoWorkers();
  const lookaheadUs = new NetworkModel(plan, plan.seed).minimumLatencyUs();
  if (cores < 2 || lookaheadUs === 0) return { workers: 0 };
  const traffic = pilotTraffic(plan);
  const work = lookaheadWorkUs(plan, traffic, lookaheadUs);
  return { workers: work >= AUTO_MIN_LOOKAHEAD_WORK_US ? cores : 0, lookaheadWorkUs: work, traffic };
}

/**
 * A compiled worker script of the run/ folder, or its bundle when the build made a current one
 * (bundles.ts). Found from this module, or from the command line's bundle (in cli/, beside
 * run/). Tests run from sources, so they use the build in dist/.
 */
export function workerScript(name: string): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return preferBundle(fileURLToPath(new URL(`../run/${name}`, import.meta.url)));
  const built = join(dirname(here), '..', '..', 'dist', 'src', 'run', name);
  if (!existsSync(built)) throw new Error(`worker threads need the build: run "npm run build" (missing ${built})`);
  return preferBundle(built);
}

/** Raised when a worker thread fails; carries the seed for a replay. */
export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly seed: string | number,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export interface ParallelOptions {
  readonly seed?: string | number;
  readonly workers: number;
  readonly reporters?: readonly Reporter[];
  /** makes one worker fail (tests of the thread layer) */
  readonly fault?: ThreadFault;
  /** the layout pilot's counts for this plan and seed, when already measured (autoWorkersFor) */
  readonly traffic?: Traffic;
  /** the first strategy error ends the run */
  readonly strict?: boolean;
  /**
   * Race the threads against an inline run over the first stretch and go on with the faster
   * (fallback.ts): true for the default probe, or its settings. Only runs without a trace (whose
   * lines are written as the threads go) race. Off by default: the threads run to the end.
   */
  readonly fallback?: boolean | ProbeSettings;
  /** told when the run goes inline, before it starts again there */
  readonly onFallback?: (fallback: Fallback) => void;
}

export async function runParallel(base: SimulationPlan, options: ParallelOptions): Promise<RunResult> {
  // External agents are co-simulated on one kernel, which waits for their answers.
  if (base.external.length > 0) throw new Error('a scenario with external organisations runs inline (runSimulationAsync with RunOptions.external), not on worker threads');
  const seed = options.seed ?? base.seed;
  const plan: SimulationPlan = { ...base, seed };
  const reporters = options.reporters ?? [];
  const tracers = reporters.filter((r) => r.onTrace);
  const shards = Math.max(1, options.workers);
  for (const r of reporters) r.onStart?.(plan, seed);

  // Trace lines must be merged in order as windows complete, which needs the main thread in the
  // loop; without a trace the workers coordinate themselves and the main thread only watches
  // (two workers then run without a barrier at all: pair.ts).
  const selfCoordinated = tracers.length === 0;
  // The race: inline first, for its probe, before any thread starts (fallback.ts).
  const settings = options.fallback === true ? DEFAULT_PROBE : options.fallback || undefined;
  let inline: InlineProbe | undefined;
  if (settings !== undefined && selfCoordinated && options.fault === undefined) {
    inline = await probeInline(plan, reporters, settings, options.strict ?? false);
    if (inline.result !== undefined) {
      const fallback: Fallback = { workers: shards, reason: 'short', probe_ms: Math.round(inline.pace.wallMs) };
      options.onFallback?.(fallback);
      return { ...inline.result, fallback };
    }
  }
  const channels = createChannels(shards, runsPaired(shards, selfCoordinated));
  const control = new Int32Array(channels.control);
  const numbers = new ShardNumbers(channels.numbers, shards);
  const { lookaheadUs, sliceUs } = windowing(plan, shards);
  const win = { lookaheadUs, sliceUs, limitUs: drainLimitUs(plan) };
  const pool = new Piscina({ filename: workerScript('worker.js'), minThreads: shards, maxThreads: shards, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  // The layout pilot runs here while the threads start; every thread lays out the run from its counts.
  let traffic: Traffic | undefined;
  try {
    traffic = shards > 1 ? (options.traffic ?? pilotTraffic(plan)) : undefined;
  } catch (err) {
    await pool.destroy();
    throw err;
  }
  const workUs = traffic && Number.isFinite(lookaheadUs) ? lookaheadWorkUs(plan, traffic, lookaheadUs) : 0;
  const tasks = Array.from({ length: shards }, (_, index) => {
    // Spinning needs a core per thread, the main thread's too when it merges the trace; the
    // waits back off by themselves when other load takes a core (wire.ts, Waiter).
    const spins = shards + (tracers.length > 0 ? 1 : 0) <= availableParallelism() ? SPINS : 0;
    const task: ShardTask = { plan, shards, traffic, index, tracing: tracers.length > 0, channels, selfCoordinated, spins, windowing: win, lookaheadWorkUs: workUs, ...(options.fault ? { fault: options.fault } : {}), ...(options.strict ? { strict: true } : {}) };
    return (pool.run(task) as Promise<ShardFinal | ShardError>).catch((err: unknown) => {
      // The thread died: stop the others and wake the coordinator if it is waiting.
      Atomics.store(control, FAILED, index + 1);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
      abortAll(control);
      throw err;
    });
  });
  tasks.forEach((t) => t.catch(() => undefined));
  const failed = new Error('a worker failed');
  let fallback: Fallback | undefined;
  let destroyed = false;
  const destroy = async () => {
    if (!destroyed) await pool.destroy();
    destroyed = true;
  };
  let emitted = 0;
  const counted: Reporter = {
    onTrace: (line) => {
      emitted++;
      for (const r of tracers) r.onTrace!(line);
    },
  };
  const progress = () => {
    let events = 0;
    let negotiations = 0;
    for (let i = 0; i < shards; i++) {
      const n = numbers.read(i);
      events += n.events;
      negotiations += n.negotiations;
    }
    const p: Progress = { virtualUs: latestNowUs(numbers, shards), durationUs: plan.duration, events, negotiations };
    for (const r of reporters) r.onProgress?.(p);
  };

  try {
    if (selfCoordinated) {
      // Progress is sampled, not stepped: it only feeds the progress line. In a race, the probe
      // compares the threads' pace with the inline one and stops them if they are slower.
      let probe = inline ? new ThreadProbe(channels.started, shards, inline.pace, settings) : undefined;
      const showsProgress = reporters.some((r) => r.onProgress);
      let ticks = 0;
      const tick = () => {
        if (showsProgress && ticks++ % 4 === 0) progress();
        if (probe === undefined || fallback !== undefined) return;
        const verdict = probe.check(latestNowUs(numbers, shards));
        if (verdict.kind === 'keep') {
          // the threads go on: the inline run is dropped, and nothing is left to watch
          inline?.drop();
          probe = undefined;
        }
        if (verdict.kind === 'fallback' && Atomics.compareExchange(control, COMMAND, Command.run, Command.abort) === Command.run) {
          fallback = verdict.fallback;
          abortAll(control);
        }
      };
      const timer = showsProgress || probe ? setInterval(tick, 50) : undefined;
      try {
        await Promise.all(tasks);
      } finally {
        if (timer) clearInterval(timer);
      }
      if (fallback !== undefined && inline !== undefined && (await Promise.all(tasks)).some((f) => 'aborted' in f && f.aborted)) {
        // The threads are gone before the inline run resumes: their memory too.
        await destroy();
        options.onFallback?.(fallback);
        return { ...(await inline.finish()), fallback };
      }
      // The threads ran to the end (within their probe, or past it).
      inline?.drop();
      fallback = undefined;
      if (showsProgress) progress();
    } else {
      await coordinate(control, numbers, channels, shards, win, [counted], () => progress(), failed);
    }
    if (Atomics.load(control, FAILED) !== 0) throw failed;
    const finals = (await Promise.all(tasks)).map((f) => {
      if ('error' in f) throw failed;
      return f;
    });
    const endUs = numbers.windowEndUs;
    if (Atomics.load(control, NOT_DRAINED) !== 0) {
      throw new RunInvariantViolation(new InvariantViolation('run did not drain: events still pending past the drain limit', endUs), seed);
    }
    const layout = layOut(plan, shards, traffic);
    // Only what the results read: deriving the agents' keys again here would cost ~0.1 s of a signed run.
    const world = { plan, layout, market: new Market(plan, plan.duration + DRAIN_HORIZON_US), faults: drawFaults(plan) };
    const result = finishRun(
      world,
      finals.map((f) => ({ metrics: MetricsCollector.fromData(f.metrics), checker: DealChecker.fromData(f.checker), settlement: SettlementChecker.fromData(f.settlement), breakers: f.breakers, events: f.events })),
      endUs,
      reporters,
    );
    return { ...result, sync: finals.map((f) => f.sync) };
  } catch (err) {
    abortAll(control);
    if (err !== failed && Atomics.load(control, FAILED) === 0) {
      if (err instanceof InvariantViolation) throw err instanceof RunInvariantViolation ? err : new RunInvariantViolation(err, seed);
      throw err;
    }
    // Find out what went wrong: an error returned as data, or a thread that died.
    for (const [index, settled] of (await Promise.allSettled(tasks)).entries()) {
      if (settled.status === 'rejected') throw new WorkerFailure(`worker ${index} died: ${(settled.reason as Error)?.message ?? String(settled.reason)}`, seed);
      if ('error' in settled.value) {
        const e = settled.value.error;
        if (e.invariant) {
          if (tracers.length > 0) await traceToViolation(plan, tracers, emitted, e.virtualUs);
          throw new RunInvariantViolation(new InvariantViolation(e.message, e.virtualUs), seed);
        }
        throw new WorkerFailure(`worker ${index} failed: ${e.message}\n${e.stack}`, seed);
      }
    }
    throw new WorkerFailure('a worker failed without saying why', seed);
  } finally {
    await destroy();
  }
}

/**
 * The evidence of a violation on threads: the lines of its window (and any held back for
 * ordering) never reached the main thread, so the same run inline, whose trace is the same line
 * for line, hands over those after the `emitted` already written, up to the violation's time.
 */
async function traceToViolation(plan: SimulationPlan, tracers: readonly Reporter[], emitted: number, untilUs: number): Promise<void> {
  const stop = new Error('past the violation');
  let seen = 0;
  const rest: Reporter = {
    onTrace: (line) => {
      if (line.vt_us > untilUs) throw stop;
      if (seen++ >= emitted) for (const r of tracers) r.onTrace!(line);
    },
  };
  try {
    await runSimulationAsync(plan, { reporters: [rest] });
  } catch (err) {
    if (err !== stop && !(err instanceof InvariantViolation)) throw err;
  }
}

/** The main thread drives the windows: after each, it merges the trace lines in key order. */
async function coordinate(
  control: Int32Array,
  numbers: ShardNumbers,
  channels: Channels,
  shards: number,
  win: ShardTask['windowing'],
  tracers: readonly Reporter[],
  progress: () => void,
  failed: Error,
): Promise<void> {
  const allDone = async () => {
    for (let spin = 0; ; spin++) {
      if (Atomics.load(control, FAILED) !== 0) throw failed;
      const done = Atomics.load(control, DONE);
      if (done >= shards) return;
      // Spin a little (a window often ends within microseconds), then sleep without blocking the
      // event loop, so a dying worker is still noticed.
      if (spin < 50) continue;
      const w = waitAsync(control, DONE, done);
      if (w.async) await w.value;
    }
  };
  await allDone();
  let pending: KeyedTraceLine[] = [];
  let nextProgressUs = win.sliceUs;
  for (let epoch = 1; ; epoch++) {
    const plan = planWindow(numbers, shards, win);
    openNext(control, numbers, shards, plan);
    if (plan.state !== 'run') break;
    await allDone();
    // Lines before the lowest horizon are final; later ones may still be preceded by lines
    // another shard produces in a coming window.
    for (let i = 0; i < shards; i++) readOutbox(channels.outboxes[i]![epoch % 2]!, { trace: (l) => pending.push(l) });
    pending.sort(compareKeyed);
    let k = 0;
    while (k < pending.length && pending[k]!.t < plan.watermarkUs) k++;
    for (let n = 0; n < k; n++) for (const r of tracers) r.onTrace!(pending[n]!.line);
    pending = pending.slice(k);
    if (plan.sliceEndUs >= nextProgressUs) {
      nextProgressUs = plan.sliceEndUs + win.sliceUs;
      progress();
    }
  }
  for (const l of pending) for (const r of tracers) r.onTrace!(l.line);
}
