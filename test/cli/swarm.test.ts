import { describe, expect, it } from 'vitest';
import { renderSwarm } from '../../src/cli/swarm.js';
import { buildSwarmReport, statistics } from '../../src/report/swarm-report.js';
import { failedSeed, type SeedOutcome } from '../../src/run/swarm-worker.js';

const ok = (seed: number, budgets_breached: string[] = []): SeedOutcome => ({
  seed,
  status: 'ok',
  metrics: { 'negotiation.count': 10, 'negotiation.succeeded': 8, 'sagas.settled': 3, 'sagas.compensated': 1, 'settlement_latency.p99': 1_000 * seed },
  deals: { count: 3, value: 30 * seed, mean_value: 10 * seed },
  sagas_compensated_by_cause: { payment_failed: 1 },
  budgets_breached,
});

describe('renderSwarm', () => {
  it('counts a seed as passed only with no violation, no error and every budget held', () => {
    const text = renderSwarm('unit', [ok(1), ok(2, ['negotiation.success_rate >= 0.9']), ok(3), failedSeed(4, 'violation', 'broken', 5), failedSeed(5, 'error', 'crashed', -1)]);
    // seeds, passed, violations, errors, budgets breached, negotiations, ...
    expect(text).toMatch(/│ 5\s+│ 2\s+│ 1\s+│ 1\s+│ 1\s+│ 30\s+│/);
    expect(text).toMatch(/│ payment_failed\s+│ 3\s+│ 3\s+│/);
  });
});

describe('the swarm report', () => {
  const outcomes = [ok(1), ok(2, ['negotiation.success_rate >= 0.9']), ok(3), failedSeed(4, 'violation', 'broken', 5)];
  const report = buildSwarmReport({ scenario: 'unit', file: 'unit.yaml', firstSeed: 1, outcomes, wallclock: { started_at: '', elapsed_ms: 0, workers: 0, node: '' } });

  it('is one format, snake_case throughout, with every seed and the totals', () => {
    expect(report.format).toBe('a2a-market-sim/swarm@1');
    const keys = (x: unknown): string[] => (x && typeof x === 'object' ? Object.entries(x).flatMap(([k, v]) => [k, ...(k === 'metrics' ? [] : keys(v))]) : []);
    for (const k of keys(report)) if (!/^\d+$/.test(k)) expect(k).toMatch(/^[a-z0-9_]+$/);
    expect(report.outcomes).toHaveLength(4);
    expect(report.summary).toMatchObject({ passed: 2, violations: 1, errors: 0, budgets_breached: 1 });
    expect(report.passed).toBe(false);
  });

  it('summarises every metric across the seeds that finished', () => {
    expect(report.summary.metrics['settlement_latency.p99']).toEqual({ seeds: 3, mean: 2000, stdev: 1000, min: 1000, p50: 2000, p90: 3000, max: 3000 });
    expect(report.summary.deals.mean_value).toMatchObject({ seeds: 3, mean: 20, min: 10, max: 30 });
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles and the sample standard deviation', () => {
    expect(statistics([5, 1, 4, 2, 3])).toEqual({ seeds: 5, mean: 3, stdev: Number(Math.sqrt(2.5).toPrecision(12)), min: 1, p50: 3, p90: 5, max: 5 });
    expect(statistics([])).toBeNull();
  });
});
