/** Breaker trips by cause, on virtual time, through the organisation that owns the breaker. */
import { describe, expect, it } from 'vitest';
import { BuyerOrganisation } from '../../src/agents/organisation.js';
import { ExposureChecker } from '../../src/checkers/exposure.js';
import { Kernel, Priority } from '../../src/engine/kernel.js';
import { MetricsCollector } from '../../src/metrics/collector.js';
import { CircuitBreaker, type BreakerTransition } from '../../src/risk/breaker.js';
import type { BuyerPlan } from '../../src/scenario/schema.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/simulation.js';

const BREAKER = { window: 10_000, buckets: 10, failure_threshold: 0.5, min_volume: 4, cooldown: 5_000, half_open_trials: 2, trip_on_exposure: true };

function org(overrides: Partial<BuyerPlan> = {}, breaker: Partial<typeof BREAKER> & { volatility_trip?: number } = {}, durationUs = 1e12) {
  const kernel = new Kernel();
  const metrics = new MetricsCollector();
  metrics.bucketUs = 1_000;
  const plan = { organisation: 'globex', breaker: { ...BREAKER, ...breaker }, ...overrides } as unknown as BuyerPlan;
  const o = new BuyerOrganisation(1, 'globex', plan, durationUs, kernel, metrics, new ExposureChecker());
  /** Runs `fn` at virtual time `atUs` (as an event of the kernel). */
  const at = (atUs: number, fn: () => void) => {
    kernel.schedule(atUs, Priority.timer, o, { handle: () => fn() }, 0, null);
    kernel.runUntil(atUs + 1);
  };
  return { kernel, metrics, o, at, breaker: o.breaker!, transitions: () => metrics.breakerTransitions.map((t) => [t.timeUs, t.to, t.cause ?? null]) };
}

describe('breaker trips by cause', () => {
  it('trip() opens a closed breaker and reopens a half-open one, with its cause; an open one stays put', () => {
    const seen: BreakerTransition[] = [];
    const cooldowns: number[] = [];
    const b = new CircuitBreaker({ windowUs: 1000, buckets: 10, failureThreshold: 0.5, minVolume: 4, cooldownUs: 500, halfOpenTrials: 1 }, (at) => cooldowns.push(at), (t) => seen.push(t));
    expect(b.trip(100, 'exposure', 'x')).toBe(true);
    expect(b.trip(200, 'volatility', 'y')).toBe(false);
    b.cooldownElapsed(600, 1);
    expect(b.trip(650, 'volatility', 'z')).toBe(true);
    expect(seen.map((t) => [t.timeUs, t.from, t.to, t.cause])).toEqual([
      [100, 'closed', 'open', 'exposure'],
      [600, 'open', 'half_open', undefined],
      [650, 'half_open', 'open', 'volatility'],
    ]);
    expect(cooldowns).toEqual([600, 1150]);
  });

  it('a failure-rate opening carries its cause, and a failed trial is its own cause', () => {
    const seen: BreakerTransition[] = [];
    const b = new CircuitBreaker({ windowUs: 1000, buckets: 10, failureThreshold: 0.5, minVolume: 2, cooldownUs: 500, halfOpenTrials: 1 }, () => {}, (t) => seen.push(t));
    b.record(10, false, 0);
    b.record(20, false, 0);
    b.cooldownElapsed(520, 1);
    expect(b.admit()).toBe('trial');
    b.record(600, false, b.period);
    expect(seen.filter((t) => t.to === 'open').map((t) => [t.timeUs, t.cause])).toEqual([
      [20, 'failure_rate'],
      [600, 'trial_failed'],
    ]);
  });

  it('cancelTrial frees a trial slot that did not start', () => {
    const b = new CircuitBreaker({ windowUs: 1000, buckets: 10, failureThreshold: 0.5, minVolume: 1, cooldownUs: 500, halfOpenTrials: 1 }, () => {}, () => {});
    b.trip(0, 'exposure', 'x');
    b.cooldownElapsed(500, 1);
    expect(b.admit()).toBe('trial');
    expect(b.admit()).toBe('reject');
    b.cancelTrial(b.period);
    expect(b.admit()).toBe('trial');
  });
});

