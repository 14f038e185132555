import { describe, expect, it } from 'vitest';
import { runParallel } from '../../src/run/parallel.js';
import { runSimulationAsync } from '../../src/simulation.js';
import { planOf } from '../plans.js';

describe('negotiation scores on worker threads', () => {
  it('are the same inline and with buyers and stores on different threads (their halves meet at the end)', async () => {
    const base = planOf('scenarios/tournament/tight-market.yaml');
    const plan = { ...base, negotiation: { ...base.negotiation, scores: true } };
    const inline = await runSimulationAsync(plan);
    const threads = await runParallel(plan, { workers: 2 });
    expect(JSON.stringify(threads.results)).toBe(JSON.stringify(inline.results));
    const rows = inline.results.strategies!.by_strategy;
    expect(rows.map((r) => r.role)).toEqual(['buyer', 'store']);
    for (const r of rows) {
      expect(r.scores!.negotiations).toBe(r.negotiations);
      expect(r.scores!.pareto_optimality).toBeGreaterThan(0);
    }
  }, 60_000);

  it('are not kept unless the scenario asks', async () => {
    const r = await runSimulationAsync(planOf('scenarios/tournament/tight-market.yaml'));
    expect(r.results.strategies!.by_strategy.every((row) => row.scores === undefined)).toBe(true);
  });
});
