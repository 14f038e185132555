import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, messageAt, planOf, problemPaths, problemsOf } from './fixtures.js';

function withStoreStrategy(strategy: Record<string, unknown>): unknown {
  const s = baseScenario() as Record<string, any>;
  s.stores[0].strategy = strategy;
  return s;
}

describe('a strategy in the scenario', () => {
  it('is a built-in with its options checked (defaults filled in), or a module with its options as given', () => {
    expect(planOf(validate(withStoreStrategy({ kind: 'tit_for_tat', options: { mode: 'averaged' }, max_rounds: 5 }))).stores[0]!.strategy).toEqual({
      kind: 'tit_for_tat',
      name: 'tit_for_tat',
      options: { mode: 'averaged', delta: 1, gamma: 2, noise: 0.05 },
      maxRounds: 5,
      deadlineUs: undefined,
    });
    expect(planOf(validate(withStoreStrategy({ module: './s/my.mjs', options: { any: [1, 'x'] }, max_rounds: 5 }))).stores[0]!.strategy).toEqual({
      kind: 'module',
      name: 'my.mjs',
      options: { any: [1, 'x'] },
      module: './s/my.mjs',
      maxRounds: 5,
      deadlineUs: undefined,
    });
    expect(planOf(validate(withStoreStrategy({ module: './my.ts', name: 'mine', max_rounds: 5 }))).stores[0]!.strategy.name).toBe('mine');
  });

  it.each([
    [{ kind: 'tit_for_tat', options: { mode: 'bogus' }, max_rounds: 5 }, 'stores[0].strategy.options.mode'],
    [{ kind: 'micro', options: { steps: 0 }, max_rounds: 5 }, 'stores[0].strategy.options.steps'],
    [{ kind: 'hardliner', options: { extra: 1 }, max_rounds: 5 }, 'stores[0].strategy.options'],
    [{ kind: 'linear', module: './x.mjs', max_rounds: 5 }, 'stores[0].strategy.module'],
    [{ max_rounds: 5 }, 'stores[0].strategy.kind'],
    [{ kind: 'tb_linear', e: 2, max_rounds: 5 }, 'stores[0].strategy.e'],
    [{ kind: 'linear', options: { e: 1 }, max_rounds: 5 }, 'stores[0].strategy.options'],
    [{ kind: 'sometimes', max_rounds: 5 }, 'stores[0].strategy.kind'],
  ])('refuses %j at its path', (strategy, path) => {
    expect(problemsOf(validate(withStoreStrategy(strategy))).map((p) => p.path)).toContain(path);
  });

  it('takes negotiation.first_mover: store (the default) or buyer', () => {
    expect(planOf(validate(baseScenario())).negotiation.first_mover).toBe('store');
    const s = baseScenario() as Record<string, any>;
    s.negotiation = { first_mover: 'buyer' };
    expect(planOf(validate(s)).negotiation.first_mover).toBe('buyer');
    s.negotiation = { first_mover: 'either' };
    expect(problemsOf(validate(s)).map((p) => p.path)).toContain('negotiation.first_mover');
  });

  it('reads regression thresholds, and refuses one it cannot read', () => {
    const s = baseScenario() as Record<string, any>;
    s.regression = ['negotiation.success_rate: -2%'];
    expect(planOf(validate(s)).regression).toEqual([{ expression: 'negotiation.success_rate: -2%', metric: 'negotiation.success_rate', worse: 'down', tolerance: 0.02 }]);
    s.regression = ['negotiation.success_rate >= 0.9'];
    expect(problemsOf(validate(s)).map((p) => p.path)).toContain('regression[0]');
  });
});

describe("Faratin's e and the opponent model", () => {
  it.each([
    ['boulware', 0.2],
    ['linear', 1],
    ['conceder', 3],
  ])('gives a %s strategy e = %s by default', (kind, e) => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind, max_rounds: 5 };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind, name: kind, e, options: {}, maxRounds: 5, deadlineUs: undefined });
  });

  it('keeps an explicit e that fits the kind', () => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind: 'conceder', e: 2.5, max_rounds: 5, deadline: '1s' };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind: 'conceder', name: 'conceder', e: 2.5, options: {}, maxRounds: 5, deadlineUs: 1_000_000 });
  });

  it('gives a buyer an opponent model with defaults, and none when it asks for none', () => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind: 'linear', max_rounds: 5, opponent_model: {} };
    expect(planOf(validate(s)).buyers[0]!.strategy.opponentModel).toEqual({ floorSteps: 64, exponentSteps: 16, walkAway: 0.95 });
    s.buyers[0].strategy = { kind: 'boulware', max_rounds: 5, opponent_model: { floor_steps: 4096, exponent_steps: 8, walk_away: 1 } };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind: 'boulware', name: 'boulware', e: 0.2, options: {}, maxRounds: 5, deadlineUs: undefined, opponentModel: { floorSteps: 4096, exponentSteps: 8, walkAway: 1 } });
    s.buyers[0].strategy = { kind: 'linear', max_rounds: 5 };
    expect('opponentModel' in planOf(validate(s)).buyers[0]!.strategy).toBe(false);
  });

  it.each([
    ['boulware', 1, 'below 1'],
    ['boulware', 3, 'below 1'],
    ['linear', 0.5, 'exactly 1'],
    ['conceder', 1, 'above 1'],
    ['conceder', 0.2, 'above 1'],
  ])('rejects a %s strategy with e = %s', (kind, e, want) => {
    const s = baseScenario();
    s.stores[0].strategy = { kind, e, max_rounds: 8 };
    expect(problemPaths(s)).toEqual(['stores[0].strategy.e']);
    expect(messageAt(s, 'stores[0].strategy.e')).toContain(want);
  });

  it('rejects an opponent model on a store, and bad model settings with their paths', () => {
    const s = baseScenario();
    s.stores[0].strategy.opponent_model = {};
    s.buyers[0].strategy.opponent_model = { floor_steps: 1, exponent_steps: 0, walk_away: 0, hypotheses: 9 };
    expect(problemPaths(s)).toEqual([
      'buyers[0].strategy.opponent_model.exponent_steps',
      'buyers[0].strategy.opponent_model.floor_steps',
      'buyers[0].strategy.opponent_model.hypotheses',
      'buyers[0].strategy.opponent_model.walk_away',
      'stores[0].strategy.opponent_model',
    ]);
    const t = baseScenario();
    t.buyers[0].strategy.opponent_model = { floor_steps: 65_536, exponent_steps: 32 };
    expect(messageAt(t, 'buyers[0].strategy.opponent_model.floor_steps')).toMatch(/at most 1,048,576 hypotheses/);
  });

  it('rejects a non-positive e and an unknown strategy kind', () => {
    const s = baseScenario();
    s.stores[0].strategy.e = -1;
    s.stores[1].strategy.kind = 'tit-for-tat';
    expect(problemPaths(s)).toEqual(['stores[0].strategy.e', 'stores[1].strategy.kind']);
  });
});
