/**
 * The deterministic `results` section of a report, built from merged metrics. Only virtual
 * time and counts appear here; every map is emitted in sorted key order.
 */
import type { SettlementFinding } from '../checkers/settlement.js';
import type { StrategiesResults } from './strategies.js';
import { describeFaults, type FaultSchedule } from '../faults/plan.js';
import { TRIP_CAUSES, type BreakerState } from '../risk/breaker.js';
import type { ExposureSeries, TimeseriesBucket } from './timeseries.js';
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
  readonly time_closed_us: number;
  readonly trips_by_cause: Record<string, number>;
  readonly transitions: { time_us: number; from: string; to: string; reason: string; cause?: string }[];
}

export interface HaltSummary {
  readonly kind: string;
  /** null for a market-wide halt */
  readonly category: string | null;
  readonly start_us: number;
  readonly end_us: number;
  readonly move: number;
}

export interface RiskSummary {
  /** intents held back by the buyer organisations, by reason */
  readonly held_by_reason: Record<string, number>;
  /** requests refused by stores, by reason (capacity, open_value, counterparty_share, market_halted, outage) */
  readonly refused_by_reason: Record<string, number>;
  readonly exposure: ExposureSeries[];
}

export interface SagaSummary {
  readonly started: number;
  readonly settled: number;
  readonly compensated: number;
  readonly compensated_by_cause: Record<string, number>;
  /** accepts refused at execution, before any saga step, by code */
  readonly failed: number;
  readonly failed_by_cause: Record<string, number>;
  readonly step_retries: number;
  readonly duplicate_instructions: number;
  readonly bonds_forfeited: { readonly count: number; readonly value: string };
  readonly ledger_transfers: number;
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
    /** buyers with an opponent model: asks learned from, walk-aways, counters it lowered */
    readonly opponent_model?: { readonly updates: number; readonly walked_away: number; readonly proposals_lowered: number };
  };
  readonly settlement: {
    readonly deals: number;
    readonly value: string;
    readonly in_doubt: number;
    readonly accept_retries: number;
    readonly latency: LatencySummary;
    /** per deal: what buyers kept of their budgets, what stores took above their floors, the price against the market's reference */
    readonly terms: { readonly buyer_surplus_per_deal: number | null; readonly store_surplus_per_deal: number | null; readonly price_to_reference: number | null };
    /** with a clearing house: how the sagas ended */
    readonly sagas?: SagaSummary;
  };
  /** the faults this seed drew, and what they did */
  readonly faults?: {
    readonly drawn: ReturnType<typeof describeFaults>;
    /** copies the network made: delivered (and rejected as replays) but not sent by any agent */
    readonly messages_duplicated: number;
    readonly messages_delayed: number;
    readonly messages_partitioned: number;
    readonly crashes: number;
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
  readonly halts: HaltSummary[];
  readonly risk: RiskSummary;
  readonly timeseries: { readonly bucket_us: number; readonly buckets: TimeseriesBucket[] };
  readonly security: SecuritySummary;
  /** chain heads and the Merkle root of the audit trail (absent when the trail is off) */
  readonly audit?: AuditSummary;
  /** figures per negotiation strategy, and the negotiations strategies broke */
  readonly strategies?: StrategiesResults;
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
  readonly sagas?: SettlementFinding;
  readonly faults?: FaultSchedule;
  readonly agentName: (id: number) => string;
  readonly halts?: HaltSummary[];
  readonly exposure?: ExposureSeries[];
  readonly timeseries?: { readonly bucket_us: number; readonly buckets: TimeseriesBucket[] };
  /** `security.signing` of the scenario, and whether the audit trail is kept */
  readonly signing?: string;
  readonly audit?: boolean;
  readonly strategies?: StrategiesResults;
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
  const pairs = topPairs(m.byPair, input.topPairs)
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
        time_closed_us: b.timeInState.closed,
        trips_by_cause: Object.fromEntries(TRIP_CAUSES.map((c) => [c, list.filter((t) => t.to === 'open' && t.cause === c).length])),
        transitions: list.map((t) => ({ time_us: t.timeUs, from: t.from, to: t.to, reason: t.reason, ...(t.cause ? { cause: t.cause } : {}) })),
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
      // The last regime lasts to the end of the run, whatever its declared duration.
      by_regime: input.regimes.map((r, i) => ({
        regime: r.name,
        start_us: r.startUs,
        end_us: i === input.regimes.length - 1 ? Math.max(r.startUs, input.endUs) : r.endUs,
        ...rate(m.byRegime.get(i) ?? { count: 0, succeeded: 0 }),
      })),
      top_pairs: pairs,
      ...([...m.reasons.keys()].some((k) => k.startsWith('model:'))
        ? { opponent_model: { updates: m.reasons.get('model:updates') ?? 0, walked_away: m.reasons.get('model:walked_away') ?? 0, proposals_lowered: m.reasons.get('model:proposals_lowered') ?? 0 } }
        : {}),
    },
    settlement: {
      deals: m.dealsConfirmed,
      value: formatMinor(m.dealValueMinor),
      in_doubt: input.inDoubt,
      accept_retries: m.acceptRetries,
      latency: m.settlementLatency.summary(),
      terms: {
        buyer_surplus_per_deal: m.dealsConfirmed > 0 ? round6(m.buyerSurplusMinor / m.dealsConfirmed / 100) : null,
        store_surplus_per_deal: m.storeDeals > 0 ? round6(m.storeSurplusMinor / m.storeDeals / 100) : null,
        price_to_reference: m.dealsConfirmed > 0 ? round6(m.priceToReferencePpm / m.dealsConfirmed / 1e6) : null,
      },
      ...(input.sagas
        ? {
            sagas: {
              started: m.sagasStarted,
              settled: m.sagasSettled,
              compensated: m.sagasCompensated,
              compensated_by_cause: sorted(m.compensatedByCause),
              failed: sum(m.failedByCause),
              failed_by_cause: sorted(m.failedByCause),
              step_retries: m.stepRetries,
              duplicate_instructions: m.duplicateInstructions,
              bonds_forfeited: { count: m.bondsForfeited, value: formatMinor(m.bondValueForfeitedMinor) },
              ledger_transfers: input.sagas.transfers,
            },
          }
        : {}),
    },
    ...(input.faults
      ? {
          faults: {
            drawn: describeFaults(input.faults),
            messages_duplicated: m.messagesDuplicated,
            messages_delayed: m.messagesDelayed,
            messages_partitioned: m.messagesPartitioned,
            crashes: m.crashes,
          },
        }
      : {}),
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
    halts: input.halts ?? [],
    risk: {
      held_by_reason: reasonsWith(m.reasons, 'held:'),
      refused_by_reason: reasonsWith(m.reasons, 'refused:'),
      exposure: input.exposure ?? [],
    },
    timeseries: input.timeseries ?? { bucket_us: 0, buckets: [] },
    security: securitySummary(m.security, input.signing ?? 'off'),
    ...(input.audit ? { audit: m.audit.summary() } : {}),
    ...(input.strategies ? { strategies: input.strategies } : {}),
  };
}

