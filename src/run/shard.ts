/**
 * A shard: one event kernel and the agents of the organisations laid out on it, with its own
 * broker endpoint, metrics and checker. Shards meet only through batches of deliveries, so a
 * shard can run inline or in a worker thread and compute the same thing.
 */
import { AdversaryAgent } from '../agents/adversary.js';
import type { AgentContext } from '../agents/agent.js';
import { BuyerAgent } from '../agents/buyer.js';
import { MandateRegistry } from '../agents/mandates.js';
import { BuyerOrganisation } from '../agents/organisation.js';
import { ORDER_RETENTION_US, StoreAgent, storeProfile } from '../agents/store.js';
import { Broker, type RemoteDelivery } from '../broker/broker.js';
import { Directory } from '../broker/directory.js';
import { NetworkModel } from '../broker/network.js';
import type { TraceLine } from '../broker/trace.js';
import { DealChecker } from '../checkers/deals.js';
import { SettlementChecker } from '../checkers/settlement.js';
import { drawFaults, type FaultSchedule } from '../faults/plan.js';
import { ClearingHouse } from '../settlement/clearing.js';
import type { BusinessProfile, CommerceMessage, Party } from '../protocol/schemas.js';
import { ExposureChecker } from '../checkers/exposure.js';
import { Kernel } from '../engine/kernel.js';
import type { Market } from '../market/market.js';
import { NegotiationScores } from '../metrics/scores.js';
import { MetricsCollector } from '../metrics/collector.js';
import { timeseriesBucketUs } from '../metrics/timeseries.js';
import type { BreakerState } from '../risk/breaker.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { verifierPolicyOf, type TrustContext } from '../trust/context.js';
import { KeyDirectory } from '../trust/keys.js';
import type { Layout } from './layout.js';
import { ExternalAgent, type ExternalTally } from '../gateway/external-agent.js';
import { Pacer } from '../gateway/pacer.js';
import type { AgentLink } from '../gateway/link.js';
import { externalOf } from '../scenario/external.js';

/** A trace line with the key of the event that produced it, for merging across shards. */
export interface KeyedTraceLine {
  readonly t: number;
  readonly p: number;
  readonly o: number;
  readonly s: number;
  /** emission order within the shard */
  readonly n: number;
  readonly line: TraceLine;
}

export interface BreakerReport {
  readonly organisation: string;
  readonly finalState: BreakerState;
  readonly timeInState: Record<BreakerState, number>;
}

/** The world every shard shares, read-only: derived from the scenario alone. */
export interface SharedWorld {
  readonly plan: SimulationPlan;
  readonly layout: Layout;
  readonly market: Market;
  readonly directory: Directory;
  readonly mandates: MandateRegistry;
  /** the faults this run's seed drew from the scenario's ranges */
  readonly faults: FaultSchedule | undefined;
  readonly clearingHouse: Party | undefined;
  readonly trust: TrustContext;
  /** run --strict: the first strategy error ends the run */
  readonly strict?: boolean;
  /** the link to the agents of external organisations (inline runs only) */
  readonly external?: AgentLink;
}

/** Builds what every shard reads but never changes. */
export function sharedWorld(plan: SimulationPlan, layout: Layout, market: Market): SharedWorld {
  const directory = new Directory();
  const trust = trustContext(plan, layout);
  for (const profile of storeProfiles(plan, layout, trust)) directory.publish(profile);
  const clearing = layout.organisations.find((o) => o.role === 'settlement');
  const clearingHouse = clearing ? layout.agents[clearing.agentIds[0]!]!.party : undefined;
  return { plan, layout, market, directory, mandates: new MandateRegistry(plan, plan.security.signing === 'off' ? undefined : trust.keys), trust, faults: drawFaults(plan), clearingHouse };
}

/** The business profile of every store agent, as the directory publishes it at the start. */
export function storeProfiles(plan: SimulationPlan, layout: Layout, trust: TrustContext): BusinessProfile[] {
  const profiles: BusinessProfile[] = [];
  for (const org of layout.organisations) {
    if (org.role !== 'store') continue;
    // With signing on, the profile carries the organisation's JWK set as published at the start
    // (verifiers resolve keys through the set current when a message arrives: trust/keys.ts).
    const signingKeys = plan.security.signing === 'off' ? undefined : trust.keys.jwks(org.name, 0).keys;
    const external = externalOf(plan, org.name);
    for (const id of org.agentIds) {
      let profile = storeProfile(plan.stores[org.planIndex]!, layout.agents[id]!);
      if (external) profile = { ...profile, transports: { a2a: { ...profile.transports.a2a, capabilities: [...external.capabilities] } } };
      profiles.push(signingKeys ? { ...profile, signing_keys: signingKeys } : profile);
    }
  }
  return profiles;
}

