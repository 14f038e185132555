/**
 * The public API: runSimulation(plan, options) builds the world from a validated scenario, runs
 * it on virtual time until every negotiation has ended, and returns the deterministic results
 * plus budget outcomes. The CLI and the tests both call it.
 */
import { BuyerAgent } from './agents/buyer.js';
import { MandateRegistry } from './agents/mandates.js';
import { BuyerOrganisation } from './agents/organisation.js';
import { StoreAgent } from './agents/store.js';
import type { AgentContext } from './agents/agent.js';
import { Broker } from './broker/broker.js';
import { Directory } from './broker/directory.js';
import { NetworkModel } from './broker/network.js';
import type { TraceLine, TraceSink } from './broker/trace.js';
import { DealChecker } from './checkers/deals.js';
import { InvariantViolation, Kernel } from './engine/kernel.js';
import { Market } from './market/market.js';
import { MetricsCollector } from './metrics/collector.js';
import { buildResults, metricValues, type MarketSummary, type Results } from './metrics/results.js';
import { formatMinor } from './protocol/money.js';
import { budgetHolds, type Budget } from './scenario/budgets.js';
import type { SimulationPlan } from './scenario/schema.js';

/** Progress of a run, reported every 1% of the scenario's virtual duration. */
export interface Progress {
  readonly virtualUs: number;
  readonly durationUs: number;
  readonly events: number;
  readonly negotiations: number;
}

/** Lifecycle hooks; every one optional, every argument read-only. */
export interface Reporter {
  onStart?(plan: SimulationPlan, seed: string | number): void;
  onProgress?(progress: Progress): void;
  onTrace?(line: TraceLine): void;
  onEnd?(result: RunResult): void;
}

export interface RunOptions {
  /** overrides the scenario's seed */
  readonly seed?: string | number;
  readonly reporters?: readonly Reporter[];
}

export interface BudgetResult {
  readonly expression: string;
  readonly metric: string;
  readonly value: number | null;
  readonly passed: boolean;
}

export interface RunResult {
  readonly results: Results;
  readonly budgets: BudgetResult[];
  /** true when every budget held */
  readonly passed: boolean;
}

/** Raised (as InvariantViolation) with the seed attached, so the failure can be replayed. */
export class RunInvariantViolation extends InvariantViolation {
  constructor(
    readonly violation: InvariantViolation,
    readonly seed: string | number,
  ) {
    super(violation.message, violation.virtualUs);
    this.name = 'RunInvariantViolation';
  }
}

/** Horizon past the scenario's end for which market paths are generated (negotiations drain). */
const DRAIN_HORIZON_US = 120_000_000;

export function runSimulation(plan: SimulationPlan, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? plan.seed;
  const effective: SimulationPlan = { ...plan, seed };
  const reporters = options.reporters ?? [];
  for (const r of reporters) r.onStart?.(effective, seed);
  try {
    return run(effective, reporters);
  } catch (err) {
    if (err instanceof InvariantViolation && !(err instanceof RunInvariantViolation)) throw new RunInvariantViolation(err, seed);
    throw err;
  }
}

