/**
 * What two threads can give on this machine for one kind of work, run on one thread, then twice
 * at once on two threads, then on one thread again (the one-thread time is the mean of the two):
 *
 *   node dist/bench/ceiling.js [units] [arithmetic | eddsa | es256]
 *
 * - arithmetic (the default): bench-strategy's buyers' work, the opponent model's consultation;
 * - eddsa, es256: bench-signing's, a quote envelope signed by its sender and verified by its
 *   receiver (RFC 8785, nonce, detached JWS, key lookup: the OpenSSL signature does most of it).
 *
 * Nothing is shared between the threads, so two units of work taking as long as one would be
 * 2.00x; what the machine gives instead (cores slowing down when both are busy, neighbours, a
 * core's resources shared between the two) is the ceiling for any two-worker speedup on that
 * kind of work. Both threads warm up, then start together; the pair's time runs from the first
 * start to the last end (thread start-up is left out). Prints one JSON line.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { OpponentModel } from '../src/agents/strategies/opponent-model.js';
import { signingPair } from './floors.js';

type Kind = 'arithmetic' | 'eddsa' | 'es256';
const KINDS: readonly Kind[] = ['arithmetic', 'eddsa', 'es256'];
/** Units per measurement by default: a few seconds on one thread here. */
const DEFAULT_UNITS: Record<Kind, number> = { arithmetic: 600, eddsa: 12_000, es256: 10_000 };

/** `n` consultations of a 65,536-hypothesis model after five asks. */
function consultations(n: number): number {
  const model = new OpponentModel({ floorSteps: 4096, exponentSteps: 16 });
  let sum = 0;
  for (let c = 0; c < n; c++) {
    model.reset(100_000 + c);
    for (let round = 1; round <= 5; round++) model.observe(round, 100_000 - round * 1_500);
    sum += model.belief(90_000, 6, 10).expectedNextAsk;
  }
  return sum;
}

/** `n` quote envelopes, each signed and then verified. */
function signatures(algorithm: 'eddsa' | 'es256', n: number): number {
  const { signer, verifier, quote } = signingPair(algorithm);
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    const m = { ...structuredClone(quote), id: `msg_store-1_${i}` } as never;
    signer.seal(m, 0);
    if (verifier.check(m, 0).kind === 'accept') accepted++;
  }
  if (accepted !== n) throw new Error(`${n - accepted} of ${n} signed messages were refused`);
  return accepted;
}

function unit(kind: Kind, n: number): number {
  return kind === 'arithmetic' ? consultations(n) : signatures(kind, n);
}

/** A little of the work, so that it is compiled before it is timed. */
function warmUp(kind: Kind): void {
  unit(kind, kind === 'arithmetic' ? 20 : 200);
}

/** When a thread's timed work began and ended, in ms on a clock every thread shares. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/** Runs the work on a thread that starts its timed part once `threads` threads are warmed up. */
function onThread(kind: Kind, n: number, gate: SharedArrayBuffer, threads: number): Promise<Span> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { kind, n, gate, threads } });
    worker.once('message', (span: Span) => resolve(span));
    worker.once('error', reject);
  });
}

/** Now, on a clock shared by all threads (each thread's performance.now() has its own origin). */
const sharedNow = (): number => performance.timeOrigin + performance.now();

if (isMainThread) {
  const kind = (process.argv[3] ?? 'arithmetic') as Kind;
  if (!KINDS.includes(kind)) {
    process.stderr.write(`usage: node dist/bench/ceiling.js [units] [${KINDS.join(' | ')}]\n`);
    process.exit(2);
  }
  const n = process.argv[2] ? Number(process.argv[2]) : DEFAULT_UNITS[kind];
  warmUp(kind);
  // One thread before and after the two, so that a machine whose speed drifts meets both alike.
  const oneThread = (): number => {
    const t = performance.now();
    unit(kind, n);
    return performance.now() - t;
  };
  const before = oneThread();
  const gate = new SharedArrayBuffer(4);
  const spans = await Promise.all([onThread(kind, n, gate, 2), onThread(kind, n, gate, 2)]);
  // From the first start to the last end: a thread that ran while the other had not begun, or
  // after it finished, did not share the machine, and that time counts against the pair.
  const twoMs = Math.max(...spans.map((x) => x.end)) - Math.min(...spans.map((x) => x.start));
  const oneMs = (before + oneThread()) / 2;
  const perThread = spans.map((x) => x.end - x.start);
  process.stdout.write(`${JSON.stringify({ kind, units: n, one_thread_ms: oneMs, two_threads_ms: twoMs, per_thread_ms: perThread, ratio: (2 * oneMs) / twoMs })}\n`);
} else {
  const { kind, n, gate, threads } = workerData as { kind: Kind; n: number; gate: SharedArrayBuffer; threads: number };
  warmUp(kind);
  // Start together: each thread counts itself in and waits for the rest.
  const ready = new Int32Array(gate);
  Atomics.add(ready, 0, 1);
  Atomics.notify(ready, 0);
  for (let seen = Atomics.load(ready, 0); seen < threads; seen = Atomics.load(ready, 0)) Atomics.wait(ready, 0, seen);
  const start = sharedNow();
  unit(kind, n);
  parentPort!.postMessage({ start, end: sharedNow() } satisfies Span);
}
