import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(process.cwd(), 'dist/bench/pipeline.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
}

describe('bench/pipeline', () => {
  it('times the messages after the warm-up apart from it, and prints the figures as JSON last', () => {
    const r = run('6000', '2000');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^6000 delivered in [\d.]+ s after 2000 to warm up: .* µs\/msg \(the warm-up [\d.]+ µs\/msg; the whole run [\d.]+ µs\/msg\)$/);
    const figures = JSON.parse(lines.at(-1)!) as Record<string, number | null>;
    for (const key of ['us_per_message', 'messages_per_s', 'warm_up_us_per_message', 'whole_us_per_message', 'build_us']) expect(figures[key]).toBeGreaterThan(0);
    expect(figures.messages_per_s! * figures.us_per_message!).toBeCloseTo(1e6, 3);
    expect(figures.warm_up_messages).toBe(2000);
  });

  it('with no warm-up, the timed run is the whole run', () => {
    const r = run('3000', '0');
    expect(r.status).toBe(0);
    const figures = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | null>;
    expect(figures.warm_up_us_per_message).toBeNull();
    expect(figures.whole_us_per_message).toBeCloseTo(figures.us_per_message!, 9);
  });

  it('refuses a count that is not a whole number, and nothing to time', () => {
    const r = run('many');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/messages timed must be a whole number of at least 1, got many/);
    const none = run('0');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/messages timed must be a whole number of at least 1, got 0/);
    expect(run('10', '-1').stderr).toMatch(/warm-up messages must be a whole number of at least 0, got -1/);
  });
});
