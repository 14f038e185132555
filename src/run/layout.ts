/**
 * Who is who and where: every agent's id, identifier and shard, derived from the scenario alone.
 * Ids follow the order of the scenario file, so they never depend on how a run is laid out;
 * an organisation's agents always share a shard, so its state (breaker, inventory) stays local.
 */
import type { Party } from '../protocol/schemas.js';
import { adversaryOrganisation, type SimulationPlan } from '../scenario/schema.js';

/** Stores sell, buyers buy, the clearing house settles. */
export type Role = 'store' | 'buyer' | 'settlement' | 'adversary';

export interface AgentAddress {
  readonly id: number;
  readonly localName: string;
  readonly organisation: string;
  readonly role: Role;
  /** index of the organisation in plan.stores or plan.buyers */
  readonly planIndex: number;
  readonly shard: number;
  readonly party: Party;
}

export interface OrganisationSlot {
  readonly name: string;
  readonly role: Role;
  readonly planIndex: number;
  /** entity id of a buyer organisation (owner of its breaker); -1 for stores */
  readonly entityId: number;
  readonly shard: number;
  readonly agentIds: readonly number[];
}

export interface Layout {
  readonly shards: number;
  /** indexed by agent id (index 0 and organisation ids are unused) */
  readonly agents: readonly (AgentAddress | undefined)[];
  readonly byIdentifier: ReadonlyMap<string, AgentAddress>;
  readonly organisations: readonly OrganisationSlot[];
}

const ROLE_NAMES: Record<Role, string> = { store: 'sales', buyer: 'procurement', settlement: 'settlement', adversary: 'hostile' };

/** Up to this many organisations, two shards are split exactly (every split is tried). */
const EXACT_SPLIT_MAX = 20;

/** The split of `loads` into two shards with the lightest busier shard (the first such, in mask order). */
function bestSplit(loads: readonly number[]): number[] {
  const n = loads.length;
  const total = loads.reduce((a, b) => a + b, 0);
  let best = 0;
  let bestMax = Infinity;
  // The last organisation stays on shard 0: a split and its mirror image are the same split.
  for (let mask = 0; mask < 1 << (n - 1); mask++) {
    let one = 0;
    for (let i = 0; i < n - 1; i++) if (mask & (1 << i)) one += loads[i]!;
    const busier = Math.max(one, total - one);
    if (busier < bestMax - 1e-12) [best, bestMax] = [mask, busier];
  }
  return loads.map((_, i) => (i < n - 1 && best & (1 << i) ? 1 : 0));
}

/**
 * Assigns organisations to `shards` shards by their loads: exactly for two shards and a few
 * organisations; otherwise heaviest first, each to the least-loaded shard, then improved by moves
 * and swaps.
 */
function assignShards(loads: readonly number[], shards: number): number[] {
  if (shards === 2 && loads.length >= 2 && loads.length <= EXACT_SPLIT_MAX) return bestSplit(loads);
  const load = new Array<number>(shards).fill(0);
  const order = loads.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || a.i - b.i);
  const assignment = new Array<number>(loads.length).fill(0);
  for (const { size, i } of order) {
    let best = 0;
    for (let s = 1; s < shards; s++) if (load[s]! < load[best]!) best = s;
    assignment[i] = best;
    load[best]! += size;
  }
  // Then improve on that greedy start: move an organisation, or swap two, between the busiest
  // shard and another while that lowers the busier of the two (deterministic, a few rounds).
  for (let round = 0; round < 4 * loads.length; round++) {
    let busiest = 0;
    for (let s = 1; s < shards; s++) if (load[s]! > load[busiest]!) busiest = s;
    let bestGain = 1e-9;
    let move: [number, number] | undefined; // organisation index, and the one it swaps with (-1: none)
    let target = -1;
    for (let i = 0; i < loads.length; i++) {
      if (assignment[i] !== busiest) continue;
      for (let s = 0; s < shards; s++) {
        if (s === busiest) continue;
        const gainOf = (delta: number) => load[busiest]! - Math.max(load[busiest]! - delta, load[s]! + delta);
        const moved = gainOf(loads[i]!);
        if (moved > bestGain) [bestGain, move, target] = [moved, [i, -1], s];
        for (let j = 0; j < loads.length; j++) {
          if (assignment[j] !== s) continue;
          const swapped = gainOf(loads[i]! - loads[j]!);
          if (swapped > bestGain) [bestGain, move, target] = [swapped, [i, j], s];
        }
      }
    }
    if (move === undefined) break;
    const [i, j] = move;
    assignment[i] = target;
    load[busiest]! -= loads[i]!;
    load[target]! += loads[i]!;
    if (j >= 0) {
      assignment[j] = busiest;
      load[target]! -= loads[j]!;
      load[busiest]! += loads[j]!;
    }
  }
  return assignment;
}

