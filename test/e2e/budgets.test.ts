/** A breached budget: exit 1, each breach named (on stderr by run, with its seed by swarm), report.json still written with passed: false. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, escapeRegExp, loadScenarioData, makeTmp, quickstartFile, readJson, runCli, writeYaml, type CliResult } from './helpers.js';

const IMPOSSIBLE = ['settlement_latency.p99 < 1us', 'negotiation.count > 1000000'];
const POSSIBLE = 'negotiation.count >= 1';

let tmp: string;
let run: CliResult;
let swarm: CliResult;
let report: any;

beforeAll(async () => {
  tmp = makeTmp('budgets');
  const scenario = loadScenarioData(quickstartFile);
  scenario.budgets = [IMPOSSIBLE[0], POSSIBLE, IMPOSSIBLE[1]];
  const file = writeYaml(tmp, 'impossible-budget.yaml', scenario);
  [run, swarm] = await Promise.all([runCli(['run', file, '--out', join(tmp, 'out')]), runCli(['swarm', file, '--seeds', '2', '--workers', '0'])]);
  report = readJson(join(tmp, 'out', 'report.json'));
});

afterAll(() => cleanup(tmp));

describe('run with a budget that cannot be met', () => {
  it('exits 1', () => {
    expect(run.status).toBe(1);
  });

  it('names every breached budget on stderr, and no budget that passed', () => {
    const breachLines = run.stderr.split('\n').filter((l) => /budget breached/.test(l));
    expect(breachLines).toHaveLength(IMPOSSIBLE.length);
    for (const expression of IMPOSSIBLE) {
      expect(run.stderr).toMatch(new RegExp(`budget breached: ${escapeRegExp(expression)}`));
    }
    expect(run.stderr).not.toContain(POSSIBLE);
  });

  it('still prints the summary and writes report.json with the budget marked passed: false', () => {
    expect(run.stdout).toMatch(/negotiations/);
    expect(report.passed).toBe(false);
    const byExpression = new Map<string, any>(report.budgets.map((b: any) => [b.expression, b]));
    expect([...byExpression.keys()].sort()).toEqual([...IMPOSSIBLE, POSSIBLE].sort());
    for (const expression of IMPOSSIBLE) expect(byExpression.get(expression).passed).toBe(false);
    expect(byExpression.get(POSSIBLE).passed).toBe(true);
    expect(byExpression.get('settlement_latency.p99 < 1us').value).toBe(report.results.settlement.latency.p99_us);
    expect(byExpression.get(POSSIBLE).value).toBe(report.results.negotiation.count);
  });
});

describe('swarm with a budget that cannot be met', () => {
  it('exits 1 and lists every seed with the budgets it breached and its replay command', () => {
    expect(swarm.stderr).toBe('');
    expect(swarm.status).toBe(1);
    for (const seed of [1, 2]) {
      expect(swarm.stdout).toContain(`seed ${seed}: budget breached: ${IMPOSSIBLE.join('; ')}\n  replay: a2a-sim run `);
      expect(swarm.stdout).toContain(`--seed ${seed}\n`);
    }
  });
});
