/**
 * What two threads can give on this machine: the arithmetic of bench-strategy's buyers (the
 * opponent model's consultation) run on one thread, then twice at once on two threads, then on
 * one thread again (the one-thread time is the mean of the two).
 * Nothing is shared between the threads, so two units of work taking as long as one would be
 * 2.00x; what the machine gives instead (cores slowing down when both are busy, neighbours) is
 * the ceiling for any two-worker speedup (thread start-up is left out). Prints one JSON line.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { OpponentModel } from '../src/agents/strategies/opponent-model.js';

/** One unit of work: `consultations` consultations of a 65,536-hypothesis model after five asks. */
function unit(consultations: number): number {
  const model = new OpponentModel({ floorSteps: 4096, exponentSteps: 16 });
  let sum = 0;
  for (let c = 0; c < consultations; c++) {
    model.reset(100_000 + c);
    for (let round = 1; round <= 5; round++) model.observe(round, 100_000 - round * 1_500);
    sum += model.belief(90_000, 6, 10).expectedNextAsk;
  }
  return sum;
}

function onThread(consultations: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: consultations });
    worker.once('message', (ms: number) => resolve(ms));
    worker.once('error', reject);
  });
}

if (isMainThread) {
  const consultations = Number(process.argv[2] ?? 600);
  unit(20); // compiled before it is timed
  // One thread before and after the two, so that a machine whose speed drifts meets both alike.
  const oneThread = (): number => {
    const t = performance.now();
    unit(consultations);
    return performance.now() - t;
  };
  const before = oneThread();
  const t = performance.now();
  const threadMs = await Promise.all([onThread(consultations), onThread(consultations)]);
  const twoMs = performance.now() - t;
  const oneMs = (before + oneThread()) / 2;
  process.stdout.write(`${JSON.stringify({ consultations, one_thread_ms: oneMs, two_threads_ms: twoMs, per_thread_ms: threadMs, ratio: (2 * oneMs) / Math.max(...threadMs) })}\n`);
} else {
  unit(20);
  const t = performance.now();
  unit(workerData as number);
  parentPort!.postMessage(performance.now() - t);
}
