/**
 * Invariant: an organisation's exposure (open negotiation value plus unsettled value) never
 * exceeds its limit, and never goes negative. The checker only observes what the exposure book
 * reports; a breach raises InvariantViolation (the run exits 3 with the seed and virtual time).
 */
import { InvariantViolation } from '../engine/kernel.js';
import { formatMinor } from '../protocol/money.js';

export class ExposureChecker {
  /** Highest exposure seen per organisation. */
  readonly peakMinor = new Map<string, number>();

  observe(organisation: string, exposureMinor: number, limitMinor: number, nowUs: number): void {
    if (exposureMinor > limitMinor) {
      throw new InvariantViolation(`${organisation} exposure ${formatMinor(exposureMinor)} exceeds its limit ${formatMinor(limitMinor)}`, nowUs);
    }
    if (exposureMinor < 0) throw new InvariantViolation(`${organisation} exposure is negative (${formatMinor(exposureMinor)})`, nowUs);
    if (exposureMinor > (this.peakMinor.get(organisation) ?? 0)) this.peakMinor.set(organisation, exposureMinor);
  }
}
