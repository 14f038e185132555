/**
 * The network model: per link (sender organisation → receiver organisation) a latency
 * distribution, a loss probability and a corruption probability. Each directed agent link draws
 * from its own random stream, so one link's traffic never shifts another's.
 */
import { minimumUs, type Distribution } from '../engine/distribution.js';
import { Rng } from '../engine/rng.js';
import type { SimulationPlan } from '../scenario/schema.js';

export interface LinkModel {
  readonly latency: Distribution;
  readonly lossProbability: number;
  readonly corruptProbability: number;
}

export interface Link {
  readonly model: LinkModel;
  readonly rng: Rng;
}

export class NetworkModel {
  private readonly defaults: LinkModel;
  private readonly overrides = new Map<string, LinkModel>();
  /** links by sender id, then receiver id: small integer keys keep both lookups on the fast path */
  private readonly links: (Map<number, Link> | undefined)[] = [];

  constructor(
    plan: SimulationPlan,
    private readonly seed: string | number,
  ) {
    const n = plan.network;
    this.defaults = { latency: n.latency, lossProbability: n.loss_probability, corruptProbability: n.corrupt_probability };
    for (const l of n.links) {
      this.overrides.set(`${l.from}\u0000${l.to}`, {
        latency: l.latency ?? this.defaults.latency,
        lossProbability: l.loss_probability ?? this.defaults.lossProbability,
        corruptProbability: l.corrupt_probability ?? this.defaults.corruptProbability,
      });
    }
  }

  /** The model for messages from one organisation to another. */
  modelFor(fromOrganisation: string, toOrganisation: string): LinkModel {
    return this.overrides.get(`${fromOrganisation}\u0000${toOrganisation}`) ?? this.defaults;
  }

  /** The directed link between two agents, created on first use with stream `link:A→B`. */
  link(fromId: number, fromIdentifier: string, fromOrg: string, toId: number, toIdentifier: string, toOrg: string): Link {
    let bySender = this.links[fromId];
    if (bySender === undefined) {
      bySender = new Map();
      this.links[fromId] = bySender;
    }
    let link = bySender.get(toId);
    if (!link) {
      link = { model: this.modelFor(fromOrg, toOrg), rng: new Rng(this.seed, `link:${fromIdentifier}→${toIdentifier}`) };
      bySender.set(toId, link);
    }
    return link;
  }

  /** The smallest one-way latency any link can have: the lookahead of a parallel run. */
  minimumLatencyUs(): number {
    return Math.min(minimumUs(this.defaults.latency), ...[...this.overrides.values()].map((m) => minimumUs(m.latency)));
  }
}
