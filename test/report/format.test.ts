import { describe, expect, it } from 'vitest';
import { budgetValue } from '../../src/report/format.js';

describe('budgetValue', () => {
  it('gives durations their unit, counts as they are, rates to ten significant digits, and no data as such', () => {
    expect(budgetValue({ metric: 'negotiation_latency.p90', value: 22_396_927 })).toBe('22.397s');
    expect(budgetValue({ metric: 'negotiation.count', value: 950 })).toBe('950');
    expect(budgetValue({ metric: 'negotiation.success_rate', value: 0.38933999999999996 })).toBe('0.38934');
    expect(budgetValue({ metric: 'exposure.peak_ratio', value: null })).toBe('no data');
  });
});
