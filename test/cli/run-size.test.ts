import { describe, expect, it } from 'vitest';
import { sizeCheck } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, planOf } from '../scenario/fixtures.js';

const planWith = (rate: string) => {
  const s = baseScenario();
  s.buyers[0].intent_rate = rate;
  return planOf(validate(s));
};

describe('sizeCheck before a run', () => {
  it('lets a small run go quietly', () => {
    expect(sizeCheck('s.yaml', planWith('12/m'), false).long).toBe(false);
  });

  it('announces a run estimated past 10 s of wall time', () => {
    const { long, estimate } = sizeCheck('s.yaml', planWith('100/s'), false);
    expect(estimate.seconds).toBeGreaterThan(10);
    expect(long).toBe(true);
  });

  it('refuses (exit 2) a run that would not fit in memory, unless allowed', () => {
    expect(() => sizeCheck('s.yaml', planWith('1000000/s'), false)).toThrow(UsageError);
    expect(() => sizeCheck('s.yaml', planWith('1000000/s'), false)).toThrow(/s\.yaml: this run would not fit in memory: about .* GB of memory, .* against .* available .*--allow-large/s);
    expect(sizeCheck('s.yaml', planWith('1000000/s'), true).long).toBe(true);
  });
});
