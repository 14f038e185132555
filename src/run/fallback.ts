/**
 * Whether worker threads pay on this machine, now: the race behind a run's fallback to inline.
 *
 * Threads that wait on each other more than they work are slower than one thread: on a machine
 * whose other core is busy (a CI runner, a laptop), or for a scenario whose lookahead holds too
 * little work. The results are the same either way (the determinism contract), so a run can try
 * both on its first stretch and go on with the faster.
 *
 * The race: the run starts inline and runs for `probeMs` of wall time, then stops (its state
 * kept); the threads start from the beginning and run for as long, once every thread has built
 * its shard. Each side's pace is the virtual time it covered per wall millisecond. Threads that
 * keep up with `keepMinSpeed` times the inline pace go on and the inline run is dropped;
 * otherwise the threads are stopped and the inline run resumes where it stopped, so what the
 * race costs is the threads' start and probe. A run that ends within its inline probe never
 * starts threads at all.
 *
 * This is the thread layer's plumbing, not the simulation's: the clock read here decides only
 * where the run runs, never what it computes, and a run that went inline says so in its report.
 */

import type { SimulationPlan } from '../scenario/schema.js';
import { inlineRunError, inlineSteps, type Reporter, type RunResult } from '../simulation.js';
import { loadStrategyModules } from './strategy-modules.js';

/** Wall-clock milliseconds, for the race. */
export function wallMs(): number {
  return performance.now();
}

/** The race's settings; the defaults suit a run of seconds. */
export interface ProbeSettings {
  /** wall time each side runs before they are compared */
  readonly probeMs: number;
  /** threads slower than this times the inline pace go inline */
  readonly keepMinSpeed: number;
}

export const DEFAULT_PROBE: ProbeSettings = { probeMs: 300, keepMinSpeed: 1 };

/** Why a run asked for threads ran inline. */
export interface Fallback {
  /** worker threads the run was asked for */
  readonly workers: number;
  /** `slower`: the threads lost the race; `short`: the run ended within its inline probe */
  readonly reason: 'slower' | 'short';
  /** wall time each side ran, ms */
  readonly probe_ms: number;
  /** virtual µs covered per wall ms, inline and on the threads (absent when the run was short) */
  readonly inline_pace?: number;
  readonly threads_pace?: number;
  /** the threads' pace over the inline one */
  readonly speed?: number;
}

/** The inline side: virtual time covered since its first window, and the wall time it took. */
export interface Pace {
  readonly virtualUs: number;
  readonly wallMs: number;
}

export const paceOf = (p: Pace): number => (p.wallMs > 0 ? p.virtualUs / p.wallMs : Infinity);

export type Verdict = { readonly kind: 'wait' } | { readonly kind: 'keep' } | { readonly kind: 'fallback'; readonly fallback: Fallback };

/**
 * Watches the threads of one run against the inline pace. `check` is called from the main
 * thread every so often with the virtual time the threads reached; it says wait, keep (final) or
 * fall back (final).
 */
export class ThreadProbe {
  private readonly started: Int32Array;
  private startMs: number | undefined;
  private decided = false;

  constructor(
    started: SharedArrayBuffer,
    private readonly workers: number,
    private readonly inline: Pace,
    private readonly settings: ProbeSettings = DEFAULT_PROBE,
    private readonly now: () => number = wallMs,
  ) {
    this.started = new Int32Array(started);
  }

  check(threadsVirtualUs: number): Verdict {
    if (this.decided) return { kind: 'keep' };
    for (let i = 0; i < this.workers; i++) if (Atomics.load(this.started, i) !== 1) return { kind: 'wait' };
    const now = this.now();
    this.startMs ??= now;
    const ranMs = now - this.startMs;
    if (ranMs < this.settings.probeMs) return { kind: 'wait' };
    this.decided = true;
    return judge(this.inline, { virtualUs: threadsVirtualUs, wallMs: ranMs }, this.settings, this.workers);
  }
}

/** The verdict: fall back when the threads covered less virtual time per wall ms than `keepMinSpeed` times inline. */
export function judge(inline: Pace, threads: Pace, settings: ProbeSettings, workers: number): Verdict {
  const inlinePace = paceOf(inline);
  const threadsPace = paceOf(threads);
  const speed = threadsPace / inlinePace;
  if (speed >= settings.keepMinSpeed) return { kind: 'keep' };
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    kind: 'fallback',
    fallback: { workers, reason: 'slower', probe_ms: Math.round(threads.wallMs), inline_pace: round(inlinePace, 1), threads_pace: round(threadsPace, 1), speed: round(speed, 2) },
  };
}

/** One line for a person: what the race saw and what the run did. */
export function describeFallback(f: Fallback): string {
  if (f.reason === 'short') return `the run ended within its first ${(f.probe_ms / 1000).toFixed(1)} s inline: no worker threads were needed`;
  return `${f.workers} worker threads ran at ${f.speed!.toFixed(2)}x the inline pace over their first ${(f.probe_ms / 1000).toFixed(1)} s: ran inline, with the same results (--no-fallback keeps the threads)`;
}

/** The inline side of the race, stopped after its probe (or ended within it). */
export interface InlineProbe {
  /** the run's result when it ended within the probe */
  readonly result?: RunResult;
  readonly pace: Pace;
  /** resumes the run to its end; the reporters' progress is passed on from here */
  finish(): Promise<RunResult>;
  /** drops the run (the threads won) */
  drop(): void;
}

/**
 * Runs `plan` inline for `probeMs` of wall time after its first window (the world is built by
 * then), and stops it there. The reporters see no progress until the run resumes (if the threads
 * win, they report their own from the start), and were told of the start already.
 */
export async function probeInline(plan: SimulationPlan, reporters: readonly Reporter[], settings: ProbeSettings, strict: boolean): Promise<InlineProbe> {
  let passOn = false;
  const rest = reporters.map((r): Reporter => ({ onProgress: r.onProgress && ((p) => passOn && r.onProgress!(p)), onEnd: r.onEnd?.bind(r) }));
  let first: { ms: number; us: number } | undefined;
  let last = { ms: 0, us: 0 };
  let probing = true;
  let paused = false;
  const pause = (nowUs: number): boolean => {
    if (!probing) return false;
    const ms = wallMs();
    first ??= { ms, us: nowUs };
    last = { ms, us: nowUs };
    paused = ms - first.ms >= settings.probeMs;
    return paused;
  };
  const problems = await loadStrategyModules(plan);
  if (problems.length > 0) throw new Error(`strategy modules cannot be used:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  const steps = inlineSteps(plan, { seed: plan.seed, reporters: rest, strict, pause });
  /** Runs until the run ends (its result) or pauses (undefined). */
  const drive = async (): Promise<RunResult | undefined> => {
    try {
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        if (paused) return undefined;
        await step.value;
      }
    } catch (err) {
      throw inlineRunError(err, plan.seed);
    }
  };
  const result = await drive();
  const pace = first ? { virtualUs: last.us - first.us, wallMs: last.ms - first.ms } : { virtualUs: 0, wallMs: 0 };
  return {
    ...(result ? { result } : {}),
    pace,
    async finish() {
      probing = false;
      paused = false;
      passOn = true;
      return (await drive())!;
    },
    drop() {
      probing = false;
      steps.return(undefined as never);
    },
  };
}
