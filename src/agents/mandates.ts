/**
 * Plain mandates: each buyer organisation authorises its agents to spend up to a maximum per
 * purchase. An accept carries a proof bound to the accepted quote's transaction hash, keyed by
 * a secret derived from the seed, which the mandate issuer can check.
 */
import { createHash } from 'node:crypto';
import { mandateSignature } from '../protocol/hash.js';
import { adversaryOrganisation, type SimulationPlan } from '../scenario/schema.js';

export interface Mandate {
  readonly mandateId: string;
  readonly organisation: string;
  readonly maxPerPurchaseMinor: number;
  readonly key: Uint8Array;
}

export class MandateRegistry {
  private readonly mandates = new Map<string, Mandate>();

  constructor(plan: SimulationPlan) {
    for (const b of plan.buyers) {
      const mandateId = `mandate_${b.organisation}`;
      const key = createHash('sha256').update(`mandate-key\u0000${plan.seed}\u0000${b.organisation}`).digest();
      this.mandates.set(mandateId, { mandateId, organisation: b.organisation, maxPerPurchaseMinor: b.mandate.max_per_purchase, key });
    }
    // Hostile organisations hold mandates too (a mandate exceeder spends beyond its own).
    (plan.adversaries ?? []).forEach((a, i) => {
      const organisation = a.organisation ?? adversaryOrganisation(a.kind, i);
      const mandateId = `mandate_${organisation}`;
      const key = createHash('sha256').update(`mandate-key\u0000${plan.seed}\u0000${organisation}`).digest();
      this.mandates.set(mandateId, { mandateId, organisation, maxPerPurchaseMinor: a.mandate.max_per_purchase, key });
    });
  }

  get(mandateId: string): Mandate | undefined {
    return this.mandates.get(mandateId);
  }

  forOrganisation(organisation: string): Mandate {
    const m = this.mandates.get(`mandate_${organisation}`);
    if (!m) throw new Error(`no mandate for ${organisation}`);
    return m;
  }

  /** The proof a holder of the mandate attaches to an accept. */
  sign(mandate: Mandate, transactionHash: string): string {
    return mandateSignature(mandate.key, mandate.mandateId, transactionHash);
  }

  /** True when `signature` proves `mandateId` authorised `transactionHash`. */
  verify(mandateId: string, transactionHash: string, signature: string): boolean {
    const m = this.mandates.get(mandateId);
    return m !== undefined && mandateSignature(m.key, mandateId, transactionHash) === signature;
  }
}