describe('an organisation: volatility and exposure trips on virtual time', () => {
  it('volatility at the threshold trips the breaker, which half-opens after the cooldown and closes on successful trials', () => {
    const { o, at, breaker, transitions, metrics } = org({}, { volatility_trip: 0.05 });
    at(1_000, () => expect(o.admitValue('allow', 0.0499, 10)).toBeNull());
    at(2_000, () => expect(o.admitValue('allow', 0.05, 10)).toBe('volatility'));
    expect(breaker.state).toBe('open');
    at(6_999, () => expect(breaker.admit()).toBe('reject'));
    at(7_000, () => expect(breaker.state).toBe('half_open'));
    at(7_100, () => {
      expect(breaker.admit()).toBe('trial');
      expect(breaker.admit()).toBe('trial');
    });
    at(7_200, () => breaker.record(7_200, true, breaker.period));
    at(7_300, () => breaker.record(7_300, true, breaker.period));
    expect(transitions()).toEqual([
      [2_000, 'open', 'volatility'],
      [7_000, 'half_open', null],
      [7_300, 'closed', null],
    ]);
    expect(metrics.reasons.get('held:volatility')).toBe(1);
  });

  it('a half-open breaker reopens on a volatility signal, and half-opens again a cooldown later', () => {
    const { o, at, breaker, transitions } = org({}, { volatility_trip: 0.05 });
    at(1_000, () => o.admitValue('allow', 0.2, 10));
    at(6_000, () => expect(breaker.state).toBe('half_open'));
    at(6_500, () => expect(o.admitValue(breaker.admit(), 0.2, 10)).toBe('volatility'));
    at(11_500, () => expect(breaker.state).toBe('half_open'));
    expect(transitions()).toEqual([
      [1_000, 'open', 'volatility'],
      [6_000, 'half_open', null],
      [6_500, 'open', 'volatility'],
      [11_500, 'half_open', null],
    ]);
  });

  it('holds an intent that would pass the exposure limit and trips the breaker on exposure', () => {
    const { o, at, breaker, transitions, metrics } = org({ exposure_limit: 1_000 } as Partial<BuyerPlan>);
    at(100, () => expect(o.admitValue('allow', 0, 600)).toBeNull());
    at(200, () => expect(o.admitValue('allow', 0, 400)).toBeNull());
    expect(o.exposure!.exposureMinor).toBe(1_000);
    at(300, () => expect(o.admitValue('allow', 0, 1)).toBe('exposure_limit'));
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual([[300, 'open', 'exposure']]);
    expect(metrics.reasons.get('held:exposure_limit')).toBe(1);
    // Exposure over time: the peak of each 1 ms bucket.
    expect(metrics.exposurePeaks.get('globex|0')).toBe(1_000);
  });

  it('without trip_on_exposure the breaker stays closed and only the intent is held', () => {
    const { o, at, breaker } = org({ exposure_limit: 100 } as Partial<BuyerPlan>, { trip_on_exposure: false });
    at(100, () => expect(o.admitValue('allow', 0, 101)).toBe('exposure_limit'));
    expect(breaker.state).toBe('closed');
  });

  it('does not wait for a cooldown that ends after intents stop: the breaker stays open to the end', () => {
    const { kernel, breaker, at, transitions } = org({}, {}, 20_000);
    at(10_000, () => breaker.trip(10_000, 'volatility', 'test'));
    expect(kernel.pending).toBe(1); // cooldown to 15 000, before the end at 20 000
    at(15_000, () => undefined);
    expect(breaker.state).toBe('half_open');
    at(16_000, () => breaker.trip(16_000, 'volatility', 'test'));
    expect(kernel.pending).toBe(0); // 21 000 is past the end: nothing left to let through
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual([
      [10_000, 'open', 'volatility'],
      [15_000, 'half_open', null],
      [16_000, 'open', 'volatility'],
    ]);
  });

  it('ends a run when its negotiations have, not when a long cooldown would (5 minutes after a 30 s run)', () => {
    const parsed = parseScenarioText(LONG_COOLDOWN, 'long-cooldown.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { results } = runSimulation(parsed.plan, { seed: 3 });
    const globex = results.breakers.find((b) => b.organisation === 'globex')!;
    expect(globex.opens).toBeGreaterThan(0);
    expect(results.virtual_end_us).toBeLessThan(40_000_000);
    expect(globex.time_open_us).toBeLessThan(results.virtual_end_us);
  });
});

const LONG_COOLDOWN = `
name: long-cooldown
duration: 30s
currency: USD
security: { signing: off, audit: false }
market:
  tick: 1s
  categories:
    - { name: headphones, reference_price: 100.00, skus: [{ sku: WH-1, name: Headphones }] }
  regimes:
    - { name: calm, duration: 30s, volatility_per_minute: 0.001 }
network:
  latency: 100ms
stores:
  - { organisation: acme, agents: 2, categories: [headphones], margin: 0.20, floor_margin: 0.08, shipping: 0, tax_rate: 0, quote_validity: 5s, stock: { WH-1: 100000 }, strategy: { kind: linear, max_rounds: 6 }, capacity: { servers: 4, service_time: 1ms } }
buyers:
  - { organisation: globex, agents: 20, categories: [headphones], intent_rate: 120/m, quantity: { min: 1, max: 1 }, budget_margin: 0.08, budget_spread: 0.10, target_margin: -0.05, stores_per_intent: 2, quote_timeout: 1s, confirmation_timeout: 1s, strategy: { kind: linear, max_rounds: 6, deadline: 5s }, mandate: { max_per_purchase: 600.00 }, breaker: { window: 10s, failure_threshold: 0.3, min_volume: 5, cooldown: 5m, half_open_trials: 3 } }
`;
