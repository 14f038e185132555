import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStrategyModules, resolveStrategyModules, strategyModuleUses } from '../../src/run/strategy-modules.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation, runSimulationAsync } from '../../src/simulation.js';
import { planOf } from '../plans.js';

const fixtures = resolve('test/fixtures/strategies');
const quickstart = planOf('scenarios/quickstart.yaml');

/** quickstart with its buyers on `module` (with `options`), given as written in a file in `dir`. */
function withBuyerModule(module: string, options: Record<string, unknown> = {}, dir = fixtures): SimulationPlan {
  const plan = { ...quickstart, buyers: quickstart.buyers.map((b) => ({ ...b, strategy: { ...b.strategy, kind: 'module', name: module, module, options } })) };
  return resolveStrategyModules(plan, join(dir, 'scenario.yaml'));
}

describe('plug-in strategy modules', () => {
  it('resolves module paths against the scenario file, and lists where each is named', () => {
    const plan = withBuyerModule('./linear-sync.mjs');
    expect(plan.buyers[0]!.strategy.module).toBe(join(fixtures, 'linear-sync.mjs'));
    expect(strategyModuleUses(plan).map((u) => u.path)).toEqual(['buyers[0].strategy.module']);
    expect(strategyModuleUses(quickstart)).toEqual([]);
  });

  it('loads JavaScript and TypeScript modules and runs them', async () => {
    for (const module of ['./linear-sync.mjs', './typed-buyer.ts']) {
      const plan = withBuyerModule(module, module.endsWith('.ts') ? { share: 0.9 } : {});
      expect(await loadStrategyModules(plan)).toEqual([]);
      const r = runSimulation(plan).results;
      expect(r.negotiation.count).toBeGreaterThan(50);
      expect(r.negotiation.succeeded).toBeGreaterThan(0);
      expect(r.strategies!.by_strategy[0]).toMatchObject({ name: module, role: 'buyer', errors: 0 });
    }
  });

  it('names the strategy path and the module of one that is missing, does not parse, or is no factory', async () => {
    for (const [module, says] of [
      ['./missing.mjs', /no such file: .*missing\.mjs/],
      ['./syntax-error.mjs', /syntax-error\.mjs cannot be loaded/],
      ['./no-factory.mjs', /no-factory\.mjs does not export a negotiator factory/],
      ['./typed-helper.ts', /does not export a negotiator factory/],
      ['./README.txt', /no such file|a strategy module is/],
    ] as const) {
      const problems = await loadStrategyModules(withBuyerModule(module));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toBe('buyers[0].strategy.module');
      expect(problems[0]!.message).toMatch(says);
    }
  });

  it('refuses a run whose modules were not loaded, saying how to load them', () => {
    const plan = withBuyerModule('./throws-at-round-2.mjs');
    expect(() => runSimulation(plan)).toThrow(/not loaded/);
  });
});

