/**
 * Streaming run metrics: counters and histograms only, so memory does not grow with the number
 * of messages. One collector per shard; collectors merge in any order to the same totals.
 */
import { AuditLedger, type AuditChainData } from '../trust/audit.js';
import { LatencyHistogram, type LatencyData } from './latency.js';
import { SecurityCollector, type SecurityData } from './security.js';

/** How a negotiation ended. Everything except 'succeeded' is a failure. */
export const OUTCOMES = [
  'succeeded',
  'no_quotes',
  'no_agreement',
  'deadline',
  'mandate_exceeded',
  'rejected_by_store',
  'confirmation_timeout',
  'approval_timeout',
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
  readonly breakerTransitions: BreakerRecord[];
  readonly counters: Record<Counter, number>;
  readonly security: SecurityData;
  readonly audit: AuditChainData[];
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
  readonly breakerTransitions: BreakerRecord[] = [];
  readonly security = new SecurityCollector();
  readonly audit = new AuditLedger();
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

  negotiationEnded(r: NegotiationRecord): void {
    const success = r.outcome === 'succeeded';
    add(this.outcomes, r.outcome);
    bump(this.byCategory, r.category, success);
    bump(this.byRegime, r.regimeIndex, success);
    if (r.storeId >= 0) bump(this.byPair, r.buyerId * PAIR_STRIDE + r.storeId, success);
    add(this.roundsHistogram, r.rounds);
    this.negotiationLatency.record(r.latencyUs);
  }

  settlementCompleted(latencyUs: number, valueMinor: number): void {
    this.settlementLatency.record(latencyUs);
    this.dealsConfirmed++;
    this.dealValueMinor += valueMinor;
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
    const mergeTallies = <K>(into: Map<K, Tally>, from: Map<K, Tally>) => {
      for (const [k, t] of from) {
        const cur = into.get(k) ?? { count: 0, succeeded: 0 };
        into.set(k, { count: cur.count + t.count, succeeded: cur.succeeded + t.succeeded });
      }
    };
    mergeTallies(this.byCategory, o.byCategory);
    mergeTallies(this.byRegime, o.byRegime);
    mergeTallies(this.byPair, o.byPair);
    this.negotiationLatency.merge(o.negotiationLatency);
    this.settlementLatency.merge(o.settlementLatency);
    this.breakerTransitions.push(...o.breakerTransitions);
    for (const c of COUNTERS) this[c] += o[c];
    this.security.merge(o.security);
    this.audit.merge(o.audit.toData());
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
      breakerTransitions: this.breakerTransitions,
      counters,
      security: this.security.toData(),
      audit: this.audit.toData(),
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
    m.negotiationLatency.merge(LatencyHistogram.fromData(d.negotiationLatency));
    m.settlementLatency.merge(LatencyHistogram.fromData(d.settlementLatency));
    m.breakerTransitions.push(...d.breakerTransitions);
    for (const c of COUNTERS) m[c] = d.counters[c];
    m.security.merge(SecurityCollector.fromData(d.security));
    m.audit.merge(d.audit);
    return m;
  }

  /** Splits a pair key back into buyer and store ids. */
  static pairIds(key: number): { buyerId: number; storeId: number } {
    return { buyerId: Math.floor(key / PAIR_STRIDE), storeId: key % PAIR_STRIDE };
  }
}
