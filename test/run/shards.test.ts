import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation } from '../../src/simulation.js';


function run(p: SimulationPlan, shards: number): { results: string; trace: string } {
  const lines: string[] = [];
  const r = runSimulation(p, { shards, reporters: [{ onTrace: (l) => lines.push(JSON.stringify(l)) }] });
  return { results: JSON.stringify(r.results), trace: lines.join('\n') };
}

describe.each(['scenarios/quickstart.yaml', 'scenarios/volatility-spike.yaml'])('%s laid out on several shards', (file) => {
  const p = planOf(file);
  const one = run(p, 1);

  it.each([2, 3, 4])('gives byte-identical results and trace on %i shards', (shards) => {
    const many = run(p, shards);
    expect(many.results).toBe(one.results);
    expect(many.trace).toBe(one.trace);
  });
});

describe('cross-shard traffic', () => {
  it('still validates messages and answers invalid ones across shards', () => {
    const p = planOf('scenarios/quickstart.yaml');
    const corrupting: SimulationPlan = { ...p, network: { ...p.network, corrupt_probability: 0.05 } };
    const one = JSON.parse(run(corrupting, 1).results);
    const two = JSON.parse(run(corrupting, 2).results);
    expect(one.messages.invalid).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });
});
