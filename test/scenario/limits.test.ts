import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { DRAIN_HORIZON_US, drainLimitUs, MAX_DELAY_US } from '../../src/scenario/limits.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

const edited = (edit: (s: Record<string, any>) => void) => {
  const s = baseScenario();
  edit(s);
  return validate(s);
};
const paths = (edit: (s: Record<string, any>) => void) => problemsOf(edited(edit)).map((p) => p.path);

describe('limits a run can hold', () => {
  it('accepts every wait of 10m, and refuses each wait past it by its path', () => {
    planOf(edited((s) => (s.buyers[0].quote_timeout = '10m')));
    expect(paths((s) => (s.buyers[0].quote_timeout = '601s'))).toEqual(['buyers[0].quote_timeout']);
    expect(paths((s) => (s.buyers[0].confirmation_timeout = '1h'))).toEqual(['buyers[0].confirmation_timeout']);
    expect(paths((s) => (s.buyers[0].strategy.deadline = '11m'))).toEqual(['buyers[0].strategy.deadline']);
    expect(paths((s) => (s.stores[1].capacity.service_time = { distribution: 'lognormal', median: '2ms', p99: '2h' }))).toEqual(['stores[1].capacity.service_time.p99']);
    expect(paths((s) => (s.network.latency = { distribution: 'exponential', mean: '11m' }))).toEqual(['network.latency.mean']);
    expect(paths((s) => (s.network.latency = { distribution: 'uniform', min: '1ms', max: '11m' }))).toEqual(['network.latency.max']);
    expect(paths((s) => (s.settlement = { step_timeout: '20m', retry_backoff_max: '20m', saga_bound: '1h', funding: { buyer_cash: 1000 } }))).toEqual(['settlement.step_timeout', 'settlement.retry_backoff_max']);
  });

  it('refuses a price path past 10 million points, saying how long a run may be', () => {
    planOf(edited((s) => (s.duration = '100d')));
    const [p] = problemsOf(edited((s) => (s.duration = '200d')));
    expect(p!.path).toBe('duration');
    expect(p!.message).toMatch(/17,280,122 points .* use a duration of at most 115d at this tick/);
    expect(paths((s) => (s.market.tick = '10us'))).toEqual(['market.tick']);
  });

  it('refuses the durations that swamped or crashed a run (3000d, 10000d, 100000d), at validation', () => {
    for (const duration of ['3000d', '10000d', '100000d']) {
      const problems = problemsOf(edited((s) => (s.duration = duration)));
      expect(problems.map((p) => p.path)).toEqual(['duration']);
      expect(problems[0]!.message).toMatch(/more than the 10,000,000 a run keeps in memory: use a duration of at most 115d at this tick, or a coarser market.tick/);
    }
  });

  it('refuses a time series of more than 250,000 buckets', () => {
    planOf(edited((s) => (s.report = { timeseries_bucket: '240us' })));
    expect(problemsOf(edited((s) => (s.report = { timeseries_bucket: '239us' })))).toEqual([
      { path: 'report.timeseries_bucket', message: 'the time series would have 251,047 buckets over the run, more than the 250,000 a report holds: use a bucket of at least 240µs', line: undefined, column: undefined },
    ].map(({ line, column, ...p }) => p));
  });

  it('refuses a settlement retry wait shorter than the step timeout, or a step timeout under 1ms', () => {
    const settlement = (step: string, backoff: string) => (s: Record<string, any>) => (s.settlement = { step_timeout: step, retry_backoff_max: backoff, saga_bound: '10s', funding: { buyer_cash: 1000 } });
    planOf(edited(settlement('100ms', '100ms')));
    expect(paths(settlement('250ms', '100ms'))).toEqual(['settlement.retry_backoff_max']);
    expect(paths((s) => (settlement('999us', '1s')(s), (s.network.latency = '1us'), (s.settlement.service_time = '1us')))).toEqual(['settlement.step_timeout']);
  });

  it('refuses a step timeout shorter than twice the slow answer of the clearing house (service and a round trip, at their 99.9th percentiles)', () => {
    const settlement = (service: unknown) => (s: Record<string, any>) => {
      s.network.latency = '2ms';
      s.buyers[0].intent_rate = '1/m';
      s.settlement = { step_timeout: '250ms', service_time: service, saga_bound: '10s', funding: { buyer_cash: 1000 } };
    };
    planOf(edited(settlement('121ms')));
    expect(problemsOf(edited(settlement('122ms')))).toEqual([expect.objectContaining({ path: 'settlement.step_timeout', message: expect.stringMatching(/slow answer, 126ms/) })]);
    // an exponential's 99.9th percentile is 6.9 times its mean
    expect(paths(settlement({ distribution: 'exponential', mean: '20ms' }))).toEqual(['settlement.step_timeout']);
  });

  it('refuses a clearing house busy more than half the time at the peak intent rate', () => {
    // 10 agents × 12/m = 2/s, 3 steps a saga: a mean of 83ms keeps it busy half the time
    const settlement = (service: string) => (s: Record<string, any>) => (s.settlement = { step_timeout: '1s', service_time: service, saga_bound: '10s', funding: { buyer_cash: 1000 } });
    planOf(edited(settlement('83ms')));
    expect(problemsOf(edited(settlement('84ms')))).toEqual([expect.objectContaining({ path: 'settlement.service_time', message: expect.stringMatching(/busy 50% of the time/) })]);
  });

  it('refuses a saga bound that one step slowed by settlement_slowdown already breaks', () => {
    const slowed = (bound: string) => (s: Record<string, any>) => {
      s.settlement = { step_timeout: '250ms', saga_bound: bound, funding: { buyer_cash: 20000 } };
      s.faults = { settlement_slowdown: { at: '1s', duration: '1m', factor: [10, 10000] } };
    };
    // 1ms × 10000 = 10s, plus 250ms and the default 5s backoff
    expect(problemsOf(edited(slowed('15s')))).toEqual([expect.objectContaining({ path: 'settlement.saga_bound', message: expect.stringMatching(/slowest settlement service .*: 10s\), 15\.25s in all/) })]);
    planOf(edited(slowed('16s')));
  });

  it('refuses a burst or a crash placed after the drain horizon', () => {
    planOf(edited((s) => (s.buyers[0].burst = { at: '3m', negotiations: 1 })));
    expect(paths((s) => (s.buyers[0].burst = { at: '3m1s', negotiations: 1 }))).toEqual(['buyers[0].burst.at']);
  });

  it('sets the drain limit past the end by the drain horizon and the longest chain of waits', () => {
    const plan = planOf(edited((s) => (s.buyers[0].quote_timeout = '10m')));
    expect(drainLimitUs(plan)).toBeGreaterThanOrEqual(plan.duration + 11 * DRAIN_HORIZON_US + 20 * MAX_DELAY_US);
  });
});
