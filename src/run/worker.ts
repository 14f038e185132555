/**
 * A worker thread hosting one shard. It builds the shard from the scenario, then loops over
 * windows opened by the coordinator through shared memory, until told to finish; its result is
 * the shard's final metrics and records. Errors travel back as the task's rejection, after the
 * failure flag has woken the coordinator.
 */
import type { RemoteDelivery } from '../broker/broker.js';
import type { DealCheckerData } from '../checkers/deals.js';
import type { SettlementCheckerData } from '../checkers/settlement.js';
import { InvariantViolation } from '../engine/kernel.js';
import { Market } from '../market/market.js';
import type { MetricsData } from '../metrics/collector.js';
import { DRAIN_HORIZON_US, type ThreadSync } from '../simulation.js';
import { layOut, type Layout } from './layout.js';
import { Aborted, EAGER_WAKE_MIN_WORK_US, PairLink, STEPS_PER_LOOKAHEAD } from './pair.js';
import { Shard, sharedWorld, type BreakerReport } from './shard.js';
import { loadStrategyModules } from './strategy-modules.js';
import { abortAll, COMMAND, Command, DONE, EPOCH, FAILED, latestNowUs, NOT_DRAINED, openNext, OutboxWriter, planWindow, runsPaired, ShardNumbers, readOutbox, Waiter, type ShardTask } from './wire.js';

/** A failure inside a worker, as data: an invariant violation keeps its virtual time. */
export interface ShardError {
  readonly error: { readonly invariant: boolean; readonly message: string; readonly virtualUs: number; readonly stack: string };
}

/** What a worker returns when the run ends. */
export interface ShardFinal {
  readonly metrics: MetricsData;
  readonly checker: DealCheckerData;
  readonly settlement: SettlementCheckerData;
  readonly breakers: BreakerReport[];
  readonly events: number;
  readonly nowUs: number;
  /** how this thread advanced: steps (or windows) run, and times it had to wait for another */
  readonly sync: ThreadSync;
  /** the main thread stopped the run before its end (to run it inline instead: fallback.ts) */
  readonly aborted: boolean;
}

