/**
 * Mandates: capability tokens a buyer organisation issues to its agents. A mandate sets a
 * maximum per purchase and may set a budget per period, allowed and excluded categories and
 * merchants, an approval threshold (above it a human must approve) and a validity window. With
 * signing on, it travels as a compact JWS signed by the organisation's root key, which a store
 * checks before it trusts any of it. An accept carries a proof bound to the accepted quote's
 * transaction hash, keyed by a secret derived from the seed, which the mandate issuer can check.
 */
import { createHash } from 'node:crypto';
import type { Distribution } from '../engine/distribution.js';
import type { ErrorCode } from '../protocol/codes.js';
import { mandateSignature } from '../protocol/hash.js';
import { toWire } from '../protocol/money.js';
import { isoTimestamp } from '../protocol/time.js';
import { adversaryOrganisation, type SimulationPlan } from '../scenario/schema.js';
import { signToken, verifyToken } from '../trust/jws.js';
import type { KeyDirectory } from '../trust/keys.js';

export interface Mandate {
  readonly mandateId: string;
  readonly organisation: string;
  readonly maxPerPurchaseMinor: number;
  readonly key: Uint8Array;
  /** spending allowed per period (the organisation's, across its agents) */
  readonly budget?: { readonly amountMinor: number; readonly periodUs: number } | undefined;
  readonly categories?: readonly string[] | undefined;
  readonly excludedCategories?: readonly string[] | undefined;
  readonly merchants?: readonly string[] | undefined;
  readonly excludedMerchants?: readonly string[] | undefined;
  /** above this total a human approval must come with the accept */
  readonly approvalThresholdMinor?: number | undefined;
  /** how long the simulated human takes, and how long the agent waits for them */
  readonly approval?: { readonly delay: Distribution; readonly timeoutUs: number } | undefined;
  readonly validFromUs: number;
  readonly validUntilUs: number;
  /** the capability token (compact JWS by the organisation's root key), when signing is on */
  readonly token?: string | undefined;
}

type MandatePlan = SimulationPlan['buyers'][number]['mandate'];

/** The key an organisation's mandate proofs are made with, derived from the seed. */
export function mandateKey(seed: string | number, organisation: string): Buffer {
  return createHash('sha256').update(`mandate-key\u0000${seed}\u0000${organisation}`).digest();
}

function mandateOf(plan: SimulationPlan, organisation: string, m: Partial<MandatePlan> & { max_per_purchase: number }): Mandate {
  const key = mandateKey(plan.seed, organisation);
  const validFromUs = m.valid_from ?? 0;
  return {
    mandateId: `mandate_${organisation}`,
    organisation,
    maxPerPurchaseMinor: m.max_per_purchase,
    key,
    budget: m.budget ? { amountMinor: m.budget.amount, periodUs: m.budget.period } : undefined,
    categories: m.categories,
    excludedCategories: m.excluded_categories,
    merchants: m.merchants,
    excludedMerchants: m.excluded_merchants,
    approvalThresholdMinor: m.approval_threshold,
    approval: m.approval ? { delay: m.approval.delay, timeoutUs: m.approval.timeout } : undefined,
    validFromUs,
    validUntilUs: m.valid_for === undefined ? Infinity : validFromUs + m.valid_for,
  };
}

/** The claims of a mandate's capability token (money as wire decimals, times as RFC 3339). */
function claimsOf(m: Mandate, epochMs: number): Record<string, unknown> {
  const claims: Record<string, unknown> = { mandate_id: m.mandateId, iss: `org:${m.organisation}`, max_per_purchase: toWire(m.maxPerPurchaseMinor), nbf: isoTimestamp(epochMs, m.validFromUs) };
  if (m.validUntilUs !== Infinity) claims.exp = isoTimestamp(epochMs, m.validUntilUs);
  if (m.budget) claims.budget = { amount: toWire(m.budget.amountMinor), period_us: m.budget.periodUs };
  if (m.categories) claims.categories = m.categories;
  if (m.excludedCategories) claims.excluded_categories = m.excludedCategories;
  if (m.merchants) claims.merchants = m.merchants;
  if (m.excludedMerchants) claims.excluded_merchants = m.excludedMerchants;
  if (m.approvalThresholdMinor !== undefined) claims.approval_threshold = toWire(m.approvalThresholdMinor);
  return claims;
}

/**
 * Recent signatures are kept in a table of this many slots, one per slot, by a few characters of
 * the transaction hash (its first hex digits, which SHA-256 spreads evenly): enough for a burst of
 * negotiations that accept in step, whose proofs the stores check only after all were signed. A
 * table made once: a map of entries grown, cleared and grown again cost about 150 bytes per deal.
 */
const SIGNATURE_SLOTS = 1 << 14;

/** The slot of a transaction hash (any text: its characters after "sha256:", mixed). */
function signatureSlot(transactionHash: string): number {
  const h = ((transactionHash.charCodeAt(7) * 31 + transactionHash.charCodeAt(8)) * 31 + transactionHash.charCodeAt(9)) * 31 + transactionHash.charCodeAt(10);
  // (a text shorter than that reads NaN, which & makes 0)
  return h & (SIGNATURE_SLOTS - 1);
}

export class MandateRegistry {
  private readonly mandates = new Map<string, Mandate>();
  /** token checks by mandate id (a pure function of the token, so safe to cache) */
  private readonly tokenChecks = new Map<string, boolean>();
  /** recent signatures (slot by signatureSlot): the transaction hash, the mandate that signed it, the signature */
  private readonly signedHashes = new Array<string>(SIGNATURE_SLOTS).fill('');
  private readonly signedBy = new Array<Mandate | undefined>(SIGNATURE_SLOTS).fill(undefined);
  private readonly signatures = new Array<string>(SIGNATURE_SLOTS).fill('');