/**
 * The expected message load of each organisation, from the scenario alone: a buyer organisation
 * sends intents at its agents' rate to `stores_per_intent` stores, and a store organisation
 * receives its share of the demand for each category it sells (its agents among all agents
 * selling that category). A shard's work is the messages its agents handle, so balancing these
 * rather than head counts keeps the threads equally busy: a store agent answers many buyers.
 */
export function organisationLoads(plan: SimulationPlan): { stores: number[]; buyers: number[] } {
  const buyers = plan.buyers.map((b) => b.agents * b.intent_rate * b.stores_per_intent);
  const sellers = new Map<string, number>();
  for (const s of plan.stores) for (const c of s.categories) sellers.set(c, (sellers.get(c) ?? 0) + s.agents);
  const stores = plan.stores.map(() => 0);
  plan.buyers.forEach((b, i) => {
    for (const c of b.categories) {
      const demand = buyers[i]! / b.categories.length;
      const total = sellers.get(c) ?? 0;
      if (total === 0) continue;
      plan.stores.forEach((s, k) => {
        if (s.categories.includes(c)) stores[k]! += (demand * s.agents) / total;
      });
    }
  });
  return { stores, buyers };
}

/**
 * Messages between organisations in a pilot run of the scenario: `pairs[i][j]` went from
 * organisation i to organisation j, in the layout's organisation order (stores, buyers, the
 * clearing house, hostile agents).
 */
export interface Traffic {
  readonly pairs: readonly (readonly number[])[];
  /** per organisation, the counters a buyer with an opponent model consults it for (pilot.ts) */
  readonly consultations?: readonly number[];
  /** per organisation, the store asks those consultations weigh, summed over them */
  readonly asks?: readonly number[];
  /** the virtual time the counts cover, from time zero */
  readonly virtualUs?: number;
}

/**
 * The work (µs of one thread, estimated) the whole run does per `lookaheadUs` of virtual time,
 * by the rate of the pilot's traffic: every message handled at both ends, plus the opponent
 * models. Threads synchronise once per lookahead or more often, so when a lookahead holds
 * little work they mostly wait for each other.
 */
export function lookaheadWorkUs(plan: SimulationPlan, traffic: Traffic, lookaheadUs: number): number {
  if (!(traffic.virtualUs! > 0)) return 0;
  const messages = traffic.pairs.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  const modelEnds = modelWork(plan, traffic).reduce((a, b) => a + b, 0);
  return ((2 * messages + modelEnds) * messageEndUs(plan) * lookaheadUs) / traffic.virtualUs!;
}

/**
 * What a message crossing between shards costs its two threads (encoded on one, decoded on the
 * other), against what handling one end of a message costs: about half without signatures, a
 * few per cent when every message is signed and verified.
 */
function crossingWeight(plan: SimulationPlan): number {
  return plan.security.signing === 'off' ? 0.5 : 0.03;
}

/**
 * What a consultation of an opponent model costs per hypothesis, in µs: a part for the
 * hypothesis (its prior, weight and prediction) and a part for each ask of the store weighed
 * (about 26 ns and 4.6 ns here: 1.7 ms for 65,536 hypotheses and one ask, 4.5 ms for eight).
 */
const MODEL_US_PER_HYPOTHESIS = 0.026;
const MODEL_US_PER_HYPOTHESIS_ASK = 0.0046;

/**
 * What one end of a message (sending or receiving it) costs here, in µs: about 9 when messages
 * go unsigned, some 180 more for a signature or its check (canonical JSON, JWS, EdDSA or ES256:
 * bench-signing with signing on against off), about 40 more for an audit chain entry.
 */