export default async function runShard(task: ShardTask): Promise<ShardFinal | ShardError> {
  const control = new Int32Array(task.channels.control);
  const numbers = new ShardNumbers(task.channels.numbers, task.shards);
  try {
    // Plug-in strategies load in every thread (each thread has its own modules).
    const problems = await loadStrategyModules(task.plan);
    if (problems.length > 0) throw new Error(`strategy modules cannot be used: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    const layout = layOut(task.plan, task.shards, task.traffic);
    const world = { ...sharedWorld(task.plan, layout, new Market(task.plan, task.plan.duration + DRAIN_HORIZON_US)), strict: task.strict ?? false };
    const shard = new Shard(world, task.index, task.tracing);
    shard.start();
    // The shard is built: from here on the main thread's probe times this thread (fallback.ts).
    Atomics.store(new Int32Array(task.channels.started), task.index, 1);
    const { sync, aborted } = runsPaired(task.shards, task.selfCoordinated) ? await runPaired(task, shard, control, numbers) : await runWindows(task, shard, layout, control, numbers);
    return {
      aborted,
      metrics: shard.metrics.toData(),
      checker: shard.checker.toData(),
      settlement: shard.settlementChecker.toData(),
      // At the end of the run the window-end slot holds the end of the whole run.
      breakers: shard.breakers(numbers.windowEndUs),
      events: shard.kernel.eventsProcessed,
      nowUs: shard.kernel.nowUs,
      sync,
    };
  } catch (err) {
    Atomics.store(control, FAILED, task.index + 1);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    abortAll(control);
    const e = err instanceof Error ? err : new Error(String(err));
    return { error: { invariant: err instanceof InvariantViolation, message: e.message, virtualUs: err instanceof InvariantViolation ? err.virtualUs : -1, stack: e.stack ?? '' } };
  }
}

/** Runs on to `endUs` through every strategy's Promise (virtual time stands still while one is pending). */
async function finishAsync(shard: Shard, endUs: number): Promise<void> {
  while (shard.kernel.blocked !== undefined) {
    await shard.kernel.resume();
    shard.runUntil(endUs);
  }
}

function injectFault(task: ShardTask, shard: Shard): void {
  const fault = task.fault;
  if (fault && fault.shard === task.index && shard.kernel.nowUs >= fault.atUs) {
    if (fault.kind === 'exit') process.exit(70);
    if (fault.kind === 'invariant') throw new InvariantViolation(`injected invariant violation in shard ${task.index}`, shard.kernel.nowUs);
    throw new Error(`injected fault in shard ${task.index} at ${shard.kernel.nowUs} µs`);
  }
}

/** Windows with a barrier: the coordinator (or the last shard to finish one) opens the next. */
async function runWindows(task: ShardTask, shard: Shard, layout: Layout, control: Int32Array, numbers: ShardNumbers): Promise<{ sync: ThreadSync; aborted: boolean }> {
  let windows = 0;
  const earliestSent = new Array<number>(task.shards).fill(Infinity);
  const report = () => {
    const k = shard.kernel;
    numbers.writeSent(task.index, earliestSent);
    numbers.write(task.index, shard.nextTimeUs(), k.nowUs, k.eventsProcessed, shard.metrics.negotiationLatency.count);
    const arrived = Atomics.add(control, DONE, 1) + 1;
    if (task.selfCoordinated) {
      // The last shard to finish plans the next window for everyone.
      if (arrived === task.shards) openNext(control, numbers, task.shards, planWindow(numbers, task.shards, task.windowing));
    } else {
      Atomics.notify(control, DONE);
    }
  };
  report();
  let epoch = 0;
  let prepared = 0;
  const waiter = new Waiter(task.spins);
  for (;;) {
    // Until the next window opens, do work the agents here will need anyway.
    while (Atomics.load(control, EPOCH) === epoch && shard.prepareAhead()) prepared++;
    waiter.wait(control, EPOCH, epoch);
    epoch = Atomics.load(control, EPOCH);
    if (Atomics.load(control, COMMAND) !== Command.run) break;
    // Deliveries the other shards produced in the previous window, for agents of this one.
    const previous = (epoch - 1) % 2;
    for (let other = 0; other < task.shards; other++) {
      if (other === task.index) continue;
      readOutbox(task.channels.outboxes[other]![previous]!, { shard: task.index, delivery: (d) => shard.acceptRemote([d]) });
    }
    const horizonUs = numbers.horizonUs(task.index);
    shard.runUntil(horizonUs);
    if (shard.kernel.blocked !== undefined) await finishAsync(shard, horizonUs);
    windows++;
    injectFault(task, shard);
    const out = new OutboxWriter(task.channels.outboxes[task.index]![epoch % 2]!);
    earliestSent.fill(Infinity);
    for (const d of shard.takeOutbox()) {
      const target = layout.agents[d.toId]!.shard;
      out.delivery(target, d);
      if (d.t < earliestSent[target]!) earliestSent[target] = d.t;
    }
    for (const l of shard.takeTrace()) out.trace(l);
    out.close();
    report();
  }
  // every window ends at the barrier
  return { sync: { steps: windows, waits: windows, prepared, slept: waiter.slept }, aborted: Atomics.load(control, COMMAND) === Command.abort };
}

/**
 * Two shards without a barrier (pair.ts): each runs as far as the other's published head
 * allows, and waits only when it has caught up with it.
 */
async function runPaired(task: ShardTask, shard: Shard, control: Int32Array, numbers: ShardNumbers): Promise<{ sync: ThreadSync; aborted: boolean }> {
  const sync = { steps: 0, waits: 0, prepared: 0 };
  let aborted = false;
  const link = new PairLink(task.channels, task.index as 0 | 1, task.spins, task.lookaheadWorkUs >= EAGER_WAKE_MIN_WORK_US);
  const { lookaheadUs, limitUs } = task.windowing;
  const stepUs = Math.max(1, Math.floor(lookaheadUs / STEPS_PER_LOOKAHEAD));
  const accept = (d: RemoteDelivery) => shard.acceptRemote([d]);
  const nextUs = () => shard.nextTimeUs();
  const progress = () => {
    const k = shard.kernel;
    numbers.write(task.index, shard.nextTimeUs(), k.nowUs, k.eventsProcessed, shard.metrics.negotiationLatency.count);
  };
  try {
    for (;;) {
      const signal = link.otherSignal();
      const bound = link.receive(accept);
      const next = shard.nextTimeUs();
      if (Math.min(next, bound) > limitUs) {
        // Neither shard will run anything more: the run is over (or did not drain).
        if (next !== Infinity) Atomics.store(control, NOT_DRAINED, 1);
        progress();
        link.publish(next);
        break;
      }
      // Short steps keep the head fresh for a partner that spins; a sleeping one is woken when
      // it has a lookahead to run, so this shard goes as far as the bound allows (pair.ts).
      const step = link.otherAsleep() ? Infinity : stepUs;
      const horizon = Math.min(bound + lookaheadUs, next + 2 * lookaheadUs, next + step, limitUs + 1);
      if (horizon > next) {
        shard.runUntil(horizon);
        if (shard.kernel.blocked !== undefined) await finishAsync(shard, horizon);
        sync.steps++;
        injectFault(task, shard);
        link.send(shard.takeOutbox(), accept, nextUs, lookaheadUs);
        progress();
        link.publishStep(shard.nextTimeUs());
      } else {
        if (link.owesPublication(next)) link.publish(next);
        // Until the other publishes, do work the agents here will need anyway.
        while (link.otherSignal() === signal && shard.prepareAhead()) sync.prepared++;
        link.waitOther(signal);
        sync.waits++;
      }
    }
    // Both shards end here; the run ends at the later one's last event.
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    for (let done = Atomics.load(control, DONE); done < 2; done = Atomics.load(control, DONE)) Atomics.wait(control, DONE, done);
    numbers.windowEndUs = latestNowUs(numbers, 2);
  } catch (err) {
    // The other worker failed, or the main thread runs the scenario inline instead: the run is
    // being torn down (a failure is the other's to report).
    if (!(err instanceof Aborted)) throw err;
    aborted = true;
  }
  return { sync: { ...sync, slept: link.waiter.slept, wakes: link.wakes }, aborted };
}
