/**
 * Security counters of a run: hostile attempts by kind, rejections by code (from hostile and
 * from honest senders apart), hostile messages that got through, duplicates answered
 * idempotently, and per-sender signals for counterparty risk. Merged like every collector.
 */

import type { AdversaryKind } from '../trust/kinds.js';

export { ADVERSARY_KINDS, type AdversaryKind } from '../trust/kinds.js';

/** Who sent a message, as ground truth only observers use: an adversary kind, or honest. */
export type SenderKind = AdversaryKind | 'honest';

export interface SenderSignals {
  received: number;
  rejected: number;
  signatureFailures: number;
  /** quotes seen from this sender, and those priced far from the market reference */
  quotes: number;
  priceOutliers: number;
}

export interface SecurityData {
  readonly attempts: [string, number][];
  readonly rejections: [string, number][];
  readonly accepted: [string, number][];
  readonly floodAdmitted: number;
  readonly duplicates: number;
  readonly quarantinedDrops: number;
  readonly quarantines: [string, number][];
  readonly signed: number;
  readonly verified: number;
  readonly senders: [string, SenderSignals][];
}

function add(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

export class SecurityCollector {
  /** hostile attempts by adversary kind */
  readonly attempts = new Map<string, number>();
  /** rejections keyed "<sender kind>|<code>" */
  readonly rejections = new Map<string, number>();
  /** hostile messages acted on although they should not have been, by kind */
  readonly accepted = new Map<string, number>();
  /** a flooder's messages let through within the per-sender rate limit */
  floodAdmitted = 0;
  duplicates = 0;
  quarantinedDrops = 0;
  /** senders quarantined, by the number of agents that quarantined them */
  readonly quarantines = new Map<string, number>();
  signed = 0;
  verified = 0;
  readonly senders = new Map<string, SenderSignals>();

  attempt(kind: AdversaryKind): void {
    add(this.attempts, kind);
  }

  rejected(sender: string, kind: SenderKind, code: string): void {
    add(this.rejections, `${kind}|${code}`);
    const s = this.signals(sender);
    s.rejected++;
    if (code === 'signature_invalid' || code === 'key_not_found') s.signatureFailures++;
  }

  received(sender: string): void {
    this.signals(sender).received++;
  }

  /** A quote from `sender`, and whether its price deviates from the market reference beyond the limit. */
  quoted(sender: string, outlier: boolean): void {
    const s = this.signals(sender);
    s.quotes++;
    if (outlier) s.priceOutliers++;
  }

  acceptedHostile(kind: AdversaryKind): void {
    add(this.accepted, kind);
  }

  private signals(sender: string): SenderSignals {
    let s = this.senders.get(sender);
    if (s === undefined) {
      s = { received: 0, rejected: 0, signatureFailures: 0, quotes: 0, priceOutliers: 0 };
      this.senders.set(sender, s);
    }
    return s;
  }

  merge(o: SecurityCollector): void {
    for (const [k, v] of o.attempts) add(this.attempts, k, v);
    for (const [k, v] of o.rejections) add(this.rejections, k, v);
    for (const [k, v] of o.accepted) add(this.accepted, k, v);
    for (const [k, v] of o.quarantines) add(this.quarantines, k, v);
    for (const [k, v] of o.senders) {
      const s = this.signals(k);
      s.received += v.received;
      s.rejected += v.rejected;
      s.signatureFailures += v.signatureFailures;
      s.quotes += v.quotes;
      s.priceOutliers += v.priceOutliers;
    }
    this.floodAdmitted += o.floodAdmitted;
    this.duplicates += o.duplicates;
    this.quarantinedDrops += o.quarantinedDrops;
    this.signed += o.signed;
    this.verified += o.verified;
  }

  toData(): SecurityData {
    return {
      attempts: [...this.attempts],
      rejections: [...this.rejections],
      accepted: [...this.accepted],
      floodAdmitted: this.floodAdmitted,
      duplicates: this.duplicates,
      quarantinedDrops: this.quarantinedDrops,
      quarantines: [...this.quarantines],
      signed: this.signed,
      verified: this.verified,
      senders: [...this.senders],
    };
  }

  static fromData(d: SecurityData): SecurityCollector {
    const c = new SecurityCollector();
    for (const [k, v] of d.attempts) c.attempts.set(k, v);
    for (const [k, v] of d.rejections) c.rejections.set(k, v);
    for (const [k, v] of d.accepted) c.accepted.set(k, v);
    for (const [k, v] of d.quarantines) c.quarantines.set(k, v);
    for (const [k, v] of d.senders) c.senders.set(k, { ...v });
    c.floodAdmitted = d.floodAdmitted;
    c.duplicates = d.duplicates;
    c.quarantinedDrops = d.quarantinedDrops;
    c.signed = d.signed;
    c.verified = d.verified;
    return c;
  }
}

function sortedRecord(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k)!;
  return out;
}

