/**
 * Invariants of settlement, checked by observing only. The clearing house's ledger reports every
 * transfer; the checker replays them into balances of its own and fails the run when the ledger
 * disagrees, when an account other than `external` goes below zero, or when a pending transfer is
 * resolved twice. Stores report their sagas; at the end (after merging shards) every saga must have
 * ended settled or compensated, within the bound once faults stopped, and the money must say the
 * same: a settled saga captured its amount exactly once, a compensated one moved nothing.
 */
import { InvariantViolation } from '../engine/kernel.js';
import { EXTERNAL, type Balance, type Ledger, type Transfer } from '../settlement/ledger.js';

export type SagaOutcome = 'settled' | 'compensated';

/** Per saga, what the store and the ledger each observed (fields add up across shards). */
export interface SagaRecord {
  startUs: number;
  endUs: number;
  outcome: SagaOutcome | '';
  cause: string;
  amountMinor: number;
  reserved: number;
  released: number;
  escrowed: number;
  escrows: number;
  refunded: number;
  capturePending: number;
  capturePosted: number;
  captureVoided: number;
  posts: number;
}

export interface SettlementCheckerData {
  readonly sagas: [string, SagaRecord][];
  readonly refusals: [string, number][];
  readonly transfers: number;
}

export interface SettlementFinding {
  readonly sagas: number;
  readonly settled: number;
  readonly compensated: number;
  readonly transfers: number;
}

function emptySaga(): SagaRecord {
  return { startUs: -1, endUs: -1, outcome: '', cause: '', amountMinor: 0, reserved: 0, released: 0, escrowed: 0, escrows: 0, refunded: 0, capturePending: 0, capturePosted: 0, captureVoided: 0, posts: 0 };
}

const kindOf = (account: string) => account.slice(account.lastIndexOf(':') + 1);

export class SettlementChecker {
  private readonly sagas = new Map<string, SagaRecord>();
  /**
   * By saga id, the last time one of its messages was refused by its receiver. Apart from the
   * sagas: a refused message may name a saga nobody started.
   */
  private readonly refusals = new Map<string, number>();
  private readonly shadow = new Map<string, Balance>();
  /** every pending transfer seen, by id, and whether it is still pending */
  private readonly pending = new Map<number, { transfer: Transfer; open: boolean }>();
  private transfers = 0;

  private saga(id: string): SagaRecord {
    let s = this.sagas.get(id);
    if (!s) {
      s = emptySaga();
      this.sagas.set(id, s);
    }
    return s;
  }

  // ---- what stores report ----

  sagaStarted(id: string, amountMinor: number, atUs: number): void {
    const s = this.saga(id);
    if (s.startUs >= 0) throw new InvariantViolation(`saga ${id} started twice`, atUs);
    s.startUs = atUs;
    s.amountMinor = amountMinor;
  }

  inventoryReserved(id: string): void {
    this.saga(id).reserved++;
  }

  inventoryReleased(id: string): void {
    this.saga(id).released++;
  }

  /**
   * A message of the saga was refused by its receiver (a per-sender rate limit, a message spoiled
   * on the way): the store must try again, so the saga's bound runs from here.
   */
  sagaRefused(id: string, atUs: number): void {
    this.refusals.set(id, Math.max(this.refusals.get(id) ?? -1, atUs));
  }

  sagaEnded(id: string, outcome: SagaOutcome, cause: string, atUs: number): void {
    const s = this.saga(id);
    if (s.outcome !== '') throw new InvariantViolation(`saga ${id} ended twice (${s.outcome}, then ${outcome})`, atUs);
    s.outcome = outcome;
    s.cause = cause;
    s.endUs = atUs;
  }

  // ---- what the ledger reports ----

