/**
 * The deterministic `results` section of a report, built from merged metrics. Only virtual
 * time and counts appear here; every map is emitted in sorted key order.
 */
import type { BreakerState } from '../risk/breaker.js';
import type { Regime } from '../market/regimes.js';
import { ERROR_CODES } from '../protocol/codes.js';
import { formatMinor } from '../protocol/money.js';
import type { LatencySummary } from './latency.js';
import type { AuditSummary } from '../trust/audit.js';
import { MetricsCollector, OUTCOMES, type Tally } from './collector.js';
import { securitySummary, type SecuritySummary } from './security.js';

export interface SuccessTally {
  readonly count: number;
  readonly succeeded: number;
  readonly success_rate: number | null;
}

export interface BreakerSummary {
  readonly organisation: string;
  readonly final_state: BreakerState;
  readonly opens: number;
  readonly time_open_us: number;
  readonly time_half_open_us: number;
  readonly transitions: { time_us: number; from: string; to: string; reason: string }[];
}

export interface MarketSummary {
  readonly category: string;
  readonly start_price: string;
  readonly end_price: string;
  readonly min_price: string;
  readonly max_price: string;
}

export interface Results {
  readonly scenario: string;
  readonly seed: string | number;
  readonly virtual_end_us: number;
  readonly events: number;
  readonly negotiation: {
    readonly count: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly success_rate: number | null;
    readonly held_intents: number;
    readonly outcomes: Record<string, number>;
    readonly rounds: { readonly mean: number | null; readonly max: number; readonly histogram: Record<string, number> };
    readonly latency: LatencySummary;
    readonly by_category: Record<string, SuccessTally>;
    readonly by_regime: ({ regime: string; start_us: number; end_us: number } & SuccessTally)[];
    readonly top_pairs: ({ buyer: string; store: string } & SuccessTally)[];
  };
  readonly settlement: {
    readonly deals: number;
    readonly value: string;
    readonly in_doubt: number;
    readonly accept_retries: number;
    readonly latency: LatencySummary;
  };
  readonly flow: { readonly discoveries: number; readonly executions: number; readonly receipts: number };
  readonly messages: {
    readonly sent: number;
    readonly delivered: number;
    readonly dropped: number;
    readonly corrupted: number;
    readonly invalid: number;
    readonly unroutable: number;
    readonly by_type: Record<string, number>;
  };
  readonly errors: { readonly total: number; readonly by_code: Record<string, number> };
  readonly breakers: BreakerSummary[];
  readonly market: MarketSummary[];
  readonly security: SecuritySummary;
  /** chain heads and the Merkle root of the audit trail (absent when the trail is off) */
  readonly audit?: AuditSummary;
}

export interface ResultsInput {
  readonly scenario: string;
  readonly seed: string | number;
  readonly endUs: number;
  readonly events: number;
  readonly metrics: MetricsCollector;
  readonly regimes: readonly Regime[];
  readonly topPairs: number;
  readonly inDoubt: number;
  readonly breakers: { organisation: string; finalState: BreakerState; timeInState: Record<BreakerState, number> }[];
  readonly market: MarketSummary[];
  readonly agentName: (id: number) => string;
  /** `security.signing` of the scenario, and whether the audit trail is kept */
  readonly signing?: string;
  readonly audit?: boolean;
}

function rate(t: Tally): SuccessTally {
  return { count: t.count, succeeded: t.succeeded, success_rate: t.count > 0 ? round6(t.succeeded / t.count) : null };
}

/** Rounds a ratio to 6 places so the JSON stays readable (deterministically). */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function sorted<V>(map: Map<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k)!;
  return out;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(map: Map<unknown, number>): number {
  let s = 0;
  for (const v of map.values()) s += v;
  return s;
}

