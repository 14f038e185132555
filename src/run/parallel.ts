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
import { InvariantViolation } from '../engine/kernel.js';
import { Market } from '../market/market.js';
import { MetricsCollector } from '../metrics/collector.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { DRAIN_HORIZON_US, RunInvariantViolation, finishRun, windowEnd, windowing, type Progress, type Reporter, type RunResult } from '../simulation.js';
import { layOut } from './layout.js';
import { compareKeyed, sharedWorld, type KeyedTraceLine } from './shard.js';
import { COMMAND, Command, DONE, EPOCH, FAILED, ShardNumbers, createChannels, readOutbox, type ShardTask, type ThreadFault } from './wire.js';
import type { ShardError, ShardFinal } from './worker.js';

/** `auto` workers: one per core. */
export function autoWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The compiled worker script (tests run from sources, so they use the build in dist/). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'worker.js');
  const built = join(dirname(here), '..', '..', 'dist', 'src', 'run', 'worker.js');
  if (!existsSync(built)) throw new Error(`worker threads need the build: run "npm run build" (missing ${built})`);
  return built;
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
}

export async function runParallel(base: SimulationPlan, options: ParallelOptions): Promise<RunResult> {
  const seed = options.seed ?? base.seed;
  const plan: SimulationPlan = { ...base, seed };
  const reporters = options.reporters ?? [];
  const tracers = reporters.filter((r) => r.onTrace);
  const shards = Math.max(1, options.workers);
  for (const r of reporters) r.onStart?.(plan, seed);

  const channels = createChannels(shards);
  const control = new Int32Array(channels.control);
  const numbers = new ShardNumbers(channels.numbers, shards);
  const pool = new Piscina({ filename: workerFile(), minThreads: shards, maxThreads: shards, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  const tasks = Array.from({ length: shards }, (_, index) => {
    const task: ShardTask = { plan, shards, index, tracing: tracers.length > 0, channels, ...(options.fault ? { fault: options.fault } : {}) };
    return (pool.run(task) as Promise<ShardFinal | ShardError>).catch((err: unknown) => {
      // The thread died: wake the coordinator if it is waiting for this shard.
      Atomics.store(control, FAILED, index + 1);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
      throw err;
    });
  });
  tasks.forEach((t) => t.catch(() => undefined));
  const failed = new Error('a worker failed');

  const allDone = async () => {
    for (let spin = 0; ; spin++) {
      if (Atomics.load(control, FAILED) !== 0) throw failed;
      const done = Atomics.load(control, DONE);
      if (done >= shards) return;
      // Spin first: a window often ends within microseconds; then sleep without blocking the
      // event loop, so a dying worker is still noticed.
      if (spin < 50) continue;
      const w = waitAsync(control, DONE, done);
      if (w.async) await w.value;
    }
  };

  try {
    await allDone();
    const { lookaheadUs, sliceUs } = windowing(plan, shards);
    const limitUs = plan.duration + DRAIN_HORIZON_US * 10;
    let nextProgressUs = sliceUs;
    let nowUs = 0;
    let epoch = 0;
    let pendingTrace: KeyedTraceLine[] = [];
    const nexts = new Array<number>(shards).fill(Infinity);
    for (;;) {
      let next = Infinity;
      for (let i = 0; i < shards; i++) {
        nexts[i] = numbers.effectiveNextUs(i);
        next = Math.min(next, nexts[i]!);
      }
      if (next === Infinity) break;
      if (next > limitUs) throw new RunInvariantViolation(new InvariantViolation(`run did not drain: events pending at ${next} µs`, nowUs), seed);
      // Within a window no shard receives anything, so shard i can next hear from shard j at
      // j's next event plus the lookahead, and an answer to what i itself sends can come back
      // no sooner than its own next event plus twice the lookahead. It runs up to the earliest
      // of those, and never past the next progress slice.
      const sliceEndUs = windowEnd(next, Infinity, sliceUs);
      let watermarkUs = Infinity;
      for (let i = 0; i < shards; i++) {
        let others = Infinity;
        for (let j = 0; j < shards; j++) if (j !== i) others = Math.min(others, nexts[j]!);
        const horizon = Math.min(others + lookaheadUs, nexts[i]! + 2 * lookaheadUs, sliceEndUs);
        numbers.setHorizonUs(i, horizon);
        watermarkUs = Math.min(watermarkUs, horizon);
      }
      const endUs = sliceEndUs;
      Atomics.store(control, DONE, 0);
      Atomics.store(control, COMMAND, Command.run);
      epoch++;
      Atomics.store(control, EPOCH, epoch);
      Atomics.notify(control, EPOCH);
      await allDone();
      for (let i = 0; i < shards; i++) nowUs = Math.max(nowUs, numbers.read(i).nowUs);
      if (tracers.length > 0) {
        // Lines before the lowest horizon are final; later ones may still be preceded by lines
        // another shard produces in a coming window.
        for (let i = 0; i < shards; i++) readOutbox(channels.outboxes[i]![(epoch % 2) as 0 | 1], { trace: (l) => pendingTrace.push(l) });
        pendingTrace.sort(compareKeyed);
        let k = 0;
        while (k < pendingTrace.length && pendingTrace[k]!.t < watermarkUs) k++;
        for (const l of pendingTrace.slice(0, k)) for (const r of tracers) r.onTrace!(l.line);
        pendingTrace = pendingTrace.slice(k);
      }
      if (endUs >= nextProgressUs && reporters.length > 0) {
        nextProgressUs = (Math.floor(endUs / sliceUs) + 1) * sliceUs;
        let events = 0;
        let negotiations = 0;
        for (let i = 0; i < shards; i++) {
          const n = numbers.read(i);
          events += n.events;
          negotiations += n.negotiations;
        }
        const progress: Progress = { virtualUs: nowUs, durationUs: plan.duration, events, negotiations };
        for (const r of reporters) r.onProgress?.(progress);
      }
    }
    for (const l of pendingTrace) for (const r of tracers) r.onTrace!(l.line);
    numbers.windowEndUs = nowUs;
    Atomics.store(control, COMMAND, Command.finish);
    Atomics.store(control, EPOCH, epoch + 1);
    Atomics.notify(control, EPOCH);
    const finals = (await Promise.all(tasks)).map((f) => {
      if ('error' in f) throw failed;
      return f;
    });
    const layout = layOut(plan, shards);
    const world = sharedWorld(plan, layout, new Market(plan, plan.duration + DRAIN_HORIZON_US));
    return finishRun(
      world,
      finals.map((f) => ({ metrics: MetricsCollector.fromData(f.metrics), checker: DealChecker.fromData(f.checker), breakers: f.breakers, events: f.events })),
      nowUs,
      reporters,
    );
  } catch (err) {
    Atomics.store(control, COMMAND, Command.abort);
    Atomics.add(control, EPOCH, 1);
    Atomics.notify(control, EPOCH);
    if (err !== failed) {
      if (err instanceof InvariantViolation) throw err instanceof RunInvariantViolation ? err : new RunInvariantViolation(err, seed);
      throw err;
    }
    // Find out what went wrong: an error returned as data, or a thread that died.
    for (const [index, settled] of (await Promise.allSettled(tasks)).entries()) {
      if (settled.status === 'rejected') throw new WorkerFailure(`worker ${index} died: ${(settled.reason as Error)?.message ?? String(settled.reason)}`, seed);
      if ('error' in settled.value) {
        const e = settled.value.error;
        if (e.invariant) throw new RunInvariantViolation(new InvariantViolation(e.message, e.virtualUs), seed);
        throw new WorkerFailure(`worker ${index} failed: ${e.message}\n${e.stack}`, seed);
      }
    }
    throw new WorkerFailure('a worker failed without saying why', seed);
  } finally {
    await pool.destroy();
  }
}
