import { describe, expect, it } from 'vitest';
import { micro } from '../../../src/agents/strategies/micro.js';
import { lowestAtOrAbove, relativeTime, timeBased, utility } from '../../../src/agents/strategies/negmas-time.js';
import { hardliner, randomNegotiator } from '../../../src/agents/strategies/simple.js';
import { imitate, titForTat } from '../../../src/agents/strategies/tit-for-tat.js';
import { historyOf, stateOf } from './state.js';

describe('tit-for-tat (Faratin, Sierra and Jennings)', () => {
  const relative = { mode: 'relative' as const, delta: 1, gamma: 2, noise: 0 };

  it('relative: concedes in the proportion the other side last conceded', () => {
    // The store went from 1000 to 900 (a 1.111 ratio): the buyer raises its 500 by as much.
    const s = stateOf({ history: historyOf(['store', 1000], ['buyer', 500], ['store', 900]) });
    expect(imitate(s, relative)).toBe(Math.round((1000 / 900) * 500));
    // A store imitates a buyer that went from 500 to 600: it lowers its 1000 in proportion.
    const store = stateOf({ role: 'store', history: historyOf(['store', 1000], ['buyer', 500], ['buyer', 600]) });
    expect(imitate(store, relative)).toBe(Math.round((500 / 600) * 1000));
  });

  it('relative: a side that did not move is not followed; with nothing to imitate it repeats itself', () => {
    expect(imitate(stateOf({ history: historyOf(['store', 1000], ['buyer', 520], ['store', 1000]) }), relative)).toBe(520);
    expect(imitate(stateOf({ history: historyOf(['store', 1000]) }), relative)).toBe(500);
  });

  it('relative with delta 2 imitates the move before the last', () => {
    const s = stateOf({ history: historyOf(['store', 1000], ['buyer', 500], ['store', 800], ['buyer', 600], ['store', 790]) });
    expect(imitate(s, { ...relative, delta: 2 })).toBe(Math.round((1000 / 800) * 600));
  });

  it('random absolute: concedes the same amount, plus up to noise × range in the direction of conceding', () => {
    const s = stateOf({ draws: [0.5], history: historyOf(['store', 1000], ['buyer', 500], ['store', 900]) });
    // 500 + 100 conceded by the store + 0.5 × 0.1 × 500 of noise
    expect(imitate(s, { mode: 'random_absolute', delta: 1, gamma: 2, noise: 0.1 })).toBe(625);
    const store = stateOf({ role: 'store', draws: [0], history: historyOf(['store', 1000], ['buyer', 500], ['buyer', 560]) });
    expect(imitate(store, { mode: 'random_absolute', delta: 1, gamma: 2, noise: 0.1 })).toBe(940);
  });

  it('averaged: the proportion over the last gamma offers of the other side', () => {
    const s = stateOf({ history: historyOf(['store', 1000], ['buyer', 500], ['store', 950], ['buyer', 520], ['store', 800]) });
    expect(imitate(s, { mode: 'averaged', delta: 1, gamma: 2, noise: 0 })).toBe(Math.round((1000 / 800) * 520));
    // Fewer than gamma + 1 offers of the other side: nothing to average yet.
    expect(imitate(stateOf({ history: historyOf(['store', 1000], ['buyer', 500], ['store', 950]) }), { mode: 'averaged', delta: 1, gamma: 2, noise: 0 })).toBe(500);
  });

  it('never offers past its reservation, and accepts what is at least as good as its next offer', () => {
    const s = stateOf({ history: historyOf(['store', 1000], ['buyer', 900], ['store', 500]) });
    expect(imitate(s, relative)).toBe(1000);
    const n = titForTat(relative);
    const t = stateOf({ history: historyOf(['store', 1000], ['buyer', 500], ['store', 900]) });
    expect(n.respond(t, 556)).toBe('accept');
    expect(n.respond(t, 557)).toBe('reject');
  });
});

