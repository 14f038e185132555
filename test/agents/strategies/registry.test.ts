import { describe, expect, it } from 'vitest';
import { registerStrategyModule, Strategy, type StrategyPlan } from '../../../src/agents/strategies/registry.js';

const plan = (kind: string, extra: Partial<StrategyPlan> = {}): StrategyPlan => ({ kind, name: kind, options: {}, maxRounds: 5, ...extra });
const MODEL = { prior: 'uniform', hypotheses: 3 } as unknown as StrategyPlan['opponentModel'];

describe('Strategy', () => {
  it('keeps the offers made for negotiators that read them, and only counts them for those that do not', () => {
    // Faratin's tactics read nothing; NegMAS's time-based ones only how many offers each side made.
    for (const kind of ['boulware', 'linear', 'conceder', 'tb_boulware', 'tb_linear', 'tb_conceder']) expect(new Strategy(plan(kind)).keepsOffers).toBe(false);
    // An opponent model reads every offer, whatever the tactic.
    for (const kind of ['boulware', 'tb_conceder']) expect(new Strategy(plan(kind, { opponentModel: MODEL })).keepsOffers).toBe(true);
    for (const kind of ['tit_for_tat', 'micro']) expect(new Strategy(plan(kind)).keepsOffers).toBe(true);
    // A plug-in may read anything.
    registerStrategyModule('/plugins/any.mjs', () => ({ respond: () => 'accept', propose: () => 1 }));
    expect(new Strategy(plan('module', { module: '/plugins/any.mjs' })).keepsOffers).toBe(true);
  });
});
