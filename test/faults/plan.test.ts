import { describe, expect, it } from 'vitest';
import { drawFaults, partitioned } from '../../src/faults/plan.js';
import { planOf } from '../agents/scenario.js';

function withFaults(faults: Record<string, unknown>) {
  return planOf((s) => {
    (s as Record<string, unknown>).faults = faults;
  });
}

describe('drawFaults', () => {
  it('is undefined without a faults section', () => {
    expect(drawFaults(planOf())).toBeUndefined();
  });

  it('draws every range within its bounds, the same way for the same seed', () => {
    const plan = withFaults({ message_loss_probability: [0.01, 0.02], reorder_delay_max: ['5ms', '9ms'], crashes: [{ organisation: 'acme', at: ['1s', '4s'], downtime: '2s' }] });
    const a = drawFaults(plan, 5)!;
    expect(drawFaults(plan, 5)).toEqual(a);
    expect(a.messageLossProbability).toBeGreaterThanOrEqual(0.01);
    expect(a.messageLossProbability).toBeLessThanOrEqual(0.02);
    expect(a.reorderDelayMaxUs).toBeGreaterThanOrEqual(5_000);
    expect(a.reorderDelayMaxUs).toBeLessThanOrEqual(9_000);
    expect(a.crashes[0]!.atUs).toBeGreaterThanOrEqual(1_000_000);
    expect(a.crashes[0]!.downtimeUs).toBe(2_000_000);
    const others = [1, 2, 3, 4, 6, 7].map((seed) => drawFaults(plan, seed)!.messageLossProbability);
    expect(new Set([...others, a.messageLossProbability]).size).toBe(7);
  });

  it('stops every fault by `until` (default: the duration): partitions and downtimes are cut there', () => {
    const plan = withFaults({ until: '10s', partitions: [{ between: ['acme', 'globex'], at: '8s', duration: '5s' }], crashes: [{ organisation: 'acme', at: '9s', downtime: '30s' }] });
    const f = drawFaults(plan)!;
    expect(f.untilUs).toBe(10_000_000);
    expect(f.partitions[0]).toEqual({ between: ['acme', 'globex'], fromUs: 8_000_000, toUs: 10_000_000 });
    expect(f.crashes[0]!.downtimeUs).toBe(1_000_000);
    expect(drawFaults(withFaults({}))!.untilUs).toBe(20_000_000);
  });

  it('a partition cuts both directions, only inside its window', () => {
    const f = drawFaults(withFaults({ partitions: [{ between: ['acme', 'globex'], at: '1s', duration: '1s' }] }))!;
    expect(partitioned(f, 'acme', 'globex', 1_500_000)).toBe(true);
    expect(partitioned(f, 'globex', 'acme', 1_500_000)).toBe(true);
    expect(partitioned(f, 'globex', 'acme', 2_000_000)).toBe(false);
    expect(partitioned(f, 'globex', 'other', 1_500_000)).toBe(false);
  });
});
