import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerConfig, type BreakerTransition } from '../../src/risk/breaker.js';

/** A breaker plus everything it asked its owner for. */
function harness(overrides: Partial<BreakerConfig> = {}) {
  const config: BreakerConfig = {
    windowUs: 10_000,
    buckets: 10,
    failureThreshold: 0.5,
    minVolume: 4,
    cooldownUs: 5_000,
    halfOpenTrials: 2,
    ...overrides,
  };
  const cooldowns: { atUs: number; token: number }[] = [];
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(
    config,
    (atUs, token) => cooldowns.push({ atUs, token }),
    (t) => transitions.push(t),
  );
  return { breaker, cooldowns, transitions };
}

/** Opens a default harness breaker at 400 µs with four failures. */
function openedAt400(overrides: Partial<BreakerConfig> = {}) {
  const h = harness(overrides);
  for (const t of [100, 200, 300, 400]) h.breaker.record(t, false, 0);
  expect(h.breaker.state).toBe('open');
  return h;
}

describe('CircuitBreaker: closed', () => {
  it('starts closed and admits normal work', () => {
    const { breaker, transitions } = harness();
    expect(breaker.state).toBe('closed');
    expect(breaker.admit()).toBe('allow');
    expect(transitions).toEqual([]);
  });

  it('stays closed below min_volume even when every outcome failed', () => {
    const { breaker, transitions, cooldowns } = harness({ minVolume: 5 });
    for (const t of [100, 200, 300, 400]) breaker.record(t, false, 0);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([]);
    expect(cooldowns).toEqual([]);
    breaker.record(500, false, 0);
    expect(breaker.state).toBe('open');
    expect(transitions[0]?.timeUs).toBe(500);
  });

  it('opens on the first record at which the failure rate reaches the threshold', () => {
    const { breaker, transitions } = harness();
    breaker.record(100, true, 0);
    breaker.record(200, false, 0);
    breaker.record(300, false, 0); // 2/3 failed, but volume 3 < 4
    expect(breaker.state).toBe('closed');
    breaker.record(400, true, 0); // 2/4 = 0.5 reaches the threshold
    expect(breaker.state).toBe('open');
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ timeUs: 400, from: 'closed', to: 'open' });
    expect(transitions[0]!.reason).toContain('0.500');
    expect(transitions[0]!.reason).toContain('4 negotiations');
  });

  it('stays closed while the failure rate is just below the threshold', () => {
    const { breaker } = harness({ failureThreshold: 0.6 });
    breaker.record(100, true, 0);
    breaker.record(200, true, 0);
    breaker.record(300, false, 0);
    breaker.record(400, false, 0);
    breaker.record(500, false, 0); // 3/5 = 0.6 → opens
    expect(breaker.state).toBe('open');

    const other = harness({ failureThreshold: 0.6 }).breaker;
    for (const [t, ok] of [[100, true], [200, true], [300, false], [400, false], [500, true], [600, false]] as const) other.record(t, ok, 0);
    expect(other.state).toBe('closed'); // 3/6 = 0.5 < 0.6
  });

  it('ignores the trial flag while closed (every outcome counts)', () => {
    const { breaker } = harness();
    for (const t of [100, 200, 300, 400]) breaker.record(t, false, breaker.period);
    expect(breaker.state).toBe('open');
  });

  it('ages old buckets out of the rolling window', () => {
    // 10 buckets of 1 000 µs: outcomes in bucket epoch 0 count up to epoch 9, not at epoch 10.
    const stillIn = harness();
    for (const t of [0, 100, 200]) stillIn.breaker.record(t, false, 0);
    stillIn.breaker.record(9_999, false, 0);
    expect(stillIn.breaker.state).toBe('open');
    expect(stillIn.transitions[0]!.timeUs).toBe(9_999);

    const agedOut = harness();
    for (const t of [0, 100, 200]) agedOut.breaker.record(t, false, 0);
    agedOut.breaker.record(10_000, false, 0);
    expect(agedOut.breaker.state).toBe('closed');
    for (const t of [10_100, 10_200]) agedOut.breaker.record(t, false, 0);
    expect(agedOut.breaker.state).toBe('closed'); // 3 failures in the window
    agedOut.breaker.record(10_300, false, 0);
    expect(agedOut.breaker.state).toBe('open');
    expect(agedOut.transitions[0]!.timeUs).toBe(10_300);
  });

  it('reuses a bucket slot for a later epoch without keeping its old counts', () => {
    const { breaker } = harness();
    // Successes at epoch 3 would dilute failures if they were not cleared at epoch 13.
    for (let i = 0; i < 20; i++) breaker.record(3_000 + i, true, 0);
    for (const t of [13_000, 13_100, 13_200, 13_300]) breaker.record(t, false, 0);
    expect(breaker.state).toBe('open');
  });

  it('asks the owner to schedule the cooldown at open time + cooldown', () => {
    const { cooldowns } = openedAt400();
    expect(cooldowns).toEqual([{ atUs: 5_400, token: 1 }]);
  });
});