function messageEndUs(plan: SimulationPlan): number {
  return 9 + (plan.security.signing === 'off' ? 0 : 180) + (plan.security.audit ? 40 : 0);
}

/**
 * Per organisation, the work of its opponent models in message ends: the pilot runs without
 * them, so it counts the consultations their buyers would make and the asks they would weigh,
 * but not the arithmetic behind them. A signed message end costs some twenty unsigned ones, so
 * the same models weigh that much less against the traffic.
 */
function modelWork(plan: SimulationPlan, traffic: Traffic): number[] {
  const endUs = messageEndUs(plan);
  return organisationsOf(plan).map((o, k) => {
    const model = o.role === 'buyer' ? plan.buyers[o.planIndex]!.strategy.opponentModel : undefined;
    if (model === undefined) return 0;
    const us = (traffic.consultations?.[k] ?? 0) * MODEL_US_PER_HYPOTHESIS + (traffic.asks?.[k] ?? 0) * MODEL_US_PER_HYPOTHESIS_ASK;
    return (us * model.floorSteps * model.exponentSteps) / endUs;
  });
}

/** Up to this many organisations, a two-shard split by traffic is exact (every split is tried). */
const EXACT_TRAFFIC_MAX = 16;

/**
 * Places organisations by measured traffic. A shard's work is the message ends its agents
 * handle, plus other work counted in the same unit (`extra`: opponent models), plus the
 * crossings (weighted) of messages between it and another shard. Two shards and a few
 * organisations: the split with the lightest busier shard, then the fewest crossings; otherwise
 * heaviest first, then moves and swaps, on the ends alone.
 */
function placeByTraffic(traffic: Traffic, shards: number, weight: number, extra: readonly number[]): number[] {
  const n = traffic.pairs.length;
  const pairs = traffic.pairs;
  const ends = [...extra];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      ends[i]! += pairs[i]![j]!;
      ends[j]! += pairs[i]![j]!;
    }
  }
  if (shards !== 2 || n < 2 || n > EXACT_TRAFFIC_MAX) return assignShards(ends, shards);
  let best = 0;
  let bestMax = Infinity;
  let bestCrossing = Infinity;
  // The last organisation stays on shard 0: a split and its mirror image are the same split.
  for (let mask = 0; mask < 1 << (n - 1); mask++) {
    const load = [0, 0];
    let crossing = 0;
    for (let i = 0; i < n; i++) {
      const a = i < n - 1 && mask & (1 << i) ? 1 : 0;
      load[a]! += ends[i]!;
      for (let j = 0; j < n; j++) {
        const b = j < n - 1 && mask & (1 << j) ? 1 : 0;
        if (a !== b) crossing += pairs[i]![j]!;
      }
    }
    const busier = Math.max(load[0]!, load[1]!) + weight * crossing;
    if (busier < bestMax - 1e-9 || (busier <= bestMax + 1e-9 && crossing < bestCrossing)) [best, bestMax, bestCrossing] = [mask, busier, crossing];
  }
  return ends.map((_, i) => (i < n - 1 && best & (1 << i) ? 1 : 0));
}

/**
 * Balances each role on its own (stores among stores, buyers among buyers), pairing the busiest
 * part of a role with the least-loaded shard so far: the layout from the scenario alone, when
 * no traffic was measured. Every shard then holds buyers and the stores they talk to.
 */
function balanceByRole(orgs: readonly { role: Role; load: number }[], shards: number): number[] {
  const shardOf = new Array<number>(orgs.length).fill(0);
  const load = new Array<number>(shards).fill(0);
  for (const role of ['store', 'buyer', 'settlement', 'adversary'] as const) {
    const members = orgs.flatMap((o, i) => (o.role === role ? [i] : []));
    if (members.length === 0) continue;
    const local = assignShards(
      members.map((i) => orgs[i]!.load),
      shards,
    );
    const partLoad = new Array<number>(shards).fill(0);
    members.forEach((i, k) => (partLoad[local[k]!]! += orgs[i]!.load));
    const parts = [...partLoad.keys()].sort((a, b) => partLoad[b]! - partLoad[a]! || a - b);
    const targets = [...load.keys()].sort((a, b) => load[a]! - load[b]! || a - b);
    const to = new Array<number>(shards);
    parts.forEach((part, r) => (to[part] = targets[r]!));
    members.forEach((i, k) => {
      shardOf[i] = to[local[k]!]!;
      load[shardOf[i]!]! += orgs[i]!.load;
    });
  }
  return shardOf;
}

