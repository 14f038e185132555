/** A buyer organisation: the owner of the circuit breaker and the exposure book its agents share. */
import type { ExposureChecker } from '../checkers/exposure.js';
import type { Entity, Kernel } from '../engine/kernel.js';
import { Priority } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { formatMinor } from '../protocol/money.js';
import { exposureKey } from '../metrics/timeseries.js';
import { CircuitBreaker, type Admission } from '../risk/breaker.js';
import { ExposureBook } from '../risk/exposure.js';
import type { BuyerPlan } from '../scenario/schema.js';
import { MandateSpending } from './mandates.js';

const COOLDOWN_ELAPSED = 1;

/** Why an intent was held back instead of starting a negotiation. */
export type HoldReason = 'breaker_open' | 'exposure_limit' | 'volatility';

export class BuyerOrganisation implements Entity, EventTarget {
  seq = 0;
  readonly breaker: CircuitBreaker | undefined;
  readonly exposure: ExposureBook | undefined;
  /** what the organisation's agents have committed per budget period of their mandate */
  readonly spending = new MandateSpending();

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly plan: BuyerPlan,
    /** intents arrive before this time only */
    durationUs: number,
    private readonly kernel: Kernel,
    private readonly metrics: MetricsCollector,
    checker?: ExposureChecker,
  ) {
    const b = plan.breaker;
    this.breaker = b
      ? new CircuitBreaker(
          { windowUs: b.window, buckets: b.buckets, failureThreshold: b.failure_threshold, minVolume: b.min_volume, cooldownUs: b.cooldown, halfOpenTrials: b.half_open_trials },
          // A cooldown ending once intents have stopped would let nothing through: the breaker
          // stays open to the end, and the run is not kept going for it.
          (atUs, token) => {
            if (atUs < durationUs) kernel.schedule(atUs, Priority.timer, this, this, COOLDOWN_ELAPSED, token);
          },
          (t) => metrics.breakerTransition({ organisation: name, timeUs: t.timeUs, from: t.from, to: t.to, reason: t.reason, ...(t.cause ? { cause: t.cause } : {}) }),
        )
      : undefined;
    const limit = plan.exposure_limit;
    this.exposure =
      limit === undefined
        ? undefined
        : new ExposureBook(limit, (exposureMinor, nowUs) => {
            checker?.observe(name, exposureMinor, limit, nowUs);
            if (metrics.bucketUs > 0) metrics.exposureSample(exposureKey(name, Math.floor(nowUs / metrics.bucketUs)), exposureMinor);
          });
  }

  /**
   * Second stage of admission, once the intent's category and reservation are known: the
   * volatility signal and the exposure limit may still hold it back (and trip the breaker).
   */
  admitValue(admission: Admission, volatility: number, reservationMinor: number): HoldReason | null {
    const now = this.kernel.nowUs;
    const b = this.plan.breaker;
    if (this.breaker && b?.volatility_trip !== undefined && volatility >= b.volatility_trip) {
      this.breaker.trip(now, 'volatility', `realised volatility ${volatility.toFixed(4)}/min reached ${b.volatility_trip}`);
      return this.hold('volatility');
    }
    if (this.exposure && !this.exposure.tryOpen(reservationMinor, now)) {
      if (this.breaker && b?.trip_on_exposure) {
        this.breaker.trip(now, 'exposure', `exposure ${formatMinor(this.exposure.exposureMinor)} + ${formatMinor(reservationMinor)} would pass the limit ${formatMinor(this.exposure.limitMinor)}`);
      } else if (admission === 'trial') {
        this.breaker?.cancelTrial(this.breaker.period);
      }
      return this.hold('exposure_limit');
    }
    return null;
  }

  /** Counts a held intent. */
  hold(reason: HoldReason): HoldReason {
    this.metrics.intentHeld(this.name);
    this.metrics.reason(`held:${reason}`);
    return reason;
  }

  handle(kind: number, data: unknown): void {
    if (kind === COOLDOWN_ELAPSED) this.breaker?.cooldownElapsed(this.kernel.nowUs, data as number);
  }
}
