import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, loadScenarioData, makeTmp, readJson, root, runCli, writeText, writeYaml } from './helpers.js';

let dir: string;

/** quickstart, without its budgets, with the buyers' strategy replaced by `strategy`. */
function scenarioWith(name: string, strategy: Record<string, unknown>, where = dir): string {
  const data = loadScenarioData('scenarios/quickstart.yaml');
  data.budgets = [];
  data.buyers[0].strategy = { max_rounds: 10, deadline: '2s', ...strategy };
  return writeYaml(where, name, data);
}

const fixture = (name: string) => join(root, 'test', 'fixtures', 'strategies', name);

beforeAll(() => {
  dir = makeTmp('strategies');
  for (const f of ['linear-sync.mjs', 'linear-async.mjs', 'math-random.mjs', 'throws-at-round-2.mjs', 'syntax-error.mjs']) copyFileSync(fixture(f), join(dir, f));
});
afterAll(() => cleanup(dir));

describe('a strategy written from docs/strategies.md alone, in a folder of its own', () => {
  it('changes the outcome as it should: a buyer that never concedes agrees far less often than one that takes any quote within its budget', async () => {
    // Exactly the contract docs/strategies.md documents: a default export createNegotiator(options, info).
    writeText(dir, 'never-concede.mjs', `export default function createNegotiator(options, info) {
  return {
    respond(state, offer) { return offer <= state.aspiration ? 'accept' : 'reject'; },
    propose(state) { return state.aspiration; },
  };
}
`);
    writeText(dir, 'take-any.mjs', `export default function createNegotiator(options, info) {
  return {
    respond(state, offer) { return offer <= state.reservation ? 'accept' : 'reject'; },
    propose(state) { return state.reservation; },
  };
}
`);
    const rates: Record<string, number> = {};
    for (const module of ['never-concede.mjs', 'take-any.mjs']) {
      const file = scenarioWith(`${module}.yaml`, { module: `./${module}` });
      const out = join(dir, `out-${module}`);
      const r = await runCli(['run', file, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(module);
      rates[module] = readJson(join(out, 'report.json')).results.negotiation.success_rate;
    }
    expect(rates['take-any.mjs']).toBeGreaterThan(0.8);
    expect(rates['never-concede.mjs']).toBeLessThan(0.1);
  });

  it.each([
    ['docs/strategies.md', /```yaml\n {4}strategy: (\{ module: \.\/strategies\/halfway\.mjs.*\})\n```/],
    ['README.md', /`strategy: (\{ module: \.\/strategies\/halfway\.mjs[^`]*\})`/],
  ])('runs the first strategy of %s as printed, with its options', async (path, usePattern) => {
    const doc = readFileSync(join(root, path), 'utf8');
    const module = doc.match(/```js\n\/\/ strategies\/halfway\.mjs\n([\s\S]*?)```/)?.[1];
    const use = doc.match(usePattern)?.[1];
    expect(module).toBeDefined();
    expect(use).toBeDefined();
    mkdirSync(join(dir, 'strategies'), { recursive: true });
    writeText(join(dir, 'strategies'), 'halfway.mjs', module!);
    const data = loadScenarioData('scenarios/quickstart.yaml');
    data.budgets = [];
    data.buyers[0].strategy = parse(use!);
    const file = writeYaml(dir, 'halfway.yaml', data);
    const out = join(dir, 'out-halfway');
    const r = await runCli(['run', file, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('halfway.mjs');
    const results = readJson(join(out, 'report.json')).results;
    const halfway = results.strategies.by_strategy.find((x: { name: string }) => x.name === 'halfway.mjs');
    expect(halfway).toMatchObject({ role: 'buyer', errors: 0 });
    expect(results.negotiation.success_rate).toBeGreaterThan(0.8);
  });
});

describe('scenarios/custom-strategy.yaml', () => {
  it('gives byte-identical results inline and on 1 and 2 worker threads, with its plug-ins in the strategies table', async () => {
    const results: string[] = [];
    for (const workers of ['0', '1', '2']) {
      const out = join(dir, `custom-${workers}`);
      // held to the threads (no race), so that the plug-ins really run in them
      const r = await runCli(['run', 'scenarios/custom-strategy.yaml', '--workers', workers, '--no-fallback', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      const report = readJson(join(out, 'report.json'));
      results.push(JSON.stringify(report.results));
      const names = report.results.strategies.by_strategy.map((s: { name: string }) => s.name);
      expect(names).toEqual(['tit-for-tat-buyer', 'boulware', 'split-the-difference-store.mjs', 'linear']);
      expect(report.results.strategies.by_strategy.every((s: { negotiations: number; errors: number }) => s.negotiations > 0 && s.errors === 0)).toBe(true);
    }
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  }, 180_000);
});

describe('modules and strategies that fail', () => {
  it('refuses a module that does not load, before the run: exit 2 naming the scenario path and the module', async () => {
    for (const module of ['./syntax-error.mjs', './nowhere.mjs']) {
      const file = scenarioWith(`broken-${module.slice(2)}.yaml`, { module });
      const out = join(dir, 'never-written');
      for (const command of [['run', file, '--out', out], ['validate', file]]) {
        const r = await runCli(command);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('buyers[0].strategy.module');
        expect(r.stderr).toContain(module.slice(2));
      }
    }
  });

  it('counts a throwing strategy as strategy_error and ends normally; --strict ends the run with exit 4', async () => {
    const file = scenarioWith('throws.yaml', { module: './throws-at-round-2.mjs' });
    const out = join(dir, 'throws');
    const r = await runCli(['run', file, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const results = readJson(join(out, 'report.json')).results;
    expect(results.negotiation.outcomes.strategy_error).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/strategy errors: \d+ negotiations? ended with strategy_error/);
    expect(r.stdout).toContain('respond threw Error: lost its model');
    const strict = await runCli(['run', file, '--out', join(dir, 'throws-strict'), '--strict']);
    expect(strict.status).toBe(4);
    expect(strict.stderr).toMatch(/strategy error \(--strict\): strategy throws-at-round-2\.mjs of agent:globex-procurement-\d+ in conv_\S+: respond threw Error: lost its model/);
    expect(strict.stderr).toContain('virtual time');
  });
});

describe('run --check-determinism', () => {
  it('finds a strategy that reads Math.random, and names the first difference', async () => {
    const r = await runCli(['run', scenarioWith('random.yaml', { module: './math-random.mjs' }), '--out', join(dir, 'random'), '--check-determinism']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/determinism check failed: .* gave different results inline and on 2 worker threads\n {2}first difference: results\.\S+: /);
  });

  it('passes a strategy that keeps to its inputs, with a Promise or without', async () => {
    for (const module of ['./linear-sync.mjs', './linear-async.mjs']) {
      const r = await runCli(['run', scenarioWith(`det-${module.slice(2)}.yaml`, { module }), '--out', join(dir, `det-${module.slice(2)}`), '--check-determinism']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('determinism: the results inline and on 2 worker threads are identical');
    }
  }, 180_000);

  it('an answer that waits on a real timer gives its synchronous twin results, on worker threads too', async () => {
    const sync = await runCli(['run', scenarioWith('sync.yaml', { module: './linear-sync.mjs' }), '--out', join(dir, 'sync'), '--workers', '0']);
    const async = await runCli(['run', scenarioWith('async.yaml', { module: './linear-async.mjs' }), '--out', join(dir, 'async'), '--workers', '2', '--no-fallback']);
    expect(sync.status, sync.stderr).toBe(0);
    expect(async.status, async.stderr).toBe(0);
    const strip = (file: string) => {
      const r = readJson(file).results;
      delete r.strategies;
      return JSON.stringify(r);
    };
    expect(strip(join(dir, 'async', 'report.json'))).toBe(strip(join(dir, 'sync', 'report.json')));
  }, 180_000);
});
