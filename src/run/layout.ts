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

/** Assigns organisations to `shards` shards, heaviest first, each to the least-loaded shard. */
function assignShards(sizes: readonly number[], shards: number): number[] {
  const load = new Array<number>(shards).fill(0);
  const order = sizes.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || a.i - b.i);
  const assignment = new Array<number>(sizes.length).fill(0);
  for (const { size, i } of order) {
    let best = 0;
    for (let s = 1; s < shards; s++) if (load[s]! < load[best]!) best = s;
    assignment[i] = best;
    load[best]! += size;
  }
  return assignment;
}

export function layOut(plan: SimulationPlan, shards: number): Layout {
  const orgs = [
    ...plan.stores.map((s, i) => ({ name: s.organisation, role: 'store' as const, planIndex: i, size: s.agents })),
    ...plan.buyers.map((b, i) => ({ name: b.organisation, role: 'buyer' as const, planIndex: i, size: b.agents })),
    ...(plan.settlement ? [{ name: plan.settlement.organisation, role: 'settlement' as const, planIndex: 0, size: 1 }] : []),
    // A hostile agent is an organisation of one, after the honest ones, so their ids do not move.
    ...(plan.adversaries ?? []).map((a, i) => ({ name: a.organisation ?? adversaryOrganisation(a.kind, i), role: 'adversary' as const, planIndex: i, size: 1 })),
  ];
  const shardOf = assignShards(
    orgs.map((o) => o.size),
    Math.max(1, shards),
  );
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
        party: { type: 'agent', identifier: `agent:${localName}`, name },
      };
      agents[address.id] = address;
      byIdentifier.set(address.party.identifier, address);
      ids.push(address.id);
    }
    organisations.push({ name: org.name, role: org.role, planIndex: org.planIndex, entityId, shard, agentIds: ids });
  });
  return { shards: Math.max(1, shards), agents, byIdentifier, organisations };
}
