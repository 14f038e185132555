import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, loadScenarioData, makeTmp, quickstartFile, readJson, runCli, writeYaml, type CliResult } from './helpers.js';

describe('a2a-sim run --workers', () => {
  let dir: string;
  const runs: Record<string, CliResult> = {};
  const results = (name: string) => JSON.stringify(readJson(join(dir, name, 'report.json')).results);

  beforeAll(async () => {
    dir = makeTmp('workers');
    const settings = ['0', '2', 'auto'];
    const done = await Promise.all(settings.map((w) => runCli(['run', quickstartFile, '--workers', w, '--out', join(dir, `w${w}`), '--trace', join(dir, `w${w}.ndjson`)], 120_000)));
    settings.forEach((w, i) => (runs[w] = done[i]!));
  }, 180_000);

  afterAll(() => cleanup(dir));

  it('runs with 0, 2 and auto workers', () => {
    for (const r of Object.values(runs)) expect(r.status).toBe(0);
  });

  it('writes byte-identical results and traces whatever the worker count', () => {
    expect(results('w2')).toBe(results('w0'));
    expect(results('wauto')).toBe(results('w0'));
    expect(readFileSync(join(dir, 'w2.ndjson'), 'utf8')).toBe(readFileSync(join(dir, 'w0.ndjson'), 'utf8'));
  });

  it('records the worker count in the wallclock section only', () => {
    const report = readJson(join(dir, 'w2', 'report.json'));
    expect(report.wallclock.workers).toBe(2);
    expect(JSON.stringify(report.results)).not.toMatch(/workers/);
  });

  it('--no-fallback holds the threads to the end of a run without a trace, with the same results', async () => {
    const r = await runCli(['run', quickstartFile, '--workers', '2', '--no-fallback', '--out', join(dir, 'held'), '--no-progress'], 120_000);
    expect(r.status, r.stderr).toBe(0);
    const report = readJson(join(dir, 'held', 'report.json'));
    expect(report.wallclock.threads).toHaveLength(2);
    expect(report.wallclock.fallback).toBeUndefined();
    expect(JSON.stringify(report.results)).toBe(results('w0'));
    expect(r.stderr).not.toMatch(/ran inline instead/);
  }, 150_000);

  it('refuses a worker count that is not a number or "auto"', async () => {
    const r = await runCli(['run', quickstartFile, '--workers', 'many', '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers many: expected 0 \(inline\), a number of threads/);
  });

  it('refuses several workers when the network allows a zero latency, and says why', async () => {
    const scenario = loadScenarioData(quickstartFile);
    scenario.network.latency = { distribution: 'exponential', mean: '2ms' };
    const file = writeYaml(dir, 'zero-latency.yaml', scenario);
    const refused = await runCli(['run', file, '--workers', '2', '--out', join(dir, 'zero')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/minimum one-way latency above zero/);
    const inline = await runCli(['run', file, '--workers', '0', '--out', join(dir, 'zero0')]);
    expect(inline.status).toBe(0);
    // auto has no lookahead to run threads by, and runs inline
    const auto = await runCli(['run', file, '--workers', 'auto', '--out', join(dir, 'zeroAuto')]);
    expect(auto.status).toBe(0);
    expect(auto.stdout).toMatch(/--workers auto ran inline \(one core, or no lookahead between threads\)/);
    expect(readJson(join(dir, 'zeroAuto', 'report.json')).wallclock.workers).toBe(0);
  });

  it('auto runs quickstart inline: its 0.5 ms lookahead holds too little work for threads (on two cores or more)', () => {
    const line = runs.auto!.stdout.split('\n').find((l) => l.startsWith('wall clock'));
    if (availableParallelism() < 2) {
      expect(line).toMatch(/--workers auto ran inline \(one core/);
      return;
    }
    expect(line).toMatch(/; --workers auto ran inline: a lookahead holds about 0\.\d\d ms of work \(threads from 20 ms\)$/);
    expect(readJson(join(dir, 'wauto', 'report.json')).wallclock.workers).toBe(0);
  });
});