describe('CircuitBreaker: open', () => {
  it('rejects new work while open', () => {
    const { breaker } = openedAt400();
    expect(breaker.admit()).toBe('reject');
    expect(breaker.admit()).toBe('reject');
  });

  it('ignores outcomes recorded while open', () => {
    const { breaker, transitions, cooldowns } = openedAt400();
    for (let t = 500; t < 1_000; t += 10) breaker.record(t, false, 0);
    breaker.record(1_000, true, breaker.period);
    expect(breaker.state).toBe('open');
    expect(transitions).toHaveLength(1);
    expect(cooldowns).toHaveLength(1);
  });

  it('moves to half-open when the current cooldown token fires', () => {
    const { breaker, transitions, cooldowns } = openedAt400();
    const { atUs, token } = cooldowns[0]!;
    breaker.cooldownElapsed(atUs, token);
    expect(breaker.state).toBe('half_open');
    expect(transitions[1]).toEqual({ timeUs: 5_400, from: 'open', to: 'half_open', reason: 'cooldown elapsed' });
  });

  it('ignores a stale cooldown token', () => {
    const { breaker, transitions } = openedAt400();
    breaker.cooldownElapsed(5_400, 0);
    breaker.cooldownElapsed(5_400, 2);
    expect(breaker.state).toBe('open');
    expect(transitions).toHaveLength(1);
  });

  it('ignores the timer from an earlier opening after re-opening', () => {
    const { breaker, cooldowns, transitions } = openedAt400({ halfOpenTrials: 1 });
    breaker.cooldownElapsed(5_400, 1);
    expect(breaker.admit()).toBe('trial');
    breaker.record(5_600, false, breaker.period); // failed trial → open again, token 2
    expect(breaker.state).toBe('open');
    breaker.cooldownElapsed(10_000, 1); // the first opening's token, fired again
    expect(breaker.state).toBe('open');
    breaker.cooldownElapsed(cooldowns[1]!.atUs, cooldowns[1]!.token);
    expect(breaker.state).toBe('half_open');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'open', 'half_open']);
  });

  it('ignores a cooldown that fires while not open', () => {
    const { breaker, transitions } = harness();
    breaker.cooldownElapsed(100, 0);
    breaker.cooldownElapsed(100, 1);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([]);
  });
});

