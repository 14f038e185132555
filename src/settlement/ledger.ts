/**
 * A double-entry ledger in integer minor units. Every organisation has four accounts (cash,
 * escrow, bonds, revenue); money enters only at genesis, from the `external` account. Transfers
 * are immutable records; a two-phase transfer is created pending (it reserves the amount on both
 * sides) and later posted or voided by a second record that refers to it, exactly once. No
 * account but `external` may be overdrawn, counting what it has pending.
 */

export const ACCOUNT_KINDS = ['cash', 'escrow', 'bonds', 'revenue'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The account that funds every organisation at genesis; the only one allowed below zero. */
export const EXTERNAL = 'external';

export type TransferKind = 'posted' | 'pending' | 'post_pending' | 'void_pending';

export interface Transfer {
  /** position in the ledger, from 1 */
  readonly id: number;
  readonly kind: TransferKind;
  readonly debit: string;
  readonly credit: string;
  readonly amountMinor: number;
  /** for post_pending / void_pending: the pending transfer it resolves */
  readonly pendingId: number;
  /** what the transfer is for, e.g. a saga id */
  readonly reference: string;
  readonly atUs: number;
}

export interface Balance {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

export type LedgerResult = { ok: true; transfer: Transfer } | { ok: false; reason: 'insufficient_funds' | 'unknown_account' | 'not_pending' | 'invalid_amount' };

/** Called with every transfer the ledger records, in order (the invariant checker listens). */
export type TransferListener = (transfer: Transfer, ledger: Ledger) => void;

export function accountName(organisation: string, kind: AccountKind): string {
  return `${organisation}:${kind}`;
}

export class Ledger {
  private readonly balances = new Map<string, Balance>();
  private readonly pendingState = new Map<number, 'pending' | 'posted' | 'voided'>();
  private readonly pendingTransfers = new Map<number, Transfer>();
  private count = 0;

  constructor(private readonly listener?: TransferListener) {
    this.balances.set(EXTERNAL, { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 });
  }

  /** Opens the four accounts of an organisation. */
  open(organisation: string): void {
    for (const kind of ACCOUNT_KINDS) {
      const name = accountName(organisation, kind);
      if (!this.balances.has(name)) this.balances.set(name, { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 });
    }
  }

  /** Every account name, sorted. */
  accounts(): string[] {
    return [...this.balances.keys()].sort();
  }

  balance(account: string): Readonly<Balance> | undefined {
    return this.balances.get(account);
  }

  /** Posted credits minus posted debits. */
  net(account: string): number {
    const b = this.balances.get(account);
    return b ? b.creditsPosted - b.debitsPosted : 0;
  }

  /** What the account can still pay: posted net minus what it has pending out. */
  available(account: string): number {
    const b = this.balances.get(account);
    return b ? b.creditsPosted - b.debitsPosted - b.debitsPending : 0;
  }

  get transfers(): number {
    return this.count;
  }

  /** State of a pending transfer by id. */
  pendingStatus(id: number): 'pending' | 'posted' | 'voided' | undefined {
    return this.pendingState.get(id);
  }

  /** A single-phase transfer, posted at once. */
  transfer(debit: string, credit: string, amountMinor: number, reference: string, atUs: number): LedgerResult {
    const check = this.checkNew(debit, credit, amountMinor);
    if (check) return { ok: false, reason: check };
    const d = this.balances.get(debit)!;
    const c = this.balances.get(credit)!;
    d.debitsPosted += amountMinor;
    c.creditsPosted += amountMinor;
    return { ok: true, transfer: this.record('posted', debit, credit, amountMinor, 0, reference, atUs) };
  }

  /** The first phase: reserves the amount on both accounts. */
  reserve(debit: string, credit: string, amountMinor: number, reference: string, atUs: number): LedgerResult {
    const check = this.checkNew(debit, credit, amountMinor);
    if (check) return { ok: false, reason: check };
    this.balances.get(debit)!.debitsPending += amountMinor;
    this.balances.get(credit)!.creditsPending += amountMinor;
    const t = this.record('pending', debit, credit, amountMinor, 0, reference, atUs);
    this.pendingState.set(t.id, 'pending');
    this.pendingTransfers.set(t.id, t);
    return { ok: true, transfer: t };
  }

  /** The second phase: moves a pending transfer's amount for good. */
  post(pendingId: number, reference: string, atUs: number): LedgerResult {
    return this.resolve(pendingId, 'post_pending', reference, atUs);
  }

  /** The second phase the other way: releases a pending transfer. */
  void(pendingId: number, reference: string, atUs: number): LedgerResult {
    return this.resolve(pendingId, 'void_pending', reference, atUs);
  }

  protected resolve(pendingId: number, kind: 'post_pending' | 'void_pending', reference: string, atUs: number): LedgerResult {
    const p = this.pendingTransfers.get(pendingId);
    if (p === undefined || this.pendingState.get(pendingId) !== 'pending') return { ok: false, reason: 'not_pending' };
    return { ok: true, transfer: this.apply(p, kind, reference, atUs) };
  }

  /** Applies the second phase to `p` without checking its state (a subclass may break this on purpose). */
  protected apply(p: Transfer, kind: 'post_pending' | 'void_pending', reference: string, atUs: number): Transfer {
    const d = this.balances.get(p.debit)!;
    const c = this.balances.get(p.credit)!;
    d.debitsPending -= p.amountMinor;
    c.creditsPending -= p.amountMinor;
    if (kind === 'post_pending') {
      d.debitsPosted += p.amountMinor;
      c.creditsPosted += p.amountMinor;
    }
    this.pendingState.set(p.id, kind === 'post_pending' ? 'posted' : 'voided');
    this.pendingTransfers.delete(p.id);
    return this.record(kind, p.debit, p.credit, p.amountMinor, p.id, reference, atUs);
  }

  /** The pending transfer itself (while it is pending). */
  protected pendingTransfer(id: number): Transfer | undefined {
    return this.pendingTransfers.get(id);
  }

  private checkNew(debit: string, credit: string, amountMinor: number): Exclude<LedgerResult, { ok: true }>['reason'] | undefined {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 'invalid_amount';
    if (!this.balances.has(debit) || !this.balances.has(credit) || debit === credit) return 'unknown_account';
    if (debit !== EXTERNAL && this.available(debit) < amountMinor) return 'insufficient_funds';
    return undefined;
  }

  private record(kind: TransferKind, debit: string, credit: string, amountMinor: number, pendingId: number, reference: string, atUs: number): Transfer {
    const t: Transfer = Object.freeze({ id: ++this.count, kind, debit, credit, amountMinor, pendingId, reference, atUs });
    this.listener?.(t, this);
    return t;
  }
}
