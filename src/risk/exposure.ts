/**
 * An organisation's financial exposure: the value of its open negotiations (their reservation,
 * the most each could commit) plus the value it has accepted but not yet seen settled. New work
 * is admitted only while the total stays within the limit; every change is reported to an
 * observer (the invariant checker and the metrics).
 */

export class ExposureBook {
  private openMinor = 0;
  private unsettledMinor = 0;

  constructor(
    readonly limitMinor: number,
    private readonly observe: (exposureMinor: number, nowUs: number) => void,
  ) {}

  /** Open negotiation value plus unsettled value. */
  get exposureMinor(): number {
    return this.openMinor + this.unsettledMinor;
  }

  get openValueMinor(): number {
    return this.openMinor;
  }

  get unsettledValueMinor(): number {
    return this.unsettledMinor;
  }

  /** Reserves `valueMinor` for a new negotiation when it fits within the limit; false otherwise. */
  tryOpen(valueMinor: number, nowUs: number): boolean {
    if (this.exposureMinor + valueMinor > this.limitMinor) return false;
    this.openMinor += valueMinor;
    this.observe(this.exposureMinor, nowUs);
    return true;
  }

  /** A negotiation reserved at `openMinor` accepted a deal worth `dealMinor` (at most its reservation). */
  accepted(openMinor: number, dealMinor: number, nowUs: number): void {
    this.openMinor -= openMinor;
    this.unsettledMinor += dealMinor;
    this.observe(this.exposureMinor, nowUs);
  }

  /** A negotiation ended without a deal. */
  closeOpen(openMinor: number, nowUs: number): void {
    this.openMinor -= openMinor;
    this.observe(this.exposureMinor, nowUs);
  }

  /** An accepted deal settled, or was given up. */
  closeUnsettled(dealMinor: number, nowUs: number): void {
    this.unsettledMinor -= dealMinor;
    this.observe(this.exposureMinor, nowUs);
  }
}
