import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { describeEstimate, estimateSize, formatBytes, formatSeconds } from '../../src/scenario/estimate.js';
import { baseScenario, planOf } from './fixtures.js';

const planWith = (edit: (s: Record<string, any>) => void) => {
  const s = baseScenario();
  edit(s);
  return planOf(validate(s));
};

describe('estimateSize', () => {
  it('counts the intents the buyers form over the run, and the messages of each', () => {
    // 10 agents × 12/m × 1m
    const e = estimateSize(planWith(() => {}));
    expect(e.negotiations).toBe(120);
    expect(e.agents).toBe(13);
    // intent and quote to 2 stores, a counter and quote per round (min of 10 and 8), accept and confirmation
    expect(e.messages).toBe(120 * 2 * (2 + 1 + 8));
  });

  it('weighs each regime by its demand multiplier, the last one running to the end', () => {
    const e = estimateSize(
      planWith((s) => {
        s.market.regimes = [
          { name: 'calm', duration: '30s', volatility_per_minute: 0.005 },
          { name: 'rush', duration: '1s', volatility_per_minute: 0.005, demand_multiplier: 3 },
        ];
      }),
    );
    expect(e.negotiations).toBe(60 + 180);
  });

  it('adds bursts, and grows with agents, rate and duration', () => {
    const base = estimateSize(planWith(() => {}));
    expect(estimateSize(planWith((s) => (s.buyers[0].burst = { at: '10s', negotiations: 500 }))).negotiations).toBe(620);
    const big = estimateSize(planWith((s) => (s.buyers[0].intent_rate = '1000000/s')));
    expect(big.negotiations).toBe(600_000_000);
    expect(big.memoryBytes).toBeGreaterThan(100 * base.memoryBytes);
    expect(big.seconds).toBeGreaterThan(3600);
  });

  it('counts the price paths and the keys of signing agents in memory and time', () => {
    const unsigned = estimateSize(planWith((s) => (s.security = { signing: 'off' })));
    const signed = estimateSize(planWith(() => {}));
    expect(signed.seconds).toBeGreaterThan(unsigned.seconds);
    const fine = estimateSize(planWith((s) => (s.market.tick = '1ms')));
    expect(fine.memoryBytes - signed.memoryBytes).toBeGreaterThan(24 * 170_000);
  });

  it('reads as people write figures', () => {
    expect(formatSeconds(0.42)).toBe('0.4 s');
    expect(formatSeconds(125)).toBe('125 s');
    expect(formatSeconds(3000)).toBe('50 min');
    expect(formatBytes(3.2e9)).toBe('3.2 GB');
    expect(describeEstimate({ agents: 1, negotiations: 12_345_678, messages: 3120, memoryBytes: 130e6, seconds: 1.94 })).toBe('about 12.3 million negotiations, 3,120 messages, 130 MB of memory, 1.9 s of wall time inline');
  });
});