  /** Replays one transfer and compares the ledger's balances with the replay. */
  observeTransfer(t: Transfer, ledger: Ledger): void {
    this.transfers++;
    const at = t.atUs;
    if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor <= 0) throw new InvariantViolation(`transfer ${t.id} moves ${t.amountMinor}`, at);
    if (t.debit === t.credit) throw new InvariantViolation(`transfer ${t.id} debits and credits ${t.debit}`, at);
    const d = this.account(t.debit);
    const c = this.account(t.credit);
    switch (t.kind) {
      case 'posted':
        d.debitsPosted += t.amountMinor;
        c.creditsPosted += t.amountMinor;
        break;
      case 'pending':
        d.debitsPending += t.amountMinor;
        c.creditsPending += t.amountMinor;
        this.pending.set(t.id, { transfer: t, open: true });
        break;
      default: {
        const p = this.pending.get(t.pendingId);
        if (!p) throw new InvariantViolation(`transfer ${t.id} resolves ${t.pendingId}, which was never pending`, at);
        if (!p.open) throw new InvariantViolation(`pending transfer ${t.pendingId} (${p.transfer.reference}) resolved twice: posted or voided again by transfer ${t.id}`, at);
        p.open = false;
        d.debitsPending -= t.amountMinor;
        c.creditsPending -= t.amountMinor;
        if (t.kind === 'post_pending') {
          d.debitsPosted += t.amountMinor;
          c.creditsPosted += t.amountMinor;
        }
      }
    }
    for (const name of [t.debit, t.credit]) {
      const mine = this.shadow.get(name)!;
      const theirs = ledger.balance(name);
      if (!theirs || theirs.debitsPosted !== mine.debitsPosted || theirs.creditsPosted !== mine.creditsPosted || theirs.debitsPending !== mine.debitsPending || theirs.creditsPending !== mine.creditsPending) {
        throw new InvariantViolation(`ledger balance of ${name} disagrees with its transfers after transfer ${t.id}`, at);
      }
      if (name !== EXTERNAL && mine.creditsPosted - mine.debitsPosted - mine.debitsPending < 0) {
        throw new InvariantViolation(`account ${name} overdrawn after transfer ${t.id}`, at);
      }
    }
    this.classify(t);
  }

  private account(name: string): Balance {
    let b = this.shadow.get(name);
    if (!b) {
      b = { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
      this.shadow.set(name, b);
    }
    return b;
  }

  /** Books the transfer against its saga by the kinds of accounts it moves money between. */
  private classify(t: Transfer): void {
    if (!t.reference.startsWith('saga_')) return;
    const s = this.saga(t.reference);
    const from = kindOf(t.debit);
    const to = kindOf(t.credit);
    if (t.kind === 'posted' && from === 'cash' && to === 'escrow') {
      s.escrowed += t.amountMinor;
      if (++s.escrows > 1) throw new InvariantViolation(`saga ${t.reference}: buyer funds escrowed twice`, t.atUs);
    } else if (t.kind === 'posted' && from === 'escrow' && to === 'cash') {
      s.refunded += t.amountMinor;
      if (s.refunded > s.escrowed) throw new InvariantViolation(`saga ${t.reference}: refunded more than was escrowed`, t.atUs);
    } else if (from === 'escrow' && to === 'revenue') {
      if (t.kind === 'pending') s.capturePending += t.amountMinor;
      else if (t.kind === 'post_pending') {
        s.capturePosted += t.amountMinor;
        if (++s.posts > 1) throw new InvariantViolation(`order of saga ${t.reference} settled twice`, t.atUs);
      } else if (t.kind === 'void_pending') s.captureVoided += t.amountMinor;
    }
  }

  toData(): SettlementCheckerData {
    return { sagas: [...this.sagas], refusals: [...this.refusals], transfers: this.transfers };
  }

  static fromData(d: SettlementCheckerData): SettlementChecker {
    const c = new SettlementChecker();
    for (const [id, s] of d.sagas) c.sagas.set(id, { ...s });
    for (const [id, us] of d.refusals) c.refusals.set(id, us);
    c.transfers = d.transfers;
    return c;
  }

  /** Folds another shard's observations into this one (field by field, order-independent). */
  merge(other: SettlementChecker): void {
    this.transfers += other.transfers;
    for (const [id, us] of other.refusals) this.sagaRefused(id, us);
    for (const [id, o] of other.sagas) {
      const s = this.saga(id);
      if (o.startUs >= 0) {
        s.startUs = o.startUs;
        s.amountMinor = o.amountMinor;
      }
      if (o.outcome !== '') {
        s.outcome = o.outcome;
        s.cause = o.cause;
        s.endUs = o.endUs;
      }
      s.reserved += o.reserved;
      s.released += o.released;
      s.escrowed += o.escrowed;
      s.escrows += o.escrows;
      s.refunded += o.refunded;
      s.capturePending += o.capturePending;
      s.capturePosted += o.capturePosted;
      s.captureVoided += o.captureVoided;
      s.posts += o.posts;
    }
  }

  /**
   * End of run: every saga ended as its money says, within `boundUs` of the latest of its start,
   * the end of faults and the last refusal of one of its messages.
   */
  finish(endUs: number, faultsUntilUs: number, boundUs: number): SettlementFinding {
    let settled = 0;
    let compensated = 0;
    for (const id of [...this.sagas.keys()].sort()) {
      const s = this.sagas.get(id)!;
      if (s.startUs < 0) throw new InvariantViolation(`the ledger moved money for ${id}, which no store started`, endUs);
      if (s.outcome === '') throw new InvariantViolation(`saga ${id} (started at ${s.startUs} µs) never ended`, endUs);
      const refusedUs = this.refusals.get(id) ?? -1;
      const fromUs = Math.max(s.startUs, faultsUntilUs, refusedUs);
      const tookUs = s.endUs - fromUs;
      if (tookUs > boundUs) {
        const since = fromUs === refusedUs ? 'the last refusal of one of its messages' : fromUs === s.startUs ? 'it started' : 'faults stopped';
        throw new InvariantViolation(`saga ${id} ended ${tookUs} µs after ${since}; the bound is ${boundUs} µs`, s.endUs);
      }
      if (s.capturePending !== s.capturePosted + s.captureVoided) throw new InvariantViolation(`saga ${id} ended ${s.outcome} with a capture still pending`, s.endUs);
      if (s.outcome === 'settled') {
        settled++;
        if (s.posts !== 1 || s.capturePosted !== s.amountMinor || s.escrowed !== s.amountMinor || s.refunded !== 0) {
          throw new InvariantViolation(`saga ${id} settled but the ledger captured ${s.capturePosted} of ${s.amountMinor} (escrowed ${s.escrowed}, refunded ${s.refunded})`, s.endUs);
        }
        if (s.reserved !== 1 || s.released !== 0) throw new InvariantViolation(`saga ${id} settled without its inventory reserved`, s.endUs);
      } else {
        compensated++;
        if (s.capturePosted !== 0) throw new InvariantViolation(`saga ${id} compensated but its capture was posted`, s.endUs);
        if (s.escrowed !== s.refunded) throw new InvariantViolation(`saga ${id} compensated (${s.cause}) but ${s.escrowed - s.refunded} of the buyer's funds stay in escrow`, s.endUs);
        if (s.reserved !== s.released) throw new InvariantViolation(`saga ${id} compensated (${s.cause}) but its inventory was not released`, s.endUs);
      }
    }
    return { sagas: this.sagas.size, settled, compensated, transfers: this.transfers };
  }
}
