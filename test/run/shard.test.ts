import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpponentModel, type Belief } from '../../src/agents/strategies/opponent-model.js';
import { Market } from '../../src/market/market.js';
import { planLayout } from '../../src/run/pilot.js';
import { Shard, sharedWorld } from '../../src/run/shard.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { DRAIN_HORIZON_US, finishRun, runSimulation } from '../../src/simulation.js';
import { MessageVerifier } from '../../src/trust/verifier.js';
import { planOf } from '../plans.js';

/**
 * One shard run step by step, as a worker thread runs it, preparing everything it can after
 * every step (as a thread does while it waits for the other). Returns the results and how many
 * consultations were prepared.
 */
function runPreparing(plan: SimulationPlan, stepUs: number): { results: string; prepared: number } {
  const layout = planLayout(plan, 1);
  const world = sharedWorld(plan, layout, new Market(plan, plan.duration + DRAIN_HORIZON_US));
  const shard = new Shard(world, 0, false);
  shard.start();
  let prepared = 0;
  for (let next = shard.nextTimeUs(); next !== Infinity; next = shard.nextTimeUs()) {
    shard.runUntil(next + stepUs);
    while (shard.prepareAhead()) prepared++;
  }
  const k = shard.kernel;
  const outcome = { metrics: shard.metrics, checker: shard.checker, settlement: shard.settlementChecker, breakers: shard.breakers(k.nowUs), events: k.eventsProcessed };
  return { results: JSON.stringify(finishRun(world, [outcome], k.nowUs, []).results), prepared };
}

describe('Shard.prepareAhead', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('does the buyers\' consultations ahead of their quotes, and the run does not change', () => {
    const plan = planOf('scenarios/opponent-model.yaml');
    // Without signatures, so that what is prepared is consultations alone.
    const short: SimulationPlan = { ...plan, duration: 20_000_000, security: { ...plan.security, signing: 'off' } };
    const plain = JSON.stringify(runSimulation(short).results);

    // Which beliefs were computed ahead, and how many consultations were answered with one.
    const ahead = new Set<Belief>();
    const prepare = OpponentModel.prototype.prepare;
    vi.spyOn(OpponentModel.prototype, 'prepare').mockImplementation(function (this: OpponentModel, ...args) {
      const did = prepare.apply(this, args);
      if (did) ahead.add((this as unknown as { prepared: { belief: Belief } }).prepared.belief);
      return did;
    });
    const belief = OpponentModel.prototype.belief;
    let used = 0;
    let consultations = 0;
    vi.spyOn(OpponentModel.prototype, 'belief').mockImplementation(function (this: OpponentModel, ...args) {
      const b = belief.apply(this, args);
      consultations++;
      if (ahead.has(b)) used++;
      return b;
    });

    const { results, prepared } = runPreparing(short, 1_000);
    expect(results).toBe(plain);
    expect(prepared).toBe(ahead.size);
    // Most consultations are answered from what was prepared; few preparations go to waste.
    expect(used).toBeGreaterThan(0.5 * consultations);
    expect(used).toBeGreaterThan(0.8 * prepared);
  });

  it.each(['scenarios/quickstart.yaml', 'scenarios/hostile-agents.yaml'])('checks signatures ahead of delivery in %s, and the run does not change (forgeries included)', (file) => {
    const plan = planOf(file);
    const short: SimulationPlan = { ...plan, duration: Math.min(plan.duration, 30_000_000) };
    const plain = runSimulation(short).results;
    const verifiers = new Set<MessageVerifier>();
    const check = MessageVerifier.prototype.check;
    vi.spyOn(MessageVerifier.prototype, 'check').mockImplementation(function (this: MessageVerifier, ...args) {
      verifiers.add(this);
      return check.apply(this, args);
    });
    const { results, prepared } = runPreparing(short, 1_000);
    expect(results).toBe(JSON.stringify(plain));
    const verifiedAhead = [...verifiers].reduce((n, v) => n + v.verifiedAhead, 0);
    expect(prepared).toBeGreaterThan(0);
    expect(verifiedAhead).toBeGreaterThan(0.5 * plain.security.signatures_verified);
    if (file.includes('hostile')) expect(plain.security.hostile_rejections.forger?.signature_invalid).toBeGreaterThan(0);
  });

  it('prepares nothing where no agent has anything to prepare', () => {
    const { results, prepared } = runPreparing(planOf('scenarios/volatility-spike.yaml'), 1_000);
    expect(prepared).toBe(0);
    expect(results).toBe(JSON.stringify(runSimulation(planOf('scenarios/volatility-spike.yaml')).results));
  });
});