/** Keys, policy and the ground truth of who is hostile, derived from the scenario alone. */
export function trustContext(plan: SimulationPlan, layout: Layout): TrustContext {
  const agentsByOrganisation = new Map<string, string[]>();
  for (const org of layout.organisations) agentsByOrganisation.set(org.name, org.agentIds.map((id) => layout.agents[id]!.party.identifier));
  const organisationOf = (identifier: string) => layout.byIdentifier.get(identifier)?.organisation;
  const security = plan.security;
  const keys = new KeyDirectory(
    plan.seed,
    { algorithm: security.signing === 'eddsa' ? 'eddsa' : 'es256', rotationUs: security.key_rotation, overlapUs: security.key_overlap },
    organisationOf,
    (organisation) => agentsByOrganisation.get(organisation) ?? [],
    Date.parse(plan.start_time),
    new Map(plan.external.flatMap((e) => (e.jwks ? [[e.organisation, e.jwks] as const] : []))),
  );
  const kindOf = (address: { role: string; planIndex: number } | undefined) => (address?.role === 'adversary' ? plan.adversaries[address.planIndex]!.kind : undefined);
  return {
    policy: security,
    verifierPolicy: verifierPolicyOf(security),
    keys,
    organisationOf,
    adversaryKind: (agent) => kindOf(typeof agent === 'number' ? layout.agents[agent] : layout.byIdentifier.get(agent)),
  };
}

export class Shard {
  readonly kernel = new Kernel();
  readonly metrics = new MetricsCollector();
  readonly checker: DealChecker;
  readonly settlementChecker = new SettlementChecker();
  readonly exposureChecker = new ExposureChecker();
  private readonly broker: Broker;
  private readonly agents: (BuyerAgent | StoreAgent)[] = [];
  private readonly organisations: BuyerOrganisation[] = [];
  private readonly buyers: BuyerAgent[] = [];
  private readonly adversaries: AdversaryAgent[] = [];
  private readonly externals: ExternalAgent[] = [];
  /** external_clock: realtime: paces virtual time to the wall clock (the link reads the clock) */
  private pacer: Pacer | undefined;
  /** what the external agents here did */
  readonly externalTally: ExternalTally = { frames: 0, answers: 0, timeouts: 0, unreachable: 0, unanswered_accepts: 0 };
  private traceLines: KeyedTraceLine[] = [];
  private traceCount = 0;
  /** whether any agent here prepares for deliveries (signatures to check, opponent models to consult) */
  private readonly preparing: boolean;