function reasonsWith(reasons: Map<string, number>, prefix: string): Record<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of reasons) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return sorted(out);
}

export const HALT_KINDS = ['level_1', 'level_2', 'level_3', 'limit_up', 'limit_down'] as const;
export const HELD_REASONS = ['breaker_open', 'exposure_limit', 'volatility'] as const;
export const REFUSED_REASONS = ['capacity', 'open_value', 'counterparty_share', 'market_halted', 'outage'] as const;

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
  put('deals.count', r.settlement.deals);
  put('deals.buyer_surplus', r.settlement.terms?.buyer_surplus_per_deal);
  put('deals.store_surplus', r.settlement.terms?.store_surplus_per_deal);
  put('deals.price_to_reference', r.settlement.terms?.price_to_reference);
  const sagas = r.settlement.sagas;
  if (sagas) {
    put('sagas.settled', sagas.settled);
    put('sagas.compensated', sagas.compensated);
    put('sagas.step_retries', sagas.step_retries);
    put('bonds.forfeited', sagas.bonds_forfeited.count);
  }
  put('halts.count', r.halts.length);
  for (const kind of HALT_KINDS) put(`halts.${kind}`, r.halts.filter((h) => h.kind === kind).length);
  // Without an exposure limit there is no ratio: a budget on it breaches with no data.
  if (r.risk.exposure.length > 0) put('exposure.peak_ratio', r.risk.exposure.reduce((x, e) => Math.max(x, Number(e.peak) / Number(e.limit)), 0));
  for (const reason of HELD_REASONS) put(`held.${reason}`, r.risk.held_by_reason[reason] ?? 0);
  for (const reason of REFUSED_REASONS) put(`refused.${reason}`, r.risk.refused_by_reason[reason] ?? 0);
  put('security.attempts', r.security.attempts_total);
  put('security.accepted_hostile', r.security.accepted_hostile_total);
  return v;
}

/**
 * The `n` pairs with the most negotiations (ties: the lower key first), most first. Chosen in one
 * pass: a run has a tally per pair that traded, and sorting them all made an entry for each.
 */
export function topPairs(byPair: ReadonlyMap<number, Tally>, n: number): [number, Tally][] {
  // Many asked for: sorting them all costs less than keeping a long list in order.
  if (n > 64) return [...byPair].sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).slice(0, n);
  const top: [number, Tally][] = [];
  if (n <= 0) return top;
  byPair.forEach((t, key) => {
    const full = top.length === n;
    if (full) {
      const last = top[n - 1]!;
      if (t.count < last[1].count || (t.count === last[1].count && key > last[0])) return;
    }
    // Into its place, shifting the ones below it down (dropping the last when full).
    let i = full ? n - 1 : top.length;
    while (i > 0 && (top[i - 1]![1].count < t.count || (top[i - 1]![1].count === t.count && top[i - 1]![0] > key))) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = [key, t];
  });
  return top;
}
