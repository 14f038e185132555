import { describe, expect, it } from 'vitest';
import { NetworkModel } from '../../src/broker/network.js';
import { planWithNetwork } from './fixtures.js';

describe('NetworkModel', () => {
  const plan = planWithNetwork({
    latency: { distribution: 'lognormal', median: '2ms', p99: '12ms', min: '500us' },
    loss_probability: 0.01,
    links: [
      { from: 'globex', to: 'acme', latency: { distribution: 'uniform', min: '300us', max: '1ms' } },
      { from: 'acme', to: 'globex', corrupt_probability: 0.5 },
    ],
  });

  it('uses the defaults for a link without an override', () => {
    const n = new NetworkModel(plan, 1);
    expect(n.modelFor('globex', 'initech')).toEqual({ latency: { kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 }, lossProbability: 0.01, corruptProbability: 0 });
  });

  it('fills unset fields of an override from the defaults', () => {
    const n = new NetworkModel(plan, 1);
    expect(n.modelFor('globex', 'acme')).toEqual({ latency: { kind: 'uniform', minUs: 300, maxUs: 1_000 }, lossProbability: 0.01, corruptProbability: 0 });
    expect(n.modelFor('acme', 'globex')).toMatchObject({ lossProbability: 0.01, corruptProbability: 0.5, latency: { kind: 'lognormal' } });
  });

  it('reports the smallest possible one-way latency over defaults and overrides', () => {
    expect(new NetworkModel(plan, 1).minimumLatencyUs()).toBe(300);
    expect(new NetworkModel(planWithNetwork({ latency: '2ms' }), 1).minimumLatencyUs()).toBe(2_000);
  });

  it('keeps one link per pair, and a separate one per direction, each with its own stream and model', () => {
    const n = new NetworkModel(plan, 1);
    const first = n.link(1, 'agent:a', 'globex', 2, 'agent:b', 'acme').rng.next();
    expect(n.link(1, 'agent:a', 'globex', 2, 'agent:b', 'acme').model.latency.kind).toBe('uniform');
    expect(n.linkCount).toBe(1);
    const ba = n.link(2, 'agent:b', 'acme', 1, 'agent:a', 'globex');
    expect(ba.model.corruptProbability).toBe(0.5);
    expect(n.linkCount).toBe(2);
    // The stream of a→b goes on where it stopped; it did not restart.
    const again = n.link(1, 'agent:a', 'globex', 2, 'agent:b', 'acme').rng.next();
    const fresh = new NetworkModel(plan, 1).link(1, 'agent:a', 'globex', 2, 'agent:b', 'acme').rng;
    expect([first, again]).toEqual([fresh.next(), fresh.next()]);
  });

  it('seeds each link stream from the seed and the link name only', () => {
    const draws = (seed: number, firstOther: boolean) => {
      const n = new NetworkModel(plan, seed);
      if (firstOther) n.link(1, 'agent:a', 'globex', 3, 'agent:c', 'initech').rng.next();
      const rng = n.link(1, 'agent:a', 'globex', 2, 'agent:b', 'acme').rng;
      return [rng.next(), rng.next(), rng.next()];
    };
    expect(draws(1, true)).toEqual(draws(1, false));
    expect(draws(1, false)).not.toEqual(draws(2, false));
  });
});
