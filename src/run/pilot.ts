/**
 * The layout pilot: before a run on several shards, the first stretch of the same scenario runs
 * on one shard, without signatures, audit or opponent models, and counts the messages between
 * organisations (layout.ts weighs in what signatures and models cost per message).
 * How much an organisation's agents talk depends on prices, strategies and who wins quotes,
 * which the scenario alone does not tell; a few tens of thousands of messages do. The pilot is
 * a pure function of the scenario and seed (an inline run on shards runs it too, and gets the
 * same layout as the threads), and the layout never changes results, only how evenly the
 * threads are loaded.
 */
import { InvariantViolation } from '../engine/kernel.js';
import { Market } from '../market/market.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { layOut, type Layout, type Traffic } from './layout.js';
import { Shard, sharedWorld } from './shard.js';

/** The pilot stops at the first step boundary after this many messages. */
export const PILOT_MESSAGES = 10_000;
/** Virtual time between checks of the count: a short step, so that the pilot stops near its count. */
const PILOT_STEP_US = 100_000;

/**
 * Messages between organisations in the first stretch of the run (at most its whole duration),
 * and each organisation's counters that a buyer with an opponent model would consult it for:
 * every counter of a negotiation but the first (the first quote only starts the model), the
 * k-th after weighing k − 1 asks of the store.
 */
export function pilotTraffic(plan: SimulationPlan, messages = PILOT_MESSAGES): Traffic {
  const pilotPlan: SimulationPlan = {
    ...plan,
    security: { ...plan.security, signing: 'off', audit: false },
    buyers: plan.buyers.map((b) => (b.strategy.opponentModel ? { ...b, strategy: withoutModel(b.strategy) } : standIn(b))),
    stores: plan.stores.map(standIn),
  };
  const layout = layOut(pilotPlan, 1);
  const orgCount = layout.organisations.length;
  const orgOf = new Int32Array(layout.agents.length).fill(-1);
  layout.organisations.forEach((org, k) => {
    for (const id of org.agentIds) orgOf[id] = k;
  });
  const counts = new Float64Array(orgCount * orgCount);
  const consultations = new Array<number>(orgCount).fill(0);
  const asks = new Array<number>(orgCount).fill(0);
  /** counters sent so far in each conversation */
  const rounds = new Map<string, number>();
  let sent = 0;
  const shard = new Shard(sharedWorld(pilotPlan, layout, new Market(pilotPlan, plan.duration)), 0, false);
  shard.observeTraffic((fromId, toId, message) => {
    const a = orgOf[fromId]!;
    const b = orgOf[toId]!;
    if (a >= 0 && b >= 0) counts[a * orgCount + b]!++;
    if (a >= 0 && message.type === 'a2a.commerce.counter') {
      const round = (rounds.get(message.conversation_id) ?? 0) + 1;
      rounds.set(message.conversation_id, round);
      if (round > 1) {
        consultations[a]!++;
        asks[a]! += round - 1;
      }
    }
    sent++;
  });
  shard.start();
  const stepUs = Math.max(1, Math.min(PILOT_STEP_US, Math.ceil(plan.duration / 100)));
  let virtualUs = 0;
  for (let endUs = stepUs; sent < messages && endUs <= plan.duration + stepUs; endUs += stepUs) {
    if (shard.nextTimeUs() === Infinity) break;
    virtualUs = Math.min(endUs, plan.duration);
    try {
      shard.runUntil(virtualUs);
    } catch (err) {
      // The pilot only counts: a violation is the run's to report, with its trace, so the count stops here.
      if (!(err instanceof InvariantViolation)) throw err;
      virtualUs = err.virtualUs;
      break;
    }
  }
  return { pairs: Array.from({ length: orgCount }, (_, a) => Array.from(counts.subarray(a * orgCount, (a + 1) * orgCount))), consultations, asks, virtualUs };
}

/**
 * A plug-in strategy is not run by the pilot (it may answer slowly, or not be loaded here): a
 * linear tactic stands in for it. The layout only balances the threads; results never depend on it.
 */
function standIn<T extends { strategy: SimulationPlan['stores'][number]['strategy'] }>(party: T): T {
  if (party.strategy.module === undefined) return party;
  const { module: _, ...rest } = party.strategy;
  return { ...party, strategy: { ...rest, kind: 'linear', e: 1, options: {} } };
}

function withoutModel<S extends { opponentModel?: unknown }>(strategy: S): S {
  const { opponentModel: _, ...rest } = strategy;
  return rest as S;
}

/** The layout of a run on `shards` shards: placed by pilot traffic when there is more than one. */
export function planLayout(plan: SimulationPlan, shards: number, traffic?: Traffic): Layout {
  if (shards <= 1) return layOut(plan, 1);
  return layOut(plan, shards, traffic ?? pilotTraffic(plan));
}
