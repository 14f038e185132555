import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

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
