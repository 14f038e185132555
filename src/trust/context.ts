/** What agents are handed for trust: keys, the scenario's policy, and who is hostile (for observers only). */
import type { SecurityPlan } from '../scenario/schema.js';
import type { KeyDirectory } from './keys.js';
import type { AdversaryKind } from './kinds.js';
import type { VerifierPolicy } from './verifier.js';

export interface TrustContext {
  readonly policy: SecurityPlan;
  readonly verifierPolicy: VerifierPolicy;
  readonly keys: KeyDirectory;
  organisationOf(identifier: string): string | undefined;
  /**
   * Ground truth the metrics use to tell hostile traffic from honest: the kind of adversary an
   * agent is (by numeric id or identifier), or undefined. Agents never decide anything on it.
   */
  adversaryKind(agent: number | string): AdversaryKind | undefined;
}

/** The verifier's policy from the scenario's `security` section. */
export function verifierPolicyOf(p: SecurityPlan): VerifierPolicy {
  return {
    freshnessUs: p.freshness,
    clockSkewUs: p.clock_skew,
    senderRatePerUs: p.sender_rate,
    senderBurst: p.sender_burst,
    quarantine: p.quarantine ? { rejectionRate: p.quarantine.rejection_rate, minMessages: p.quarantine.min_messages } : undefined,
  };
}