describe('a strategy that breaks the contract', () => {
  it('ends its negotiations with strategy_error, counted and shown, and the run goes on', async () => {
    const plan = withBuyerModule('./throws-at-round-2.mjs');
    const r = (await runSimulationAsync(plan)).results;
    const errors = r.negotiation.outcomes.strategy_error!;
    expect(errors).toBeGreaterThan(0);
    expect(r.strategies!.errors.total).toBe(errors);
    expect(r.strategies!.by_strategy.find((s) => s.role === 'buyer')!.errors).toBe(errors);
    const first = r.strategies!.errors.first[0]!;
    expect(first.message).toMatch(/respond threw Error: lost its model/);
    expect(first.agent).toMatch(/^agent:globex-procurement-/);
    expect(first.conversation_id).toMatch(/^conv_globex-procurement-/);
    expect(r.strategies!.errors.first.map((e) => e.vt_us)).toEqual([...r.strategies!.errors.first.map((e) => e.vt_us)].sort((a, b) => a - b));
    // Other outcomes still happen: the run went on.
    expect(r.negotiation.count).toBeGreaterThan(errors);
  });

  it.each([
    ['string', /propose returned "100"/],
    ['nan', /propose returned NaN/],
    ['negative', /propose returned -5/],
    ['respond', /respond returned "maybe"/],
  ])('a %s answer is a strategy_error with what it returned', async (answer, says) => {
    const r = (await runSimulationAsync(withBuyerModule('./bad-answers.mjs', { answer }))).results;
    expect(r.negotiation.outcomes.strategy_error).toBeGreaterThan(0);
    expect(r.strategies!.errors.first[0]!.message).toMatch(says);
  });

  it('under strict, the first error ends the run', async () => {
    await expect(runSimulationAsync(withBuyerModule('./throws-at-round-2.mjs'), { strict: true })).rejects.toThrow(/StrictStrategyError|lost its model/);
  });

  it("a store's broken strategy ends the buyer's negotiation with strategy_error too", async () => {
    const plan = resolveStrategyModules(
      { ...quickstart, stores: quickstart.stores.map((s) => ({ ...s, strategy: { ...s.strategy, kind: 'module', name: 'bad', module: './bad-answers.mjs', options: { answer: 'nan' } } })) },
      join(fixtures, 'scenario.yaml'),
    );
    const r = (await runSimulationAsync(plan)).results;
    expect(r.negotiation.outcomes.strategy_error).toBeGreaterThan(0);
    // Every store asked answered internal_error, once per strategy error.
    expect(r.errors.by_code.internal_error).toBe(r.strategies!.errors.total);
    expect(r.strategies!.errors.total).toBeGreaterThanOrEqual(r.negotiation.outcomes.strategy_error!);
    expect(r.strategies!.errors.first.every((e) => e.role === 'store' && /propose returned NaN/.test(e.message))).toBe(true);
  });
});

describe("the engine's rules around a strategy", () => {
  it("a store's 'end' closes the negotiation: negotiation_closed to the buyer, whose outcome is no_agreement", async () => {
    const plan = resolveStrategyModules(
      { ...quickstart, stores: quickstart.stores.map((s) => ({ ...s, strategy: { ...s.strategy, kind: 'module', name: 'ends', module: './ends.mjs', options: {} } })) },
      join(fixtures, 'scenario.yaml'),
    );
    const r = (await runSimulationAsync(plan)).results;
    expect(r.negotiation.succeeded).toBe(0);
    expect(r.negotiation.outcomes.no_agreement).toBeGreaterThan(0);
    expect(r.errors.by_code.negotiation_closed).toBe(r.negotiation.outcomes.no_agreement);
  });

  it('built-in kinds run from the scenario with their options, and the NegMAS tactics are told apart from Faratin\'s', () => {
    const kinds = [
      { kind: 'tit_for_tat', options: { mode: 'averaged', gamma: 2, delta: 1, noise: 0 } },
      { kind: 'hardliner', options: {} },
      { kind: 'random', options: { p_acceptance: 0.5, p_ending: 0 } },
      { kind: 'micro', options: { steps: 10 } },
      { kind: 'aspiration', options: { e: 2, epsilon: 0.0001 } },
      { kind: 'tb_conceder', options: { epsilon: 0.0001 } },
    ];
    const rates = kinds.map(({ kind, options }) => {
      const plan = { ...quickstart, buyers: quickstart.buyers.map((b) => ({ ...b, strategy: { ...b.strategy, kind, name: kind, options } })) };
      return runSimulation(plan).results.negotiation.success_rate!;
    });
    // A hardliner buyer (never above its target) agrees least; a NegMAS conceder agrees readily.
    expect(rates[1]).toBeLessThan(0.2);
    expect(rates[5]).toBeGreaterThan(rates[1]!);
    for (const r of rates) expect(r).toBeGreaterThanOrEqual(0);
  });
});

describe('a strategy that answers with a Promise', () => {
  it('gives the results of its synchronous twin, virtual time standing still while it waits', async () => {
    const sync = runSimulation(withBuyerModule('./linear-sync.mjs')).results;
    const async = (await runSimulationAsync(withBuyerModule('./linear-async.mjs'))).results;
    expect(sync.negotiation.count).toBeGreaterThan(50);
    expect(JSON.stringify({ ...async, strategies: undefined })).toBe(JSON.stringify({ ...sync, strategies: undefined }));
  });

  it('cannot run in the synchronous API, which says which to use', async () => {
    const plan = withBuyerModule('./linear-async.mjs');
    await loadStrategyModules(plan);
    expect(() => runSimulation(plan)).toThrow(/runSimulationAsync/);
  });
});