describe("time-based tactics with NegMAS's semantics", () => {
  it('counts relative time by own offers over max_rounds + 2', () => {
    expect(relativeTime(stateOf({ maxRounds: 1 }))).toBeCloseTo(1 / 3);
    expect(relativeTime(stateOf({ maxRounds: 1, history: historyOf(['buyer', 0], ['store', 100]) }))).toBeCloseTo(2 / 3);
    // or by the deadline, when that is later
    expect(relativeTime(stateOf({ maxRounds: 100, elapsedUs: 500, deadlineUs: 1000 }))).toBe(0.5);
  });

  it('offers the total of least utility still above its threshold, and holds firm longer with a larger e', () => {
    const s = stateOf({ aspiration: 0, reservation: 80, maxRounds: 3, history: historyOf(['buyer', 0], ['store', 100]) });
    const boulware = timeBased({ e: 4, epsilon: 0 }).propose(s) as number;
    const conceder = timeBased({ e: 0.25, epsilon: 0 }).propose(s) as number;
    expect(boulware).toBeLessThan(conceder);
    const t = 2 / 5;
    expect(boulware).toBe(Math.floor(80 * t ** 4));
    expect(utility(s, boulware)).toBeGreaterThanOrEqual(1 - t ** 4);
    expect(utility(s, boulware + 1)).toBeLessThan(1 - t ** 4);
  });

  it('accepts at the threshold and nothing past its last step', () => {
    const s = stateOf({ aspiration: 0, reservation: 80, maxRounds: 3, history: historyOf(['buyer', 0], ['store', 100]) });
    const n = timeBased({ e: 1, epsilon: 0 });
    const level = n.propose(s) as number;
    expect(n.respond(s, level)).toBe('accept');
    expect(n.respond(s, level + 1)).toBe('reject');
    const done = stateOf({ aspiration: 0, reservation: 80, maxRounds: 1, history: historyOf(['buyer', 0], ['store', 100], ['buyer', 40], ['store', 60]) });
    expect(n.respond(done, 0)).toBe('reject');
  });

  it('finds the boundary total for a store too (the least total above its threshold)', () => {
    const s = stateOf({ role: 'store', aspiration: 100, reservation: 20 });
    expect(lowestAtOrAbove(s, 0.5)).toBe(60);
    expect(lowestAtOrAbove(s, 0.501)).toBe(61);
    expect(lowestAtOrAbove(s, 1)).toBe(100);
    expect(lowestAtOrAbove(s, 0)).toBe(20);
  });
});

describe('hardliner', () => {
  it('offers its aspiration and accepts nothing worse', () => {
    const s = stateOf({ round: 9 });
    expect(hardliner.propose(s)).toBe(500);
    expect(hardliner.respond(s, 500)).toBe('accept');
    expect(hardliner.respond(s, 501)).toBe('reject');
    const store = stateOf({ role: 'store' });
    expect(hardliner.propose(store)).toBe(1000);
    expect(hardliner.respond(store, 999)).toBe('reject');
  });
});

describe('random negotiator', () => {
  it('offers uniformly within its range from its own stream', () => {
    expect(randomNegotiator({ p_acceptance: 0.15, p_ending: 0.1 }).propose(stateOf({ draws: [0.25] }))).toBe(625);
    expect(randomNegotiator({ p_acceptance: 0.15, p_ending: 0.1 }).propose(stateOf({ role: 'store', draws: [0.25] }))).toBe(875);
  });

  it('ends with p_ending, accepts an acceptable offer with p_acceptance, never one past its reservation', () => {
    const n = randomNegotiator({ p_acceptance: 0.5, p_ending: 0.1 });
    expect(n.respond(stateOf({ draws: [0.05] }), 600)).toBe('end');
    expect(n.respond(stateOf({ draws: [0.2, 0.4] }), 600)).toBe('accept');
    expect(n.respond(stateOf({ draws: [0.2, 0.6] }), 600)).toBe('reject');
    expect(n.respond(stateOf({ draws: [0.2, 0] }), 1001)).toBe('reject');
  });
});

describe('MiCRO', () => {
  const m = micro({ steps: 10 });

  it('concedes a step only when the other side has made as many different offers as it has', () => {
    // One own offer (500), one from the store: a new step, 10% of the way to the reservation.
    expect(m.propose(stateOf({ history: historyOf(['buyer', 500], ['store', 1000]) }))).toBe(550);
    // Two own offers, the store repeated itself (one distinct offer): repeat an earlier offer.
    const held = stateOf({ draws: [0.99], history: historyOf(['buyer', 500], ['store', 1000], ['buyer', 550], ['store', 1000]) });
    expect([500, 550]).toContain(m.propose(held));
    expect(m.propose(held)).toBe(550);
  });

  it('accepts an offer at least as good as its next new offer', () => {
    const s = stateOf({ history: historyOf(['buyer', 500], ['store', 1000]) });
    expect(m.respond(s, 550)).toBe('accept');
    expect(m.respond(s, 551)).toBe('reject');
  });
});