  constructor(
    plan: SimulationPlan,
    private readonly keys?: KeyDirectory,
  ) {
    const add = (m: Mandate) => {
      const token = keys ? signToken(keys.rootKey(m.organisation), claimsOf(m, Date.parse(plan.start_time))) : undefined;
      this.mandates.set(m.mandateId, { ...m, token });
    };
    for (const b of plan.buyers) add(mandateOf(plan, b.organisation, b.mandate));
    // Hostile organisations hold mandates too (a mandate exceeder spends beyond its own).
    (plan.adversaries ?? []).forEach((a, i) => add(mandateOf(plan, a.organisation ?? adversaryOrganisation(a.kind, i), a.mandate)));
  }

  get(mandateId: string): Mandate | undefined {
    return this.mandates.get(mandateId);
  }

  forOrganisation(organisation: string): Mandate {
    const m = this.mandates.get(`mandate_${organisation}`);
    if (!m) throw new Error(`no mandate for ${organisation}`);
    return m;
  }

  /** True when the mandate's capability token verifies against its organisation's root key (always, with signing off). */
  tokenValid(m: Mandate): boolean {
    if (this.keys === undefined || m.token === undefined) return this.keys === undefined;
    let ok = this.tokenChecks.get(m.mandateId);
    if (ok === undefined) {
      const claims = verifyToken<{ mandate_id?: string; max_per_purchase?: number }>(m.token, this.keys.rootKey(m.organisation).publicKey);
      ok = claims !== undefined && claims.mandate_id === m.mandateId && claims.max_per_purchase === toWire(m.maxPerPurchaseMinor);
      this.tokenChecks.set(m.mandateId, ok);
    }
    return ok;
  }

  /** The proof a holder of the mandate attaches to an accept. */
  sign(mandate: Mandate, transactionHash: string): string {
    return this.signature(mandate, transactionHash);
  }

  /** True when `signature` proves `mandateId` authorised `transactionHash`. */
  verify(mandateId: string, transactionHash: string, signature: string): boolean {
    const m = this.mandates.get(mandateId);
    return m !== undefined && this.signature(m, transactionHash) === signature;
  }

  /**
   * The mandate's signature of `transactionHash`: a pure function of the two, so the last few are
   * kept. Where buyer and store share a thread, the store's check of a proof is the signature the
   * buyer just made, and a resent accept signs again what it signed before.
   */
  private signature(m: Mandate, transactionHash: string): string {
    const slot = signatureSlot(transactionHash);
    if (this.signedBy[slot] === m && this.signedHashes[slot] === transactionHash) return this.signatures[slot]!;
    const signature = mandateSignature(m.key, m.mandateId, transactionHash);
    this.signedHashes[slot] = transactionHash;
    this.signedBy[slot] = m;
    this.signatures[slot] = signature;
    return signature;
  }

  /** A human approver's signature for a transaction above the approval threshold. */
  approve(mandate: Mandate, transactionHash: string): string {
    return mandateSignature(mandate.key, `${mandate.mandateId}/approval`, transactionHash);
  }

  /** True when `approval` is the approver's signature for `transactionHash`. */
  approved(mandate: Mandate, transactionHash: string, approval: string | undefined): boolean {
    return approval !== undefined && this.approve(mandate, transactionHash) === approval;
  }
}

/** Checks the scope and validity of a mandate for a purchase in `category` from `merchant`. */
export function mandateScope(m: Mandate, nowUs: number, category: string, merchant: string): ErrorCode | undefined {
  if (nowUs < m.validFromUs || nowUs >= m.validUntilUs) return 'mandate_expired';
  if (m.categories && !m.categories.includes(category)) return 'mandate_scope_mismatch';
  if (m.excludedCategories?.includes(category)) return 'mandate_scope_mismatch';
  if (m.merchants && !m.merchants.includes(merchant)) return 'mandate_scope_mismatch';
  if (m.excludedMerchants?.includes(merchant)) return 'mandate_scope_mismatch';
  return undefined;
}

/** Spending per budget period, by mandate: the buyer organisation's own, or what one store has taken. */
export class MandateSpending {
  private readonly spent = new Map<string, { period: number; minor: number }>();

  private entry(m: Mandate, nowUs: number): { period: number; minor: number } {
    const period = m.budget ? Math.floor(nowUs / m.budget.periodUs) : 0;
    let e = this.spent.get(m.mandateId);
    if (e === undefined || e.period !== period) {
      e = { period, minor: 0 };
      this.spent.set(m.mandateId, e);
    }
    return e;
  }

  /** True when `amountMinor` more fits this period's budget (always, without a budget). */
  fits(m: Mandate, nowUs: number, amountMinor: number): boolean {
    return m.budget === undefined || this.entry(m, nowUs).minor + amountMinor <= m.budget.amountMinor;
  }

  add(m: Mandate, nowUs: number, amountMinor: number): void {
    if (m.budget !== undefined) this.entry(m, nowUs).minor += amountMinor;
  }

  /** Gives back an amount added at `atUs`, unless its period is over. */
  release(m: Mandate, atUs: number, amountMinor: number): void {
    const e = this.spent.get(m.mandateId);
    if (m.budget !== undefined && e !== undefined && e.period === Math.floor(atUs / m.budget.periodUs)) e.minor -= amountMinor;
  }
}