  constructor(
    private readonly world: SharedWorld,
    readonly index: number,
    tracing: boolean,
  ) {
    const { plan, layout } = world;
    const kernel = this.kernel;
    this.metrics.bucketUs = timeseriesBucketUs(plan);
    if (plan.negotiation.scores) this.metrics.scores = new NegotiationScores();
    // A store can execute a quote only while it holds it: within its validity, or as a retried
    // accept answered from the order it keeps; remember executed deals a little longer than that.
    this.checker = new DealChecker(2 * (Math.max(...plan.stores.map((s) => s.quote_validity)) + ORDER_RETENTION_US));
    const trace = tracing
      ? {
          record: (line: TraceLine) => {
            const k = kernel.current;
            this.traceLines.push({ t: k.t, p: k.p, o: k.o, s: k.s, n: this.traceCount++, line });
          },
        }
      : undefined;
    this.broker = new Broker(kernel, new NetworkModel(plan, plan.seed), this.metrics, trace, { byIdentifier: layout.byIdentifier, byId: layout.agents }, index, world.faults);
    const ctx: AgentContext = {
      kernel,
      broker: this.broker,
      directory: world.directory,
      market: world.market,
      metrics: this.metrics,
      mandates: world.mandates,
      checker: this.checker,
      trace,
      seed: plan.seed,
      epochMs: Date.parse(plan.start_time),
      currency: plan.currency,
      trust: world.trust,
      idOf: (identifier) => layout.byIdentifier.get(identifier)?.id ?? -1,
      partyOf: (id) => layout.agents[id]?.party,
      organisationOf: (identifier) => layout.byIdentifier.get(identifier)?.organisation ?? '',
      settlement: plan.settlement,
      settlementChecker: this.settlementChecker,
      faults: world.faults,
      defects: new Set(plan.defects),
      clearingHouse: world.clearingHouse,
      firstMover: plan.negotiation.first_mover,
      strict: world.strict ?? false,
    };
    for (const org of layout.organisations) {
      if (org.shard !== index) continue;
      const external = externalOf(plan, org.name);
      if (external !== undefined) {
        if (world.external === undefined) throw new Error(`${org.name} is an external organisation: the run needs its agents' link (run --listen, or --replay)`);
        if (plan.external_clock === 'realtime') this.pacer ??= new Pacer(layout.agents.length, this.kernel, world.external, plan.duration);
        for (const id of org.agentIds) {
          const agent = new ExternalAgent(layout.agents[id]!, external, world.external, ctx, plan.duration, this.externalTally, this.pacer);
          this.broker.register(agent);
          this.externals.push(agent);
        }
        continue;
      }
      if (org.role === 'settlement') {
        this.broker.register(new ClearingHouse(layout.agents[org.agentIds[0]!]!, plan, plan.settlement!, ctx));
      } else if (org.role === 'store') {
        const storePlan = plan.stores[org.planIndex]!;
        for (const id of org.agentIds) {
          const store = new StoreAgent(layout.agents[id]!, storePlan, ctx);
          this.broker.register(store);
          this.agents.push(store);
        }
      } else if (org.role === 'adversary') {
        const honestBuyers = layout.agents.filter((a) => a?.role === 'buyer').map((a) => a!.party);
        const categories = plan.market.categories.map((c) => c.name);
        for (const id of org.agentIds) {
          const adversary = new AdversaryAgent(layout.agents[id]!, plan.adversaries[org.planIndex]!, honestBuyers, categories, plan.duration, ctx);
          this.broker.register(adversary);
          this.adversaries.push(adversary);
        }
      } else {
        const buyerPlan = plan.buyers[org.planIndex]!;
        const organisation = new BuyerOrganisation(org.entityId, org.name, buyerPlan, plan.duration, kernel, this.metrics, this.exposureChecker);
        this.organisations.push(organisation);
        for (const id of org.agentIds) {
          const buyer = new BuyerAgent(layout.agents[id]!, buyerPlan, organisation, plan.duration, ctx);
          this.broker.register(buyer);
          this.buyers.push(buyer);
          this.agents.push(buyer);
        }
      }
    }
    this.preparing = this.agents.some((a) => a.prepares);
  }

  /** Schedules the first events (each buyer's first candidate arrival). */
  start(): void {
    for (const b of this.buyers) b.start();
    for (const crash of this.world.faults?.crashes ?? []) {
      for (const a of this.agents) {
        const index = Number(a.localName.slice(a.organisation.length + 1));
        if (a.organisation === crash.organisation && (crash.agent === undefined || crash.agent === index)) a.scheduleCrash(crash.atUs, crash.downtimeUs);
      }
    }
    for (const a of this.adversaries) a.start();
    for (const e of this.externals) e.start();
    this.pacer?.start();
  }

  nextTimeUs(): number {
    return this.kernel.nextTimeUs();
  }

  /** Runs every event before `endUs`. */
  runUntil(endUs: number): number {
    return this.kernel.runUntil(endUs);
  }

  /**
   * While the thread may run nothing, does one piece of the work that pending deliveries will
   * need anyway (a signature check; an opponent-model consultation for a quote on its way to a
   * buyer), earliest deliveries first. Results do not change: what is prepared is exactly what the agent would
   * compute on delivery, and it is used only if the agent's state still matches. Returns false
   * when there is nothing (more) to prepare.
   */
  prepareAhead(): boolean {
    if (!this.preparing) return false;
    const broker = this.broker;
    return this.kernel.somePending((target, kind, data, t) => target === broker && broker.prepare(kind, data, t));
  }

  /** Calls `observer` with every routable message sent and its sender's and receiver's ids. */
  observeTraffic(observer: (fromId: number, toId: number, message: CommerceMessage) => void): void {
    this.broker.observer = observer;
  }

  takeOutbox(): RemoteDelivery[] {
    return this.broker.takeOutbox();
  }

  acceptRemote(batch: readonly RemoteDelivery[]): void {
    this.broker.acceptRemote(batch);
  }

  /** Trace lines produced since the last call, in this shard's event order. */
  takeTrace(): KeyedTraceLine[] {
    const lines = this.traceLines;
    this.traceLines = [];
    return lines;
  }

  breakers(endUs: number): BreakerReport[] {
    return this.organisations
      .filter((o) => o.breaker)
      .map((o) => ({ organisation: o.name, finalState: o.breaker!.state, timeInState: o.breaker!.timeInState(endUs) }));
  }
}

/** Orders trace lines of several shards as one kernel would have produced them. */
export function compareKeyed(a: KeyedTraceLine, b: KeyedTraceLine): number {
  return a.t - b.t || a.p - b.p || a.o - b.o || a.s - b.s || a.n - b.n;
}
