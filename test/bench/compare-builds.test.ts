import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS, bestOfEach, median, pick, ratio, readPipeline } from '../../bench/compare-builds.js';
import { benchNodeFlags } from '../../bench/node-flags.js';

const script = join(process.cwd(), 'dist/bench/compare-builds.js');

describe('compare-builds', () => {
  it('turns every ratio so that above 1 is better for this build', () => {
    const bilateral = BENCHMARKS.find((b) => b.name === 'bilateral')!;
    const pipeline = BENCHMARKS.find((b) => b.name === 'pipeline')!;
    expect(ratio(bilateral, 6000, 3000)).toBe(2);
    // fewer µs per message is better
    expect(ratio(pipeline, 1.2, 1.8)).toBeCloseTo(1.5, 12);
    expect(ratio(pipeline, 1.8, 1.2)).toBeCloseTo(1 / 1.5, 12);
  });

  it('reads each benchmark figure from what the script prints last', () => {
    const bilateral = BENCHMARKS.find((b) => b.name === 'bilateral')!;
    const hundredK = BENCHMARKS.find((b) => b.name === '100k')!;
    expect(bilateral.read('{"negotiations":10000,"negotiations_per_s":5123.4}\n')).toBe(5123.4);
    expect(hundredK.read('progress\n{"messages_per_s":250000.5}\n')).toBe(250000.5);
    expect(readPipeline('2000000 delivered in 2.7 s: 740,000 msgs/s, 1.35 µs/msg\nof which …\n{"us_per_message":1.35,"messages_per_s":740740}\n')).toBe(1.35);
  });

  it("sets each build's best run against the other's: the highest rate, or the fewest µs", () => {
    const bilateral = BENCHMARKS.find((b) => b.name === 'bilateral')!;
    const pipeline = BENCHMARKS.find((b) => b.name === 'pipeline')!;
    expect(bestOfEach(bilateral, [6000, 7000, 5000], [3000, 3500, 2000])).toEqual({ mine: 7000, other: 3500, ratio: 2 });
    const floor = bestOfEach(pipeline, [1.3, 1.2, 1.5], [1.8, 2.0, 1.9]);
    expect([floor.mine, floor.other]).toEqual([1.2, 1.8]);
    expect(floor.ratio).toBeCloseTo(1.5, 12);
  });

  it('takes the median of the pairs', () => {
    expect(median([1.3, 1.1, 1.5])).toBe(1.3);
    expect(median([2, 1, 4, 3])).toBe(2.5);
  });

  it('picks benchmarks by name and refuses an unknown one', () => {
    expect(pick(undefined).map((b) => b.name)).toEqual(['bilateral', '100k', 'pipeline']);
    expect(pick(' pipeline , bilateral').map((b) => b.name)).toEqual(['pipeline', 'bilateral']);
    expect(() => pick('bilateral,200k')).toThrow(/no benchmark "200k" \(there are bilateral, 100k, pipeline\)/);
  });

  it('runs with the flags npm run bench uses, which the environment can change', () => {
    expect(benchNodeFlags({})).toEqual(['--max-old-space-size=1536', '--max-semi-space-size=64']);
    expect(benchNodeFlags({ BENCH_HEAP_MB: '0', BENCH_SEMI_SPACE_MB: '32' })).toEqual(['--max-semi-space-size=32']);
  });

  it('says what to do when the other checkout is not built, before running anything', () => {
    const empty = mkdtempSync(join(tmpdir(), 'compare-builds-'));
    const r = spawnSync(process.execPath, [script, empty, '1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${empty} has no dist/bench/negmas.js: build it first (cd ${empty} && npm ci && npm run build)`);
    expect(r.stdout).toBe('');
  });

  it('refuses a number of pairs that is not a positive whole number', () => {
    const r = spawnSync(process.execPath, [script, '.', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pairs must be a positive whole number, got 0');
  });

  it('prints its usage', () => {
    const r = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: node dist/bench/compare-builds.js <other checkout, built> [pairs, default 3]');
  });
});