/** The organisations of a scenario in layout order: stores, buyers, the clearing house, hostile agents. */
export function organisationsOf(plan: SimulationPlan): { name: string; role: Role; planIndex: number; size: number }[] {
  return [
    ...plan.stores.map((s, i) => ({ name: s.organisation, role: 'store' as const, planIndex: i, size: s.agents })),
    ...plan.buyers.map((b, i) => ({ name: b.organisation, role: 'buyer' as const, planIndex: i, size: b.agents })),
    ...(plan.settlement ? [{ name: plan.settlement.organisation, role: 'settlement' as const, planIndex: 0, size: 1 }] : []),
    // A hostile agent is an organisation of one, after the honest ones, so their ids do not move.
    ...(plan.adversaries ?? []).map((a, i) => ({ name: a.organisation ?? adversaryOrganisation(a.kind, i), role: 'adversary' as const, planIndex: i, size: 1 })),
  ];
}

/** Each organisation's role and expected message load, from the scenario alone (see organisationLoads). */
function expectedLoads(plan: SimulationPlan, orgs: readonly { role: Role; planIndex: number }[]): { role: Role; load: number }[] {
  const loads = organisationLoads(plan);
  const buyerLoad = loads.buyers.reduce((a, b) => a + b, 0);
  const perBuyerAgent = buyerLoad / Math.max(1, plan.buyers.reduce((a, b) => a + b.agents, 0));
  const weight = (o: { role: Role; planIndex: number }): number => {
    switch (o.role) {
      case 'store':
        return loads.stores[o.planIndex]!;
      case 'buyer':
        return loads.buyers[o.planIndex]!;
      case 'settlement':
        // A handful of settlement messages for every deal, against some thirty for a negotiation.
        return buyerLoad / 5;
      default:
        return perBuyerAgent;
    }
  };
  return orgs.map((o) => ({ role: o.role, load: weight(o) }));
}

/**
 * Lays out the agents on `shards` shards: by `traffic` measured in a pilot run when given (see
 * run/pilot.ts), else by the load expected from the scenario alone.
 */
export function layOut(plan: SimulationPlan, shards: number, traffic?: Traffic): Layout {
  const orgs = organisationsOf(plan);
  if (traffic !== undefined && (traffic.pairs.length !== orgs.length || traffic.pairs.some((row) => row.length !== orgs.length) || [traffic.consultations, traffic.asks].some((c) => c !== undefined && c.length !== orgs.length))) {
    throw new Error(`traffic for ${traffic.pairs.length} organisations, but the scenario has ${orgs.length}`);
  }
  const shardCount = Math.max(1, shards);
  const shardOf =
    shardCount === 1
      ? orgs.map(() => 0)
      : traffic !== undefined
        ? placeByTraffic(traffic, shardCount, crossingWeight(plan), modelWork(plan, traffic))
        : balanceByRole(expectedLoads(plan, orgs), shardCount);
  const agents: (AgentAddress | undefined)[] = [];
  const byIdentifier = new Map<string, AgentAddress>();
  const organisations: OrganisationSlot[] = [];
  let nextId = 1;
  orgs.forEach((org, k) => {
    const shard = shardOf[k]!;
    const entityId = org.role === 'buyer' ? nextId++ : -1;
    const ids: number[] = [];
    for (let i = 1; i <= org.size; i++) {
      const localName = `${org.name}-${i}`;
      const name = `${org.name} ${ROLE_NAMES[org.role]} agent ${i}`;
      const address: AgentAddress = {
        id: nextId++,
        localName,
        organisation: org.name,
        role: org.role,
        planIndex: org.planIndex,
        shard,
        party: Object.freeze({ type: 'agent', identifier: `agent:${localName}`, name }),
      };
      agents[address.id] = address;
      byIdentifier.set(address.party.identifier, address);
      ids.push(address.id);
    }
    organisations.push({ name: org.name, role: org.role, planIndex: org.planIndex, entityId, shard, agentIds: ids });
  });
  return { shards: Math.max(1, shards), agents, byIdentifier, organisations };
}