describe('CircuitBreaker: half-open', () => {
  function halfOpenAt5400(trials = 2) {
    const h = openedAt400({ halfOpenTrials: trials });
    h.breaker.cooldownElapsed(5_400, 1);
    expect(h.breaker.state).toBe('half_open');
    return h;
  }

  it('admits exactly half_open_trials trials, then rejects', () => {
    const { breaker } = halfOpenAt5400(3);
    expect([breaker.admit(), breaker.admit(), breaker.admit(), breaker.admit(), breaker.admit()]).toEqual(['trial', 'trial', 'trial', 'reject', 'reject']);
  });

  it('closes once every trial succeeded', () => {
    const { breaker, transitions } = halfOpenAt5400(2);
    breaker.admit();
    breaker.admit();
    breaker.record(5_500, true, breaker.period);
    expect(breaker.state).toBe('half_open');
    breaker.record(5_700, true, breaker.period);
    expect(breaker.state).toBe('closed');
    expect(transitions[2]).toMatchObject({ timeUs: 5_700, from: 'half_open', to: 'closed' });
    expect(breaker.admit()).toBe('allow');
  });

  it('counts a trial only in the half-open period that admitted it', () => {
    // A cooldown shorter than a negotiation: a trial of the first period is still running
    // when the second begins.
    const { breaker, transitions } = halfOpenAt5400(2);
    expect(breaker.admit()).toBe('trial');
    const first = breaker.period;
    expect(breaker.admit()).toBe('trial');
    breaker.record(5_500, false, first); // the other trial fails: open again, cooldown to 10 500
    breaker.cooldownElapsed(10_500, 2);
    expect(breaker.state).toBe('half_open');
    const second = breaker.period;
    expect(second).toBe(first + 1);
    // The second period admits its own two trials, whatever the first left running.
    expect([breaker.admit(), breaker.admit(), breaker.admit()]).toEqual(['trial', 'trial', 'reject']);
    // The first period's straggler ends, failed or not: it decides nothing now.
    breaker.record(10_600, true, first);
    breaker.record(10_700, false, first);
    breaker.cancelTrial(first);
    expect(breaker.admit()).toBe('reject');
    expect(breaker.state).toBe('half_open');
    breaker.record(10_800, true, second);
    expect(breaker.state).toBe('half_open');
    breaker.record(10_900, true, second);
    expect(breaker.state).toBe('closed');
    expect(transitions.at(-1)).toMatchObject({ timeUs: 10_900, from: 'half_open', to: 'closed', reason: '2 half-open trials succeeded' });
  });

  it('re-opens on a failed trial and asks for a new cooldown from that moment', () => {
    const { breaker, transitions, cooldowns } = halfOpenAt5400(2);
    breaker.admit();
    breaker.admit();
    breaker.record(5_500, true, breaker.period);
    breaker.record(6_000, false, breaker.period);
    expect(breaker.state).toBe('open');
    expect(transitions[2]).toMatchObject({ timeUs: 6_000, from: 'half_open', to: 'open', reason: 'a half-open trial failed' });
    expect(cooldowns).toEqual([
      { atUs: 5_400, token: 1 },
      { atUs: 11_000, token: 2 },
    ]);
    expect(breaker.admit()).toBe('reject');
  });

  it('ignores non-trial outcomes while half-open', () => {
    const { breaker, transitions } = halfOpenAt5400(1);
    breaker.record(5_500, false, 0);
    breaker.record(5_600, true, 0);
    expect(breaker.state).toBe('half_open');
    expect(transitions).toHaveLength(2);
    breaker.admit();
    breaker.record(5_700, true, breaker.period);
    expect(breaker.state).toBe('closed');
  });

  it('starts a fresh window after closing (late close: the old buckets have aged out anyway)', () => {
    const h = openedAt400({ halfOpenTrials: 1, cooldownUs: 20_000 });
    h.breaker.cooldownElapsed(20_400, 1);
    h.breaker.admit();
    h.breaker.record(20_500, true, h.breaker.period);
    expect(h.breaker.state).toBe('closed');
    h.breaker.record(20_600, true, 0);
    h.breaker.record(20_700, false, 0);
    expect(h.breaker.state).toBe('closed');
  });

  it('starts a fresh window after closing early in a run', () => {
    const { breaker, transitions } = openedAt400({ cooldownUs: 1_000, halfOpenTrials: 1 });
    breaker.cooldownElapsed(1_400, 1);
    expect(breaker.admit()).toBe('trial');
    breaker.record(1_500, true, breaker.period);
    expect(breaker.state).toBe('closed');
    // The four failures from before the opening must not count again.
    breaker.record(1_600, true, 0);
    breaker.record(1_700, false, 0);
    breaker.record(1_800, false, 0);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('grants a fresh set of trials on every half-open period', () => {
    const { breaker, cooldowns } = halfOpenAt5400(2);
    expect(breaker.admit()).toBe('trial');
    breaker.record(5_500, false, breaker.period);
    breaker.cooldownElapsed(cooldowns[1]!.atUs, cooldowns[1]!.token);
    expect(breaker.state).toBe('half_open');
    expect([breaker.admit(), breaker.admit(), breaker.admit()]).toEqual(['trial', 'trial', 'reject']);
  });
});

describe('CircuitBreaker: timeInState', () => {
  it('counts everything as closed when nothing happened', () => {
    expect(harness().breaker.timeInState(12_345)).toEqual({ closed: 12_345, open: 0, half_open: 0 });
  });

  it('sums the time spent in each state across transitions', () => {
    const { breaker } = openedAt400({ halfOpenTrials: 1 }); // closed 0 → 400
    breaker.cooldownElapsed(5_400, 1); // open 400 → 5 400
    breaker.admit();
    breaker.record(6_000, false, breaker.period); // half-open 5 400 → 6 000
    breaker.cooldownElapsed(11_000, 2); // open 6 000 → 11 000
    breaker.admit();
    breaker.record(11_250, true, breaker.period); // half-open 11 000 → 11 250, then closed
    expect(breaker.timeInState(20_000)).toEqual({ closed: 400 + 8_750, open: 5_000 + 5_000, half_open: 600 + 250 });
  });

  it('includes the time in the current state up to now without changing it', () => {
    const { breaker } = openedAt400();
    expect(breaker.timeInState(1_400)).toEqual({ closed: 400, open: 1_000, half_open: 0 });
    expect(breaker.timeInState(2_400)).toEqual({ closed: 400, open: 2_000, half_open: 0 });
  });

  it('always adds up to the elapsed time', () => {
    const { breaker } = openedAt400();
    breaker.cooldownElapsed(5_400, 1);
    const t = breaker.timeInState(7_777);
    expect(t.closed + t.open + t.half_open).toBe(7_777);
  });
});
