import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressReporter } from '../../src/report/progress.js';

afterEach(() => vi.restoreAllMocks());

function reporter(lines: boolean) {
  let nowMs = 1_000;
  vi.spyOn(performance, 'now').mockImplementation(() => nowMs);
  const written: string[] = [];
  const stream = { write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const r = new ProgressReporter(stream, lines);
  return { r, written, advance: (ms: number) => (nowMs += ms) };
}

const progress = (virtualUs: number) => ({ virtualUs, durationUs: 10_000_000, events: 1234, negotiations: 56 });

describe('ProgressReporter in lines (stderr not a terminal, a run announced as long)', () => {
  it('writes a plain line every 10 s of wall time, with virtual time, negotiations and events', () => {
    const { r, written, advance } = reporter(true);
    advance(3_000);
    r.onProgress(progress(1_000_000));
    expect(written).toEqual([]);
    advance(8_000);
    r.onProgress(progress(5_000_000));
    advance(1_000);
    r.onProgress(progress(6_000_000));
    expect(written).toEqual(['progress: 50% of virtual time, virtual 5.0s, 56 negotiations, 1,234 events, 11s\n']);
    advance(10_000);
    r.onProgress(progress(12_000_000));
    expect(written[1]).toMatch(/^progress: draining, virtual 12\.0s/);
    r.onEnd();
    expect(written).toHaveLength(2);
  });

  it('on a terminal redraws one line in place and clears it at the end', () => {
    const { r, written, advance } = reporter(false);
    advance(3_000);
    r.onProgress(progress(5_000_000));
    expect(written[0]).toMatch(/^\r.* 50% {2}virtual 5\.0s/);
    r.onEnd();
    expect(written[1]).toBe('\r\x1b[2K');
  });
});
