/** What the parity tests share: the scenarios they run, and a run that keeps its trace. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runParallel } from '../../src/run/parallel.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulationAsync } from '../../src/simulation.js';
import { planOf } from '../plans.js';

/**
 * Every scenario in scenarios/ but the benchmarks (bench-*), which take minutes inline, the
 * tournament files, and those
 * with external organisations (external-*), whose agents are processes that run inline only
 * (test/e2e/external.test.ts runs them).
 */
export function parityScenarios(): string[] {
  return readdirSync('scenarios')
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('bench-') && !f.startsWith('tournament-') && !f.startsWith('external-'))
    .sort()
    .map((f) => `scenarios/${f}`);
}

async function traced(p: SimulationPlan, workers: number): Promise<{ results: string; trace: string }> {
  const lines: string[] = [];
  const reporters = [{ onTrace: (l: unknown) => lines.push(JSON.stringify(l)) }];
  const r = workers === 0 ? await runSimulationAsync(p, { reporters }) : await runParallel(p, { workers, reporters });
  return { results: JSON.stringify(r.results), trace: lines.join('\n') };
}

/** Byte-identical results and trace inline and on 1, 2 and 4 threads, for each of `files`. */
export function checkParity(files: readonly string[]): void {
  describe.each(files)('%s on worker threads', (file) => {
    const p = planOf(file);
    const inline = traced(p, 0);

    it.each([1, 2, 4])('gives byte-identical results and trace with %i workers', async (workers) => {
      const [a, b] = await Promise.all([inline, traced(p, workers)]);
      expect(b.results).toBe(a.results);
      expect(b.trace).toBe(a.trace);
    }, 180_000);
  });
}
