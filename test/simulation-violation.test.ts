/** A run stopped by an invariant violation still hands over every trace line up to the violating event. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceLine } from '../src/broker/trace.js';
import { join, resolve } from 'node:path';
import { runParallel } from '../src/run/parallel.js';
import { resolveStrategyModules } from '../src/run/strategy-modules.js';
import { RunInvariantViolation, runSimulation, runSimulationAsync, type Reporter } from '../src/simulation.js';
import { planOf } from './plans.js';

const clean = planOf('scenarios/settlement-faults.yaml');
const broken = { ...clean, defects: ['ledger_double_post' as const] };

type Traced = { lines: string[]; violation?: RunInvariantViolation };

/** The buyers answering with a Promise (test/fixtures/strategies/linear-async.mjs). */
function withAsyncBuyers(plan: typeof clean): typeof clean {
  const module = './linear-async.mjs';
  const buyers = plan.buyers.map((b) => ({ ...b, strategy: { ...b.strategy, kind: 'module', name: module, module, options: {} } }));
  return resolveStrategyModules({ ...plan, buyers } as typeof clean, join(resolve('test/fixtures/strategies'), 'scenario.yaml'));
}

async function traced(plan: typeof clean, shards: number, workers = 0, async = false): Promise<Traced> {
  const lines: string[] = [];
  const reporters: Reporter[] = [{ onTrace: (l: TraceLine) => lines.push(JSON.stringify(l)) }];
  try {
    if (workers > 0) await runParallel(plan, { workers, reporters });
    else if (async) await runSimulationAsync(plan, { shards, reporters });
    else runSimulation(plan, { shards, reporters });
    return { lines };
  } catch (err) {
    if (err instanceof RunInvariantViolation) return { lines, violation: err };
    throw err;
  }
}

describe('a violation keeps its evidence', () => {
  let reference: Traced;
  beforeAll(async () => {
    reference = await traced(clean, 1);
  });
  it.each([
    ['1 shard inline', 1, 0],
    ['2 shards inline', 2, 0],
    ['2 worker threads', 2, 2],
  ])('%s: every line before the violating event is written, none after it', async (_label, shards, workers) => {
    const { lines, violation } = await traced(broken, shards, workers);
    expect(violation?.message).toMatch(/resolved twice/);
    const atUs = violation!.virtualUs;
    const vt = (l: string) => (JSON.parse(l) as TraceLine).vt_us;
    // The defect changes nothing before it fires, so the clean run's lines before it are the evidence.
    const before = reference.lines.filter((l) => vt(l) < atUs);
    expect(before.length).toBeGreaterThan(10);
    expect(lines.filter((l) => vt(l) < atUs)).toEqual(before);
    expect(Math.max(...lines.map(vt))).toBeLessThanOrEqual(atUs);
  });

  it('2 worker threads, buyers answering with a Promise: the lines the threads did not hand over come from the same run inline', async () => {
    const asyncReference = await traced(withAsyncBuyers(clean), 1, 0, true);
    const { lines, violation } = await traced(withAsyncBuyers(broken), 2, 2);
    expect(violation?.message).toMatch(/resolved twice/);
    const atUs = violation!.virtualUs;
    const vt = (l: string) => (JSON.parse(l) as TraceLine).vt_us;
    const before = asyncReference.lines.filter((l) => vt(l) < atUs);
    expect(before.length).toBeGreaterThan(10);
    expect(lines.filter((l) => vt(l) < atUs)).toEqual(before);
  });
});
