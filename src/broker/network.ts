/**
 * The network model: per link (sender organisation → receiver organisation) a latency
 * distribution, a loss probability and a corruption probability. Each directed agent link draws
 * from its own random stream, so one link's traffic never shifts another's.
 */
import { minimumUs, type Distribution } from '../engine/distribution.js';
import { PairTable } from '../engine/pair-table.js';
import { AleaSlab, Hash53, type Draws } from '../engine/rng.js';
import type { SimulationPlan } from '../scenario/schema.js';

export interface LinkModel {
  readonly latency: Distribution;
  readonly lossProbability: number;
  readonly corruptProbability: number;
}

/** One direction between two agents: its model and its own random stream. */
export interface Link {
  readonly model: LinkModel;
  /** the link's stream; draw from it before asking for another link */
  readonly rng: Draws;
}

export class NetworkModel {
  private readonly defaults: LinkModel;
  private readonly overrides = new Map<string, LinkModel>();
  /** (sender id, receiver id) → link index, into `streams` and `models` */
  private readonly links = new PairTable();
  private readonly streams = new AleaSlab();
  private readonly models: LinkModel[] = [];
  /** what link() hands out: a view of one link, valid until the next call */
  private readonly view: { model: LinkModel; rng: Draws } = { model: undefined as never, rng: this.streams };
  /** the hash of every link stream's name up to the sender (`${seed}\u0000link:`), and a scratch hash */
  private readonly linkPrefix: Hash53;
  private readonly linkName = new Hash53();

  constructor(
    plan: SimulationPlan,
    seed: string | number,
  ) {
    this.linkPrefix = new Hash53().update(`${seed}\u0000link:`);
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
    if (this.overrides.size === 0) return this.defaults;
    return this.overrides.get(`${fromOrganisation}\u0000${toOrganisation}`) ?? this.defaults;
  }

  /**
   * The directed link between two agents, created on first use with stream `link:A→B` (its name
   * hashed in parts: a long run makes millions of links, and building each name cost more than
   * the rest of making the stream).
   */
  link(fromId: number, fromIdentifier: string, fromOrg: string, toId: number, toIdentifier: string, toOrg: string): Link {
    let index = this.links.get(fromId, toId);
    if (index < 0) {
      index = this.streams.addDigest(this.linkName.from(this.linkPrefix).update(fromIdentifier).update('→').update(toIdentifier).digest());
      this.models.push(this.modelFor(fromOrg, toOrg));
      this.links.add(fromId, toId, index);
    }
    const view = this.view;
    view.model = this.models[index]!;
    this.streams.at(index);
    return view;
  }

  /** Links that carried a message so far. */
  get linkCount(): number {
    return this.streams.size;
  }

  /** The smallest one-way latency any link can have: the lookahead of a parallel run. */
  minimumLatencyUs(): number {
    return Math.min(minimumUs(this.defaults.latency), ...[...this.overrides.values()].map((m) => minimumUs(m.latency)));
  }
}