export interface SecuritySummary {
  readonly signing: string;
  readonly messages_signed: number;
  readonly signatures_verified: number;
  readonly attempts: Record<string, number>;
  readonly attempts_total: number;
  /** every rejection by code, whoever sent the message */
  readonly rejections: Record<string, number>;
  /** rejections of hostile messages: kind → code → count */
  readonly hostile_rejections: Record<string, Record<string, number>>;
  /** rejections of messages from honest agents (false alarms, or late messages) */
  readonly honest_rejections: Record<string, number>;
  readonly accepted_hostile: Record<string, number>;
  readonly accepted_hostile_total: number;
  readonly flood_admitted_within_rate_limit: number;
  readonly duplicates_answered: number;
  readonly quarantined_messages: number;
  readonly quarantined: { agent: string; by_agents: number }[];
  /** senders whose messages were rejected often, or whose signatures failed */
  readonly anomalies: { agent: string; received: number; rejected: number; rejection_rate: number; signature_failures: number; quotes: number; price_outliers: number }[];
}

// Counterparty risk: a sender is flagged when, of at least 5 messages in its name, half were
// rejected or a quarter failed signature or key checks, or when a quarter of at least 5 quotes
// were priced more than PRICE_DEVIATION_LIMIT from the market (compromised or misconfigured).
const ANOMALY_MIN_MESSAGES = 5;
const ANOMALY_REJECTION_RATE = 0.5;
const ANOMALY_SIGNATURE_FAILURE_RATE = 0.25;
const ANOMALY_PRICE_OUTLIER_RATE = 0.25;
/** A quoted unit price further than this (relative) from the market reference is an outlier. */
export const PRICE_DEVIATION_LIMIT = 0.5;

function anomalous(s: SenderSignals): boolean {
  const messages = s.received >= ANOMALY_MIN_MESSAGES && (s.rejected >= ANOMALY_REJECTION_RATE * s.received || s.signatureFailures >= ANOMALY_SIGNATURE_FAILURE_RATE * s.received);
  return messages || (s.quotes >= ANOMALY_MIN_MESSAGES && s.priceOutliers >= ANOMALY_PRICE_OUTLIER_RATE * s.quotes);
}

/** The report's security section. */
export function securitySummary(c: SecurityCollector, signing: string): SecuritySummary {
  const all = new Map<string, number>();
  const hostile: Record<string, Record<string, number>> = {};
  const honest = new Map<string, number>();
  for (const key of [...c.rejections.keys()].sort()) {
    const n = c.rejections.get(key)!;
    const [kind, code] = key.split('|') as [string, string];
    add(all, code, n);
    if (kind === 'honest') add(honest, code, n);
    else (hostile[kind] ??= {})[code] = n;
  }
  const anomalies = [...c.senders]
    .filter(([, s]) => anomalous(s))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([agent, s]) => ({ agent, received: s.received, rejected: s.rejected, rejection_rate: Math.round((s.rejected / Math.max(1, s.received)) * 1e6) / 1e6, signature_failures: s.signatureFailures, quotes: s.quotes, price_outliers: s.priceOutliers }));
  let attemptsTotal = 0;
  for (const v of c.attempts.values()) attemptsTotal += v;
  let acceptedTotal = 0;
  for (const v of c.accepted.values()) acceptedTotal += v;
  return {
    signing,
    messages_signed: c.signed,
    signatures_verified: c.verified,
    attempts: sortedRecord(c.attempts),
    attempts_total: attemptsTotal,
    rejections: sortedRecord(all),
    hostile_rejections: hostile,
    honest_rejections: sortedRecord(honest),
    accepted_hostile: sortedRecord(c.accepted),
    accepted_hostile_total: acceptedTotal,
    flood_admitted_within_rate_limit: c.floodAdmitted,
    duplicates_answered: c.duplicates,
    quarantined_messages: c.quarantinedDrops,
    quarantined: [...c.quarantines].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([agent, by]) => ({ agent, by_agents: by })),
    anomalies,
  };
}
