/**
 * Streaming run metrics: counters and histograms only, so memory does not grow with the number
 * of messages. One collector per shard; collectors merge in any order to the same totals.
 */
import { AuditLedger, type AuditChainData } from '../trust/audit.js';
import { LatencyHistogram, type LatencyData } from './latency.js';
import { SecurityCollector, type SecurityData } from './security.js';
import { NegotiationScores, type ScoresData } from './scores.js';
import { StrategyErrors, type StrategyErrorsData } from './strategy-errors.js';

/** How a negotiation ended. Everything except 'succeeded' is a failure. */
export const OUTCOMES = [
  'succeeded',
  'no_quotes',
  'no_agreement',
  'deadline',
  'mandate_exceeded',
  'rejected_by_store',
  'confirmation_timeout',
  'settlement_failed',
  'agent_crashed',
  'market_halted',
  'approval_timeout',
  'strategy_error',
  // an external agent's connection was gone (src/gateway/)
  'agent_unreachable',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface NegotiationRecord {
  readonly buyerId: number;
  /** the store the buyer negotiated with, or -1 when none was chosen */
  readonly storeId: number;
  readonly category: string;
  readonly regimeIndex: number;
  readonly latencyUs: number;
  readonly rounds: number;
  readonly outcome: Outcome;
  /** when it ended, for the time series */
  readonly endUs?: number;
}

export interface Tally {
  count: number;
  succeeded: number;
}

export interface BreakerRecord {
  readonly organisation: string;
  readonly timeUs: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly cause?: string;
}

const PAIR_STRIDE = 2 ** 24;

function bump<K>(map: Map<K, Tally>, key: K, success: boolean): void {
  let t = map.get(key);
  if (!t) {
    t = { count: 0, succeeded: 0 };
    map.set(key, t);
  }
  t.count++;
  if (success) t.succeeded++;
}

function add<K>(map: Map<K, number>, key: K, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

const COUNTERS = [
  'messagesDelivered',
  'messagesDropped',
  'messagesCorrupted',
  'messagesInvalid',
  'messagesUnroutable',
  'dealsConfirmed',
  'dealValueMinor',
  'discoveries',
  'executions',
  'receipts',
  'acceptRetries',
  'sagasStarted',
  'sagasSettled',
  'sagasCompensated',
  'stepRetries',
  'duplicateInstructions',
  'bondsForfeited',
  'bondValueForfeitedMinor',
  'crashes',
  'messagesDuplicated',
  'messagesDelayed',
  'messagesPartitioned',
  'buyerSurplusMinor',
  'priceToReferencePpm',
  'storeDeals',
  'storeSurplusMinor',
] as const;
type Counter = (typeof COUNTERS)[number];

/** A MetricsCollector as plain data (to cross a thread boundary). */
export interface MetricsData {
  readonly outcomes: [Outcome, number][];
  readonly byCategory: [string, Tally][];
  readonly byRegime: [number, Tally][];
  readonly byPair: [number, Tally][];
  readonly roundsHistogram: [number, number][];
  readonly negotiationLatency: LatencyData;
  readonly settlementLatency: LatencyData;
  readonly sentByType: [string, number][];
  readonly errorsByCode: [string, number][];
  readonly heldByOrganisation: [string, number][];
  readonly compensatedByCause: [string, number][];
  readonly failedByCause: [string, number][];
  readonly breakerTransitions: BreakerRecord[];
  readonly counters: Record<Counter, number>;
  readonly security: SecurityData;
  readonly audit: AuditChainData[];
  readonly risk?: RiskData;
  readonly strategyErrors?: StrategyErrorsData;
  readonly scores?: ScoresData;
}

/** Risk and time-series figures as plain data. */
export interface RiskData {
  readonly reasons: [string, number][];
  readonly byBucket: [number, Tally][];
  readonly exposurePeaks: [string, number][];
  readonly exposureLasts: [string, number][];
}

export class MetricsCollector {
  readonly outcomes = new Map<Outcome, number>();
  readonly byCategory = new Map<string, Tally>();
  readonly byRegime = new Map<number, Tally>();
  /** key: buyerId × 2^24 + storeId */
  readonly byPair = new Map<number, Tally>();
  readonly roundsHistogram = new Map<number, number>();
  readonly negotiationLatency = new LatencyHistogram();
  readonly settlementLatency = new LatencyHistogram();
  readonly sentByType = new Map<string, number>();
  readonly errorsByCode = new Map<string, number>();
  readonly heldByOrganisation = new Map<string, number>();
  /** sagas rolled back, by the code of what went wrong */
  readonly compensatedByCause = new Map<string, number>();
  /** accepts refused at execution before any saga step ran, by code */
  readonly failedByCause = new Map<string, number>();
  readonly breakerTransitions: BreakerRecord[] = [];
  readonly security = new SecurityCollector();
  readonly audit = new AuditLedger();
  /** negotiations a strategy broke, per strategy */
  readonly strategyErrors = new StrategyErrors();
  /** both halves of every negotiation, when the scenario keeps scores (negotiation.scores) */
  scores: NegotiationScores | undefined;
  messagesDelivered = 0;
  messagesDropped = 0;
  messagesCorrupted = 0;
  messagesInvalid = 0;
  messagesUnroutable = 0;
  dealsConfirmed = 0;
  dealValueMinor = 0;
  discoveries = 0;
  executions = 0;
  receipts = 0;
  acceptRetries = 0;
  sagasStarted = 0;
  sagasSettled = 0;
  sagasCompensated = 0;
  stepRetries = 0;
  duplicateInstructions = 0;
  bondsForfeited = 0;
  bondValueForfeitedMinor = 0;
  crashes = 0;
  messagesDuplicated = 0;
  messagesDelayed = 0;
  messagesPartitioned = 0;
  /** Σ over confirmed deals of the buyer's reservation less the price */
  buyerSurplusMinor = 0;
  /** Σ over confirmed deals of price ÷ the market reference value then, in millionths */
  priceToReferencePpm = 0;
  /** deals a store committed to (executed, or handed to settlement), and Σ of price less its floor */
  storeDeals = 0;
  storeSurplusMinor = 0;
  /** held intents and refused requests, by "held:<reason>" or "refused:<reason>" */
  readonly reasons = new Map<string, number>();
  /** negotiations by the time-series bucket they ended in (when bucketUs is set) */
  readonly byBucket = new Map<number, Tally>();
  readonly exposurePeaks = new Map<string, number>();
  readonly exposureLasts = new Map<string, number>();
  /** width of the time-series buckets; 0 keeps no time series */
  bucketUs = 0;

  /** Counts one held intent or refused request by reason. */
  reason(key: string): void {
    add(this.reasons, key);
  }

  /** An organisation's exposure changed (key: exposureKey(organisation, bucket)). */
  exposureSample(key: string, exposureMinor: number): void {
    if (exposureMinor > (this.exposurePeaks.get(key) ?? -1)) this.exposurePeaks.set(key, exposureMinor);
    this.exposureLasts.set(key, exposureMinor);
  }

  negotiationEnded(r: NegotiationRecord): void {
    this.ended(r.buyerId, r.storeId, r.category, r.regimeIndex, r.latencyUs, r.rounds, r.outcome, r.endUs);
  }

  /** negotiationEnded with the record's fields in its order, without a record (a buyer ends one per negotiation). */
  ended(buyerId: number, storeId: number, category: string, regimeIndex: number, latencyUs: number, rounds: number, outcome: Outcome, endUs?: number): void {
    const success = outcome === 'succeeded';
    add(this.outcomes, outcome);
    bump(this.byCategory, category, success);
    bump(this.byRegime, regimeIndex, success);
    if (storeId >= 0) bump(this.byPair, buyerId * PAIR_STRIDE + storeId, success);
    add(this.roundsHistogram, rounds);
    this.negotiationLatency.record(latencyUs);
    if (this.bucketUs > 0 && endUs !== undefined) bump(this.byBucket, Math.floor(endUs / this.bucketUs), success);
  }

  settlementCompleted(latencyUs: number, valueMinor: number): void {
    this.settlementLatency.record(latencyUs);
    this.dealsConfirmed++;
    this.dealValueMinor += valueMinor;
  }

  /** The terms of a deal the buyer confirmed: what it kept of its budget, and the price against the market. */
  buyerDeal(surplusMinor: number, priceToReferencePpm: number): void {
    this.buyerSurplusMinor += surplusMinor;
    this.priceToReferencePpm += priceToReferencePpm;
  }

  /** A store committed to a deal `surplusMinor` above its floor. */
  storeDeal(surplusMinor: number): void {
    this.storeDeals++;
    this.storeSurplusMinor += surplusMinor;
  }

  messageSent(type: string): void {
    add(this.sentByType, type);
  }

  errorSent(code: string): void {
    add(this.errorsByCode, code);
  }

  intentHeld(organisation: string): void {
    add(this.heldByOrganisation, organisation);
  }

  sagaCompensated(cause: string): void {
    this.sagasCompensated++;
    add(this.compensatedByCause, cause);
  }

  executionRefused(code: string): void {
    add(this.failedByCause, code);
  }

  breakerTransition(record: BreakerRecord): void {
    this.breakerTransitions.push(record);
  }

  /** Folds another shard's collector into this one. */
  merge(o: MetricsCollector): void {
    for (const [k, v] of o.outcomes) add(this.outcomes, k, v);
    for (const [k, v] of o.roundsHistogram) add(this.roundsHistogram, k, v);
    for (const [k, v] of o.sentByType) add(this.sentByType, k, v);
    for (const [k, v] of o.errorsByCode) add(this.errorsByCode, k, v);
    for (const [k, v] of o.heldByOrganisation) add(this.heldByOrganisation, k, v);
    for (const [k, v] of o.compensatedByCause) add(this.compensatedByCause, k, v);
    for (const [k, v] of o.failedByCause) add(this.failedByCause, k, v);
    // (forEach: a for-of over a map's entries made an array per entry, and a run has a tally per pair that traded)
    const mergeTallies = <K>(into: Map<K, Tally>, from: Map<K, Tally>) => {
      from.forEach((t, k) => {
        const cur = into.get(k);
        if (cur === undefined) into.set(k, { count: t.count, succeeded: t.succeeded });
        else {
          cur.count += t.count;
          cur.succeeded += t.succeeded;
        }
      });
    };
    mergeTallies(this.byCategory, o.byCategory);
    mergeTallies(this.byRegime, o.byRegime);
    mergeTallies(this.byPair, o.byPair);
    this.negotiationLatency.merge(o.negotiationLatency);
    this.settlementLatency.merge(o.settlementLatency);
    this.breakerTransitions.push(...o.breakerTransitions);
    for (const c of COUNTERS) this[c] += o[c];
    for (const [k, v] of o.reasons) add(this.reasons, k, v);
    mergeTallies(this.byBucket, o.byBucket);
    // An organisation lives on one shard, so its exposure samples come from one collector.
    for (const [k, v] of o.exposurePeaks) this.exposurePeaks.set(k, Math.max(v, this.exposurePeaks.get(k) ?? 0));
    for (const [k, v] of o.exposureLasts) this.exposureLasts.set(k, v);
    this.security.merge(o.security);
    this.audit.merge(o.audit.toData());
    this.strategyErrors.merge(o.strategyErrors.toData());
    if (o.scores) (this.scores ??= new NegotiationScores()).merge(o.scores.toData());
  }

  toData(): MetricsData {
    const counters = {} as Record<Counter, number>;
    for (const c of COUNTERS) counters[c] = this[c];
    return {
      outcomes: [...this.outcomes],
      byCategory: [...this.byCategory],
      byRegime: [...this.byRegime],
      byPair: [...this.byPair],
      roundsHistogram: [...this.roundsHistogram],
      negotiationLatency: this.negotiationLatency.toData(),
      settlementLatency: this.settlementLatency.toData(),
      sentByType: [...this.sentByType],
      errorsByCode: [...this.errorsByCode],
      heldByOrganisation: [...this.heldByOrganisation],
      compensatedByCause: [...this.compensatedByCause],
      failedByCause: [...this.failedByCause],
      breakerTransitions: this.breakerTransitions,
      counters,
      risk: { reasons: [...this.reasons], byBucket: [...this.byBucket], exposurePeaks: [...this.exposurePeaks], exposureLasts: [...this.exposureLasts] },
      security: this.security.toData(),
      audit: this.audit.toData(),
      strategyErrors: this.strategyErrors.toData(),
      ...(this.scores ? { scores: this.scores.toData() } : {}),
    };
  }

  static fromData(d: MetricsData): MetricsCollector {
    const m = new MetricsCollector();
    const fill = <K, V>(into: Map<K, V>, from: [K, V][]) => {
      for (const [k, v] of from) into.set(k, v);
    };
    fill(m.outcomes, d.outcomes);
    fill(m.byCategory, d.byCategory);
    fill(m.byRegime, d.byRegime);
    fill(m.byPair, d.byPair);
    fill(m.roundsHistogram, d.roundsHistogram);
    fill(m.sentByType, d.sentByType);
    fill(m.errorsByCode, d.errorsByCode);
    fill(m.heldByOrganisation, d.heldByOrganisation);
    fill(m.compensatedByCause, d.compensatedByCause);
    fill(m.failedByCause, d.failedByCause);
    m.negotiationLatency.merge(LatencyHistogram.fromData(d.negotiationLatency));
    m.settlementLatency.merge(LatencyHistogram.fromData(d.settlementLatency));
    m.breakerTransitions.push(...d.breakerTransitions);
    for (const c of COUNTERS) m[c] = d.counters[c];
    if (d.risk) {
      fill(m.reasons, d.risk.reasons);
      fill(m.byBucket, d.risk.byBucket);
      fill(m.exposurePeaks, d.risk.exposurePeaks);
      fill(m.exposureLasts, d.risk.exposureLasts);
    }
    m.security.merge(SecurityCollector.fromData(d.security));
    m.audit.merge(d.audit);
    if (d.strategyErrors) m.strategyErrors.merge(d.strategyErrors);
    if (d.scores) (m.scores = new NegotiationScores()).merge(d.scores);
    return m;
  }

  /** Splits a pair key back into buyer and store ids. */
  static pairIds(key: number): { buyerId: number; storeId: number } {
    return { buyerId: MetricsCollector.buyerOf(key), storeId: MetricsCollector.storeOf(key) };
  }

  /** The buyer's id of a byPair key. */
  static buyerOf(key: number): number {
    return Math.floor(key / PAIR_STRIDE);
  }

  /** The store's id of a byPair key. */
  static storeOf(key: number): number {
    return key % PAIR_STRIDE;
  }
}
