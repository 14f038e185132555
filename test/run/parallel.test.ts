import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { runParallel, WorkerFailure } from '../../src/run/parallel.js';
import { RunInvariantViolation, runSimulation, runSimulationAsync } from '../../src/simulation.js';
import { parityScenarios } from './parity.js';

// Results and traces on 1, 2 and 4 threads: parallel-traced-{1,2}.test.ts (two files, so the
// test runner can spread them over the cores).
const scenarios = parityScenarios();

describe('workers that coordinate themselves (no trace)', () => {
  // The traced runs cover 1, 2 and 4 threads; this path (the default) is checked with 2 (no
  // barrier at all: pair.ts) and 3.
  it.each(scenarios)('%s gives the inline results with 2 workers', async (file) => {
    const p = planOf(file);
    const inline = JSON.stringify((await runSimulationAsync(p)).results);
    expect(JSON.stringify((await runParallel(p, { workers: 2 })).results)).toBe(inline);
  }, 180_000);

  it('gives the inline results on 3 workers too (windows with a barrier, planned by the last to finish)', async () => {
    const p = planOf('scenarios/volatility-spike.yaml');
    const run = await runParallel(p, { workers: 3 });
    expect(JSON.stringify(run.results)).toBe(JSON.stringify(runSimulation(p).results));
    expect(run.sync).toHaveLength(3);
    for (const t of run.sync!) expect(t.steps).toBeGreaterThan(0);
  }, 180_000);

  it('reports progress while it runs', async () => {
    const p = planOf('scenarios/volatility-spike.yaml');
    const seen: number[] = [];
    await runParallel(p, { workers: 2, reporters: [{ onProgress: (x) => seen.push(x.virtualUs) }] });
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('racing the threads against inline (fallback.ts)', () => {
  const p = planOf('scenarios/quickstart.yaml');

  it('stops threads slower than the bar and resumes the inline run, with the inline results and its progress to the end', async () => {
    // A bar no threads can reach (1,000 times the inline pace): they go inline after their probe.
    const seen: unknown[] = [];
    const progress: number[] = [];
    const run = await runParallel(p, {
      workers: 2,
      fallback: { probeMs: 50, keepMinSpeed: 1000 },
      onFallback: (f) => seen.push(f),
      reporters: [{ onProgress: (x) => progress.push(x.virtualUs) }],
    });
    expect(JSON.stringify(run.results)).toBe(JSON.stringify(runSimulation(p).results));
    expect(seen).toHaveLength(1);
    expect(run.fallback).toEqual(seen[0]);
    expect(run.fallback).toMatchObject({ workers: 2, reason: 'slower' });
    expect(run.fallback!.speed).toBeLessThan(1000);
    expect(run.sync).toBeUndefined();
    // progress only from the resumed run, never backwards, to the end
    expect(progress.length).toBeGreaterThan(0);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.at(-1)).toBeGreaterThanOrEqual(p.duration);
  }, 180_000);

  it('keeps threads that clear the bar (the inline run is dropped), and never races without being asked', async () => {
    const kept = await runParallel(p, { workers: 2, fallback: { probeMs: 50, keepMinSpeed: 0 } });
    expect(kept.fallback).toBeUndefined();
    expect(kept.sync).toHaveLength(2);
    const off = await runParallel(p, { workers: 2 });
    expect(off.fallback).toBeUndefined();
    expect(off.sync).toHaveLength(2);
    expect(JSON.stringify(kept.results)).toBe(JSON.stringify(off.results));
  }, 180_000);

  it('needs no threads for a run that ends within its inline probe', async () => {
    const run = await runParallel(p, { workers: 2, fallback: { probeMs: 60_000, keepMinSpeed: 1 } });
    expect(run.fallback).toMatchObject({ workers: 2, reason: 'short' });
    expect(run.sync).toBeUndefined();
    expect(JSON.stringify(run.results)).toBe(JSON.stringify(runSimulation(p).results));
  }, 180_000);

  it('never races in a traced run: its lines are written as the threads go', async () => {
    const run = await runParallel(p, { workers: 2, fallback: { probeMs: 50, keepMinSpeed: 1000 }, reporters: [{ onTrace: () => undefined }] });
    expect(run.fallback).toBeUndefined();
    expect(run.sync).toHaveLength(2);
  }, 180_000);
});

describe('worker failures', () => {
  const p = planOf('scenarios/quickstart.yaml');

  it('ends the run with the error and the seed when a worker throws', async () => {
    const run = runParallel(p, { workers: 2, seed: 9, fault: { shard: 1, atUs: 5_000_000, kind: 'throw' } });
    await expect(run).rejects.toThrow(WorkerFailure);
    await expect(run).rejects.toMatchObject({ seed: 9, message: expect.stringMatching(/injected fault in shard 1/) });
  });

  it('ends the run, not hangs, when a worker thread dies', async () => {
    const run = runParallel(p, { workers: 2, fault: { shard: 0, atUs: 5_000_000, kind: 'exit' } });
    await expect(run).rejects.toThrow(/worker 0 died/);
  });

  it('reports an invariant violation found in a worker as one, with its virtual time and seed', async () => {
    const run = runParallel(p, { workers: 2, seed: 5, fault: { shard: 1, atUs: 5_000_000, kind: 'invariant' } });
    await expect(run).rejects.toThrow(RunInvariantViolation);
    await expect(run).rejects.toMatchObject({ seed: 5, virtualUs: expect.any(Number), message: expect.stringMatching(/injected invariant violation/) });
    const err = await run.catch((e: RunInvariantViolation) => e);
    expect((err as RunInvariantViolation).virtualUs).toBeGreaterThanOrEqual(5_000_000);
  });
});
