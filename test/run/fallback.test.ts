import { describe, expect, it } from 'vitest';
import { describeFallback, judge, ThreadProbe, type ProbeSettings } from '../../src/run/fallback.js';

const settings: ProbeSettings = { probeMs: 300, keepMinSpeed: 1 };

describe('judge', () => {
  it('keeps threads that covered more virtual time per wall ms than the inline run', () => {
    expect(judge({ virtualUs: 6_000_000, wallMs: 300 }, { virtualUs: 9_000_000, wallMs: 300 }, settings, 2)).toEqual({ kind: 'keep' });
  });

  it('goes inline when the threads were slower, with both paces and the ratio', () => {
    const v = judge({ virtualUs: 6_000_000, wallMs: 300 }, { virtualUs: 1_500_000, wallMs: 300 }, settings, 2);
    expect(v).toEqual({ kind: 'fallback', fallback: { workers: 2, reason: 'slower', probe_ms: 300, inline_pace: 20_000, threads_pace: 5_000, speed: 0.25 } });
    if (v.kind !== 'fallback') throw new Error('expected a fallback');
    expect(describeFallback(v.fallback)).toBe('2 worker threads ran at 0.25x the inline pace over their first 0.3 s: ran inline, with the same results (--no-fallback keeps the threads)');
  });

  it('compares paces, not distances: the two sides may run for different wall times', () => {
    // inline 20 virtual s per wall s; threads 25 over a longer probe
    expect(judge({ virtualUs: 6_000_000, wallMs: 300 }, { virtualUs: 10_000_000, wallMs: 400 }, settings, 2)).toEqual({ kind: 'keep' });
    expect(judge({ virtualUs: 6_000_000, wallMs: 300 }, { virtualUs: 7_000_000, wallMs: 400 }, settings, 2).kind).toBe('fallback');
  });
});

describe('ThreadProbe', () => {
  function probe(times: number[]) {
    const started = new SharedArrayBuffer(2 * 4);
    let k = 0;
    const p = new ThreadProbe(started, 2, { virtualUs: 3_000_000, wallMs: 300 }, settings, () => times[Math.min(k++, times.length - 1)]!);
    return { p, started: new Int32Array(started) };
  }

  it('starts its clock only once every thread runs its loop (building a shard is not part of the race)', () => {
    const { p, started } = probe([1000, 1200, 1300]);
    expect(p.check(0)).toEqual({ kind: 'wait' });
    started[0] = 1;
    expect(p.check(0)).toEqual({ kind: 'wait' });
    started[1] = 1;
    // clock starts at 1000; 200 ms on, too early
    expect(p.check(0)).toEqual({ kind: 'wait' });
    expect(p.check(500_000)).toEqual({ kind: 'wait' });
    // 300 ms on, 1 virtual s against the inline 3: slower
    const v = p.check(1_000_000);
    expect(v.kind).toBe('fallback');
    // decided once: later checks keep what is running
    expect(p.check(2_000_000)).toEqual({ kind: 'keep' });
  });

  it('keeps threads that kept up', () => {
    const { p, started } = probe([0, 300]);
    started[0] = 1;
    started[1] = 1;
    expect(p.check(0)).toEqual({ kind: 'wait' });
    expect(p.check(3_000_000)).toEqual({ kind: 'keep' });
  });
});
