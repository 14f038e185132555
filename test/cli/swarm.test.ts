import { describe, expect, it } from 'vitest';
import { renderSwarm } from '../../src/cli/swarm.js';
import { failedSeed, type SeedOutcome } from '../../src/run/swarm-worker.js';

const ok = (seed: number, budgetsBreached: string[] = []): SeedOutcome => ({
  seed,
  status: 'ok',
  negotiations: 10,
  succeeded: 8,
  sagas: { settled: 3, compensated: 1, byCause: { payment_failed: 1 } },
  settlementP99Us: 1_000 * seed,
  budgetsBreached,
});

describe('renderSwarm', () => {
  it('counts a seed as passed only with no violation, no error and every budget held', () => {
    const text = renderSwarm('unit', [ok(1), ok(2, ['negotiation.success_rate >= 0.9']), ok(3), failedSeed(4, 'violation', 'broken', 5), failedSeed(5, 'error', 'crashed', -1)]);
    // seeds, passed, violations, errors, budgets breached, negotiations, ...
    expect(text).toMatch(/│ 5\s+│ 2\s+│ 1\s+│ 1\s+│ 1\s+│ 30\s+│/);
    expect(text).toMatch(/│ payment_failed\s+│ 3\s+│ 3\s+│/);
  });
});
