/**
 * A financial circuit breaker on virtual time. One state slot, changed only by open(),
 * halfOpen() and close(); failure statistics in a rolling window of buckets; every
 * transition reported to a listener. The owner schedules the cooldown timer it is asked for.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Why a breaker opened: its failure rate, a failed half-open trial, or a trip by its owner. */
export const TRIP_CAUSES = ['failure_rate', 'trial_failed', 'exposure', 'volatility'] as const;
export type TripCause = (typeof TRIP_CAUSES)[number];

export interface BreakerConfig {
  readonly windowUs: number;
  readonly buckets: number;
  /** open when failures / volume reaches this share of the window */
  readonly failureThreshold: number;
  /** no decision below this many outcomes in the window */
  readonly minVolume: number;
  readonly cooldownUs: number;
  readonly halfOpenTrials: number;
}

export interface BreakerTransition {
  readonly timeUs: number;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: string;
  /** set on transitions to open */
  readonly cause?: TripCause;
}

/** What the breaker lets through: normal work, a half-open trial, or nothing. */
export type Admission = 'allow' | 'trial' | 'reject';

export class CircuitBreaker {
  private stateSlot: BreakerState = 'closed';
  private readonly bucketUs: number;
  private readonly bucketEpoch: Float64Array;
  private readonly bucketOk: Uint32Array;
  private readonly bucketFail: Uint32Array;
  /** Half-open periods so far: a trial belongs to the period that admitted it. */
  private periodSlot = 0;
  private trialsStarted = 0;
  private trialsSucceeded = 0;
  private enteredAtUs = 0;
  private cooldownToken = 0;
  private readonly timeInStateUs: Record<BreakerState, number> = { closed: 0, open: 0, half_open: 0 };

  constructor(
    private readonly config: BreakerConfig,
    /** asks the owner to call cooldownElapsed(token) at the given time */
    private readonly scheduleCooldown: (atUs: number, token: number) => void,
    private readonly onTransition: (t: BreakerTransition) => void,
  ) {
    this.bucketUs = Math.max(1, Math.ceil(config.windowUs / config.buckets));
    this.bucketEpoch = new Float64Array(config.buckets).fill(-Infinity);
    this.bucketOk = new Uint32Array(config.buckets);
    this.bucketFail = new Uint32Array(config.buckets);
  }

  get state(): BreakerState {
    return this.stateSlot;
  }

  /**
   * The number of the current half-open period (1 for the first; 0 before any). A negotiation
   * admitted as a trial keeps it, and its outcome counts only in that period: with a cooldown
   * shorter than a negotiation, trials of an earlier period may end in a later one.
   */
  get period(): number {
    return this.periodSlot;
  }

  /** Decides whether a new negotiation may start now (a trial of the current period). */
  admit(): Admission {
    if (this.stateSlot === 'closed') return 'allow';
    if (this.stateSlot === 'half_open' && this.trialsStarted < this.config.halfOpenTrials) {
      this.trialsStarted++;
      return 'trial';
    }
    return 'reject';
  }

  /** A trial of half-open period `period` did not start after all: its slot is free again. */
  cancelTrial(period: number): void {
    if (this.stateSlot === 'half_open' && period === this.periodSlot && this.trialsStarted > 0) this.trialsStarted--;
  }

  /**
   * Records the outcome of a negotiation that ended at `nowUs`; `trialOf` is the half-open
   * period that admitted it as a trial, 0 when it was not one.
   */
  record(nowUs: number, success: boolean, trialOf: number): void {
    if (this.stateSlot === 'half_open') {
      // Only this period's trials decide it (and the window is not kept while half-open).
      if (trialOf !== this.periodSlot) return;
      if (!success) {
        this.open(nowUs, 'trial_failed', 'a half-open trial failed');
        return;
      }
      this.trialsSucceeded++;
      if (this.trialsSucceeded >= this.config.halfOpenTrials) this.close(nowUs, `${this.trialsSucceeded} half-open trials succeeded`);
      return;
    }
    if (this.stateSlot === 'open') return;
    const epoch = Math.floor(nowUs / this.bucketUs);
    const b = epoch % this.config.buckets;
    if (this.bucketEpoch[b] !== epoch) {
      this.bucketEpoch[b] = epoch;
      this.bucketOk[b] = 0;
      this.bucketFail[b] = 0;
    }
    if (success) this.bucketOk[b]!++;
    else this.bucketFail[b]!++;
    const { ok, fail } = this.windowCounts(epoch);
    const volume = ok + fail;
    if (volume >= this.config.minVolume && fail / volume >= this.config.failureThreshold) {
      this.open(nowUs, 'failure_rate', `failure rate ${(fail / volume).toFixed(3)} over ${volume} negotiations`);
    }
  }

  /**
   * The owner trips the breaker on a signal of its own (exposure at its limit, volatility):
   * a closed breaker opens, a half-open one reopens. Returns false when it was open already.
   */
  trip(nowUs: number, cause: TripCause, reason: string): boolean {
    if (this.stateSlot === 'open') return false;
    this.open(nowUs, cause, reason);
    return true;
  }

  /** The owner's cooldown timer fired. Stale tokens (from an earlier opening) are ignored. */
  cooldownElapsed(nowUs: number, token: number): void {
    if (this.stateSlot === 'open' && token === this.cooldownToken) this.halfOpen(nowUs);
  }

  /** Time spent in each state up to `nowUs`. */
  timeInState(nowUs: number): Record<BreakerState, number> {
    return { ...this.timeInStateUs, [this.stateSlot]: this.timeInStateUs[this.stateSlot] + (nowUs - this.enteredAtUs) };
  }

  private windowCounts(epoch: number): { ok: number; fail: number } {
    let ok = 0;
    let fail = 0;
    for (let i = 0; i < this.config.buckets; i++) {
      if (this.bucketEpoch[i]! > epoch - this.config.buckets) {
        ok += this.bucketOk[i]!;
        fail += this.bucketFail[i]!;
      }
    }
    return { ok, fail };
  }

  private open(nowUs: number, cause: TripCause, reason: string): void {
    this.transition(nowUs, 'open', reason, cause);
    this.cooldownToken++;
    this.scheduleCooldown(nowUs + this.config.cooldownUs, this.cooldownToken);
  }

  private halfOpen(nowUs: number): void {
    this.periodSlot++;
    this.trialsStarted = 0;
    this.trialsSucceeded = 0;
    this.transition(nowUs, 'half_open', 'cooldown elapsed');
  }

  private close(nowUs: number, reason: string): void {
    // A closed breaker starts from an empty window: failures from before it opened never count again.
    this.bucketEpoch.fill(-Infinity);
    this.bucketOk.fill(0);
    this.bucketFail.fill(0);
    this.transition(nowUs, 'closed', reason);
  }

  private transition(nowUs: number, to: BreakerState, reason: string, cause?: TripCause): void {
    const from = this.stateSlot;
    this.timeInStateUs[from] += nowUs - this.enteredAtUs;
    this.enteredAtUs = nowUs;
    this.stateSlot = to;
    this.onTransition(cause ? { timeUs: nowUs, from, to, reason, cause } : { timeUs: nowUs, from, to, reason });
  }
}
