/** The exposure invariant inside a run: wired into every buyer organisation with a limit. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExposureBook } from '../../src/risk/exposure.js';
import { RunInvariantViolation, runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

afterEach(() => vi.restoreAllMocks());

describe('exposure invariant in a run', () => {
  it('holds in the burst scenario: exposure peaks at, never above, its limit', () => {
    const r = runSimulation(planOf('scenarios/procurement-burst.yaml')).results;
    const hooli = r.risk.exposure.find((e) => e.organisation === 'hooli-procurement')!;
    expect(Number(hooli.peak)).toBeLessThanOrEqual(Number(hooli.limit));
  });

  it('fires, with the seed and virtual time, when a broken book admits past the limit', () => {
    // A model bug: the book admits whatever it is asked to.
    vi.spyOn(ExposureBook.prototype, 'tryOpen').mockImplementation(function (this: ExposureBook, valueMinor: number, nowUs: number) {
      const self = this as unknown as { openMinor: number; observe: (x: number, t: number) => void };
      self.openMinor += valueMinor;
      self.observe(this.exposureMinor, nowUs);
      return true;
    });
    let caught: unknown;
    try {
      runSimulation(planOf('scenarios/procurement-burst.yaml'), { seed: 99 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RunInvariantViolation);
    const v = caught as RunInvariantViolation;
    expect(v.message).toMatch(/hooli-procurement exposure \d+\.\d\d exceeds its limit 25000\.00/);
    expect(v.seed).toBe(99);
    // The burst opens at 40s: that is where the limit is first passed.
    expect(v.virtualUs).toBe(40_000_000);
  });
});
