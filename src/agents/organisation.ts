/** A buyer organisation: the owner of the circuit breaker its agents share. */
import type { Entity, Kernel } from '../engine/kernel.js';
import { Priority } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { CircuitBreaker } from '../risk/breaker.js';
import type { BuyerPlan } from '../scenario/schema.js';
import { MandateSpending } from './mandates.js';

const COOLDOWN_ELAPSED = 1;

export class BuyerOrganisation implements Entity, EventTarget {
  seq = 0;
  readonly breaker: CircuitBreaker | undefined;
  /** what the organisation's agents have committed per budget period of their mandate */
  readonly spending = new MandateSpending();

  constructor(
    readonly id: number,
    readonly name: string,
    plan: BuyerPlan,
    private readonly kernel: Kernel,
    metrics: MetricsCollector,
  ) {
    const b = plan.breaker;
    this.breaker = b
      ? new CircuitBreaker(
          { windowUs: b.window, buckets: b.buckets, failureThreshold: b.failure_threshold, minVolume: b.min_volume, cooldownUs: b.cooldown, halfOpenTrials: b.half_open_trials },
          (atUs, token) => kernel.schedule(atUs, Priority.timer, this, this, COOLDOWN_ELAPSED, token),
          (t) => metrics.breakerTransition({ organisation: name, timeUs: t.timeUs, from: t.from, to: t.to, reason: t.reason }),
        )
      : undefined;
  }

  handle(kind: number, data: unknown): void {
    if (kind === COOLDOWN_ELAPSED) this.breaker?.cooldownElapsed(this.kernel.nowUs, data as number);
  }
}
