/**
 * Whether worker threads pay on this machine, now: the probe behind a run's fallback to inline.
 *
 * Threads that wait on each other more than they work are slower than one thread: on a machine
 * whose other core is busy (a CI runner, a laptop), or for a scenario whose lookahead holds too
 * little work. The results are the same either way (the determinism contract), so a run that
 * finds its threads slower than one core would be can run inline instead.
 *
 * The measure: over a probe of the run's first stretch, the CPU time of the whole process (every
 * thread), less the time the threads spent spinning on each other, is the work done; that work
 * over the wall time of the probe is how many cores' worth of work the threads kept running. An
 * inline run keeps one core busy, so below one (KEEP_MIN_PARALLELISM) the threads are slower
 * than inline would be. Time the threads sleep costs no CPU and is not counted as work; time they
 * spin is measured on the wall clock by each thread (SpinClock) and taken off.
 *
 * This is the thread layer's plumbing, not the simulation's: the clocks read here decide only
 * where the run runs, never what it computes, and a run that falls back says so in its report.
 */

/** Wall-clock milliseconds, for the probe and the spin accounting. */
export function wallMs(): number {
  return performance.now();
}

/** Per shard, in a shared Float64Array: [2i] 1 once the shard runs its loop, [2i + 1] ms spent spinning. */
export const TIMING_SLOTS_PER_SHARD = 2;

/** A thread's spin accounting: adds the wall time of each spin to its slot. */
export class SpinClock {
  private readonly slots: Float64Array;
  constructor(
    timing: SharedArrayBuffer,
    private readonly shard: number,
  ) {
    this.slots = new Float64Array(timing);
  }

  /** The shard's loop has started (building the shard is not part of the probe). */
  ready(): void {
    this.slots[this.shard * TIMING_SLOTS_PER_SHARD] = 1;
  }

  /** Adds the spin that began at `fromMs`. */
  spun(fromMs: number): void {
    this.slots[this.shard * TIMING_SLOTS_PER_SHARD + 1]! += wallMs() - fromMs;
  }
}

/** The probe's settings; the defaults suit a run of seconds. */
export interface ProbeSettings {
  /** wall time the threads run before the verdict */
  readonly probeMs: number;
  /** cores' worth of work below which the run goes inline */
  readonly keepMinParallelism: number;
  /** no verdict once the run is this far through its virtual duration: finishing costs less */
  readonly lateShare: number;
}

export const KEEP_MIN_PARALLELISM = 1;
export const DEFAULT_PROBE: ProbeSettings = { probeMs: 400, keepMinParallelism: KEEP_MIN_PARALLELISM, lateShare: 0.5 };

/** Why a run on threads went inline. */
export interface Fallback {
  /** worker threads the run was asked for */
  readonly workers: number;
  /** wall time of the probe, ms */
  readonly probe_ms: number;
  /** cores' worth of work the threads kept running over the probe (an inline run keeps 1) */
  readonly parallelism: number;
  /** CPU time of the process over the probe, ms, and the part of it spent spinning */
  readonly cpu_ms: number;
  readonly spin_ms: number;
  /** how far through the run (virtual time) the threads had come */
  readonly virtual_share: number;
}

export type Verdict = { readonly kind: 'wait' } | { readonly kind: 'keep' } | { readonly kind: 'fallback'; readonly fallback: Fallback };

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly spinMs: number;
}

/**
 * Watches the threads of one run. `check` is called from the main thread every so often with
 * the share of the virtual duration done; it says wait, keep (final) or fall back (final).
 */
export class ThreadProbe {
  private readonly slots: Float64Array;
  private start: Sample | undefined;
  private decided = false;

  constructor(
    timing: SharedArrayBuffer,
    private readonly shards: number,
    private readonly settings: ProbeSettings = DEFAULT_PROBE,
    private readonly sample: () => Sample = () => processSample(new Float64Array(timing), shards),
  ) {
    this.slots = new Float64Array(timing);
  }

  check(virtualShare: number): Verdict {
    if (this.decided) return { kind: 'keep' };
    for (let i = 0; i < this.shards; i++) if (this.slots[i * TIMING_SLOTS_PER_SHARD] !== 1) return { kind: 'wait' };
    const now = this.sample();
    if (this.start === undefined) {
      this.start = now;
      return { kind: 'wait' };
    }
    const probeMs = now.wallMs - this.start.wallMs;
    if (virtualShare >= this.settings.lateShare) return this.keep();
    if (probeMs < this.settings.probeMs) return { kind: 'wait' };
    const verdict = judge(this.start, now, this.settings, this.shards, virtualShare);
    this.decided = true;
    return verdict;
  }

  private keep(): Verdict {
    this.decided = true;
    return { kind: 'keep' };
  }
}

/** The verdict from two samples: fall back when the work kept fewer than `keepMinParallelism` cores busy. */
export function judge(from: Sample, to: Sample, settings: ProbeSettings, workers: number, virtualShare: number): Verdict {
  const probeMs = to.wallMs - from.wallMs;
  const cpuMs = to.cpuMs - from.cpuMs;
  const spinMs = Math.min(cpuMs, to.spinMs - from.spinMs);
  const parallelism = probeMs > 0 ? (cpuMs - spinMs) / probeMs : Infinity;
  if (parallelism >= settings.keepMinParallelism) return { kind: 'keep' };
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    kind: 'fallback',
    fallback: { workers, probe_ms: Math.round(probeMs), parallelism: round(parallelism, 2), cpu_ms: Math.round(cpuMs), spin_ms: Math.round(spinMs), virtual_share: round(virtualShare, 4) },
  };
}

function processSample(slots: Float64Array, shards: number): Sample {
  const cpu = process.cpuUsage();
  let spinMs = 0;
  for (let i = 0; i < shards; i++) spinMs += slots[i * TIMING_SLOTS_PER_SHARD + 1]!;
  return { wallMs: wallMs(), cpuMs: (cpu.user + cpu.system) / 1000, spinMs };
}

/** One line for a person: what the probe saw and what the run did. */
export function describeFallback(f: Fallback): string {
  return `${f.workers} worker threads kept ${f.parallelism.toFixed(2)} of a core busy over the first ${(f.probe_ms / 1000).toFixed(1)} s (one thread keeps 1): ran inline instead, with the same results (--no-fallback keeps the threads)`;
}
