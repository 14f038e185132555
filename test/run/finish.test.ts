import { describe, expect, it } from 'vitest';
import { Market } from '../../src/market/market.js';
import { finishRun, type ShardOutcome } from '../../src/run/finish.js';
import { planLayout } from '../../src/run/pilot.js';
import { Shard, sharedWorld } from '../../src/run/shard.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { DRAIN_HORIZON_US, runSimulation, type Reporter, type RunResult } from '../../src/simulation.js';
import { planOf } from '../plans.js';

/** Runs `plan` on one shard to its end and hands back the world and the shard's outcome. */
function runOneShard(plan: SimulationPlan) {
  const world = sharedWorld(plan, planLayout(plan, 1), new Market(plan, plan.duration + DRAIN_HORIZON_US));
  const shard = new Shard(world, 0, false);
  shard.start();
  shard.runUntil(Infinity);
  const k = shard.kernel;
  const outcome: ShardOutcome = { metrics: shard.metrics, checker: shard.checker, settlement: shard.settlementChecker, breakers: shard.breakers(k.nowUs), events: k.eventsProcessed };
  return { world, outcome, endUs: k.nowUs };
}

describe('finishRun', () => {
  const plan: SimulationPlan = { ...planOf('scenarios/pilot-calm.yaml'), duration: 5_000_000 };

  it('gives the results of the run, checks its budgets and tells every reporter once', () => {
    const { world, outcome, endUs } = runOneShard(plan);
    const ended: RunResult[] = [];
    const reporter: Reporter = { onEnd: (r) => ended.push(r) };
    const budgeted = { ...world, plan: { ...plan, budgets: [...plan.budgets] } };
    const result = finishRun(budgeted, [outcome], endUs, [reporter, reporter]);
    expect(JSON.stringify(result.results)).toBe(JSON.stringify(runSimulation(plan).results));
    expect(result.results.negotiation.count).toBeGreaterThan(0);
    expect(result.budgets).toHaveLength(plan.budgets.length);
    expect(result.passed).toBe(result.budgets.every((b) => b.passed));
    expect(ended).toEqual([result, result]);
  });

  it('reports the events the shards ran', () => {
    const { world, outcome, endUs } = runOneShard(plan);
    expect(outcome.events).toBeGreaterThan(0);
    expect(finishRun(world, [outcome], endUs, []).results.events).toBe(outcome.events);
  });
});