function run(plan: SimulationPlan, reporters: readonly Reporter[]): RunResult {
  const durationUs = plan.duration;
  const kernel = new Kernel();
  const metrics = new MetricsCollector();
  const market = new Market(plan, durationUs + DRAIN_HORIZON_US);
  const tracers = reporters.filter((r) => r.onTrace);
  const trace: TraceSink | undefined =
    tracers.length > 0
      ? {
          record(line) {
            for (const r of tracers) r.onTrace!(line);
          },
        }
      : undefined;
  const network = new NetworkModel(plan, plan.seed);
  const broker = new Broker(kernel, network, metrics, trace);
  const directory = new Directory();
  const checker = new DealChecker();
  const ids = new Map<string, number>();
  const names: string[] = [];
  const ctx: AgentContext = {
    kernel,
    broker,
    directory,
    market,
    metrics,
    mandates: new MandateRegistry(plan),
    checker,
    trace,
    seed: plan.seed,
    epochMs: Date.parse(plan.start_time),
    currency: plan.currency,
    idOf: (identifier) => ids.get(identifier) ?? -1,
  };

  // Ids follow the order of the scenario file, so they never depend on how a run is laid out.
  let nextId = 1;
  const register = (agent: StoreAgent | BuyerAgent) => {
    broker.register(agent);
    ids.set(agent.identifier, agent.id);
    names[agent.id] = agent.identifier;
  };
  for (const s of plan.stores) {
    for (let i = 1; i <= s.agents; i++) {
      const store = new StoreAgent(nextId++, `${s.organisation}-${i}`, s, ctx);
      register(store);
      directory.publish(store.profile);
    }
  }
  const organisations: BuyerOrganisation[] = [];
  const buyers: BuyerAgent[] = [];
  for (const b of plan.buyers) {
    const org = new BuyerOrganisation(nextId++, b.organisation, b, kernel, metrics);
    organisations.push(org);
    for (let i = 1; i <= b.agents; i++) {
      const buyer = new BuyerAgent(nextId++, `${b.organisation}-${i}`, b, org, durationUs, ctx);
      register(buyer);
      buyers.push(buyer);
    }
  }
  for (const b of buyers) b.start();

  // Run in slices of 1% of the duration; empty stretches of virtual time are skipped.
  const sliceUs = Math.max(1, Math.ceil(durationUs / 100));
  const limitUs = durationUs + DRAIN_HORIZON_US * 10;
  while (kernel.pending > 0) {
    const next = kernel.nextTimeUs();
    if (next > limitUs) throw new InvariantViolation(`run did not drain: events pending at ${next} µs`, kernel.nowUs);
    const sliceEnd = (Math.floor(next / sliceUs) + 1) * sliceUs;
    kernel.runUntil(sliceEnd);
    if (reporters.length > 0) {
      const progress: Progress = {
        virtualUs: kernel.nowUs,
        durationUs,
        events: kernel.eventsProcessed,
        negotiations: metrics.negotiationLatency.count,
      };
      for (const r of reporters) r.onProgress?.(progress);
    }
  }

  const endUs = kernel.nowUs;
  const finding = checker.finish(endUs);
  const marketSummary: MarketSummary[] = plan.market.categories.map((c) => {
    let min = Infinity;
    let max = -Infinity;
    for (let t = 0; t <= endUs; t += plan.market.tick) {
      const p = market.referencePriceMinor(c.name, t);
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    return {
      category: c.name,
      start_price: formatMinor(Math.round(market.referencePriceMinor(c.name, 0))),
      end_price: formatMinor(Math.round(market.referencePriceMinor(c.name, endUs))),
      min_price: formatMinor(Math.round(min)),
      max_price: formatMinor(Math.round(max)),
    };
  });
  const results = buildResults({
    scenario: plan.name,
    seed: plan.seed,
    endUs,
    events: kernel.eventsProcessed,
    metrics,
    regimes: market.timeline.regimes,
    topPairs: plan.report.top_pairs,
    inDoubt: finding.inDoubt,
    breakers: organisations
      .filter((o) => o.breaker)
      .map((o) => ({ organisation: o.name, finalState: o.breaker!.state, timeInState: o.breaker!.timeInState(endUs) })),
    market: marketSummary,
    agentName: (id) => names[id] ?? `#${id}`,
  });
  const budgets = evaluateBudgets(plan.budgets, results);
  const result: RunResult = { results, budgets, passed: budgets.every((b) => b.passed) };
  for (const r of reporters) r.onEnd?.(result);
  return result;
}

/** Checks each budget against the run's metric values. */
export function evaluateBudgets(budgets: readonly Budget[], results: Results): BudgetResult[] {
  const values = metricValues(results);
  return budgets.map((b) => {
    const value = values.get(b.metric);
    return { expression: b.expression, metric: b.metric, value: value ?? null, passed: budgetHolds(b, value) };
  });
}
