import { describe, expect, it } from 'vitest';
import { describeFallback, judge, SpinClock, ThreadProbe, TIMING_SLOTS_PER_SHARD, type ProbeSettings } from '../../src/run/fallback.js';

const settings: ProbeSettings = { probeMs: 400, keepMinParallelism: 1, lateShare: 0.5 };
const at = (wallMs: number, cpuMs: number, spinMs = 0) => ({ wallMs, cpuMs, spinMs });

describe('judge', () => {
  it('keeps threads that kept more than a core busy with work', () => {
    // 500 ms of wall time, 900 ms of CPU of which 100 ms spinning: 1.6 cores of work.
    expect(judge(at(0, 0), at(500, 900, 100), settings, 2, 0.1)).toEqual({ kind: 'keep' });
  });

  it('goes inline when the threads kept less than a core busy: waits on each other cost the difference', () => {
    // 500 ms of wall time, 300 ms of CPU: the threads mostly slept waiting for each other.
    const v = judge(at(1000, 2000), at(1500, 2300), settings, 2, 0.04);
    expect(v).toEqual({ kind: 'fallback', fallback: { workers: 2, probe_ms: 500, parallelism: 0.6, cpu_ms: 300, spin_ms: 0, virtual_share: 0.04 } });
  });

  it('does not count spinning as work: two threads spinning on each other look busy but are not', () => {
    // Both cores busy (1000 ms of CPU in 500 ms), but 700 ms of it spinning.
    const v = judge(at(0, 0), at(500, 1000, 700), settings, 2, 0.1);
    if (v.kind !== 'fallback') throw new Error(`expected a fallback, got ${v.kind}`);
    expect(v.fallback.parallelism).toBe(0.6);
    expect(describeFallback(v.fallback)).toMatch(/^2 worker threads kept 0\.60 of a core busy over the first 0\.5 s \(one thread keeps 1\): ran inline instead/);
  });
});

describe('ThreadProbe', () => {
  /** A probe over two shards whose samples are given by the test. */
  function probe(samples: ReturnType<typeof at>[]) {
    const timing = new SharedArrayBuffer(2 * TIMING_SLOTS_PER_SHARD * 8);
    let k = 0;
    const p = new ThreadProbe(timing, 2, settings, () => samples[Math.min(k++, samples.length - 1)]!);
    return { p, timing };
  }

  it('starts its clock only once every thread runs its loop (building a shard is not part of the probe)', () => {
    const { p, timing } = probe([at(100, 0), at(600, 250)]);
    expect(p.check(0)).toEqual({ kind: 'wait' });
    new SpinClock(timing, 0).ready();
    expect(p.check(0)).toEqual({ kind: 'wait' });
    new SpinClock(timing, 1).ready();
    // first sample: the start; second, 500 ms on with 250 ms of CPU: 0.5 of a core
    expect(p.check(0.01)).toEqual({ kind: 'wait' });
    const v = p.check(0.02);
    expect(v.kind).toBe('fallback');
    // decided once: later checks keep what is running
    expect(p.check(0.03)).toEqual({ kind: 'keep' });
  });

  it('waits for the whole probe, and keeps a run already past the late share', () => {
    const { p, timing } = probe([at(0, 0), at(100, 10), at(200, 20)]);
    new SpinClock(timing, 0).ready();
    new SpinClock(timing, 1).ready();
    expect(p.check(0)).toEqual({ kind: 'wait' });
    expect(p.check(0.1)).toEqual({ kind: 'wait' });
    expect(p.check(0.6)).toEqual({ kind: 'keep' });
  });

  it('adds each spin of a thread to its slot', () => {
    const timing = new SharedArrayBuffer(2 * TIMING_SLOTS_PER_SHARD * 8);
    const clock = new SpinClock(timing, 1);
    clock.spun(performance.now() - 5);
    clock.spun(performance.now() - 5);
    const slots = new Float64Array(timing);
    expect(slots[1 * TIMING_SLOTS_PER_SHARD + 1]).toBeGreaterThanOrEqual(10);
    expect(slots[0 * TIMING_SLOTS_PER_SHARD + 1]).toBe(0);
  });
});