export function buildResults(input: ResultsInput): Results {
  const m = input.metrics;
  const count = sum(m.outcomes);
  const succeeded = m.outcomes.get('succeeded') ?? 0;
  const outcomes: Record<string, number> = {};
  for (const o of OUTCOMES) outcomes[o] = m.outcomes.get(o) ?? 0;
  let roundSum = 0;
  let roundMax = 0;
  const roundHist = new Map<string, number>();
  for (const [r, n] of [...m.roundsHistogram].sort((a, b) => a[0] - b[0])) {
    roundSum += r * n;
    roundMax = Math.max(roundMax, r);
    roundHist.set(String(r), n);
  }
  const pairs = [...m.byPair]
    .sort((a, b) => b[1].count - a[1].count || a[0] - b[0])
    .slice(0, input.topPairs)
    .map(([key, t]) => {
      const { buyerId, storeId } = MetricsCollector.pairIds(key);
      return { buyer: input.agentName(buyerId), store: input.agentName(storeId), ...rate(t) };
    });
  const transitionsByOrg = new Map<string, typeof m.breakerTransitions>();
  for (const t of [...m.breakerTransitions].sort((a, b) => a.timeUs - b.timeUs || compare(a.organisation, b.organisation))) {
    const list = transitionsByOrg.get(t.organisation) ?? [];
    list.push(t);
    transitionsByOrg.set(t.organisation, list);
  }
  const breakers = [...input.breakers]
    .sort((a, b) => compare(a.organisation, b.organisation))
    .map((b): BreakerSummary => {
      const list = transitionsByOrg.get(b.organisation) ?? [];
      return {
        organisation: b.organisation,
        final_state: b.finalState,
        opens: list.filter((t) => t.to === 'open').length,
        time_open_us: b.timeInState.open,
        time_half_open_us: b.timeInState.half_open,
        transitions: list.map((t) => ({ time_us: t.timeUs, from: t.from, to: t.to, reason: t.reason })),
      };
    });
  const sentByType = sorted(m.sentByType);
  return {
    scenario: input.scenario,
    seed: input.seed,
    virtual_end_us: input.endUs,
    events: input.events,
    negotiation: {
      count,
      succeeded,
      failed: count - succeeded,
      success_rate: count > 0 ? round6(succeeded / count) : null,
      held_intents: sum(m.heldByOrganisation),
      outcomes,
      rounds: { mean: count > 0 ? round6(roundSum / count) : null, max: roundMax, histogram: Object.fromEntries(roundHist) },
      latency: m.negotiationLatency.summary(),
      by_category: Object.fromEntries(Object.entries(sorted(m.byCategory)).map(([k, t]) => [k, rate(t)])),
      by_regime: input.regimes.map((r, i) => ({ regime: r.name, start_us: r.startUs, end_us: r.endUs, ...rate(m.byRegime.get(i) ?? { count: 0, succeeded: 0 }) })),
      top_pairs: pairs,
    },
    settlement: {
      deals: m.dealsConfirmed,
      value: formatMinor(m.dealValueMinor),
      in_doubt: input.inDoubt,
      accept_retries: m.acceptRetries,
      latency: m.settlementLatency.summary(),
    },
    flow: { discoveries: m.discoveries, executions: m.executions, receipts: m.receipts },
    messages: {
      sent: sum(m.sentByType),
      delivered: m.messagesDelivered,
      dropped: m.messagesDropped,
      corrupted: m.messagesCorrupted,
      invalid: m.messagesInvalid,
      unroutable: m.messagesUnroutable,
      by_type: sentByType,
    },
    errors: { total: sum(m.errorsByCode), by_code: sorted(m.errorsByCode) },
    breakers,
    market: input.market,
    security: securitySummary(m.security, input.signing ?? 'off'),
    ...(input.audit ? { audit: m.audit.summary() } : {}),
  };
}

/** Flat metric values for budgets, e.g. "settlement_latency.p99" → µs. */
export function metricValues(r: Results): Map<string, number> {
  const v = new Map<string, number>();
  const put = (k: string, x: number | null | undefined) => {
    if (x !== null && x !== undefined) v.set(k, x);
  };
  put('negotiation.success_rate', r.negotiation.success_rate);
  put('negotiation.count', r.negotiation.count);
  put('negotiation.succeeded', r.negotiation.succeeded);
  put('negotiation.failed', r.negotiation.failed);
  put('negotiation.rounds.mean', r.negotiation.rounds.mean);
  put('negotiation.rounds.max', r.negotiation.rounds.max);
  put('intents.held', r.negotiation.held_intents);
  for (const [name, s] of [['negotiation_latency', r.negotiation.latency], ['settlement_latency', r.settlement.latency]] as const) {
    put(`${name}.p50`, s.p50_us);
    put(`${name}.p90`, s.p90_us);
    put(`${name}.p99`, s.p99_us);
    put(`${name}.max`, s.max_us);
    put(`${name}.mean`, s.mean_us);
  }
  put('messages.total', r.messages.sent);
  put('messages.delivered', r.messages.delivered);
  put('messages.dropped', r.messages.dropped);
  put('messages.invalid', r.messages.invalid);
  put('errors.total', r.errors.total);
  for (const code of ERROR_CODES) v.set(`errors.${code}`, 0);
  for (const [code, n] of Object.entries(r.errors.by_code)) put(`errors.${code}`, n);
  put('breaker.opens', r.breakers.reduce((s, b) => s + b.opens, 0));
  put('breaker.time_open', r.breakers.reduce((s, b) => s + b.time_open_us, 0));
  put('deals.in_doubt', r.settlement.in_doubt);
  put('security.attempts', r.security.attempts_total);
  put('security.accepted_hostile', r.security.accepted_hostile_total);
  return v;
}
