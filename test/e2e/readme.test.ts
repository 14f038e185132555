/**
 * README.md's quick start and five-minute tour do what the README says, from its own text; the
 * scenario reference in docs/scenarios.md runs within its own budgets, and its invalid-file
 * example is what validate prints; the CI job in
 * docs/compare.md is the one in examples/ci/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanup, makeTmp, quickstartFile, readJson, root, runCli, writeText, type CliResult } from './helpers.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const quickstartText = readFileSync(join(root, quickstartFile), 'utf8');

/** The fenced blocks of `markdown` in `language` ('' for a block with none). */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].filter((m) => m[1] === language).map((m) => m[2]!);
}

/** The one match of `pattern` in `text`, or a failure naming what was looked for. */
function one(text: string, pattern: RegExp, what: string): RegExpMatchArray {
  const m = text.match(pattern);
  if (!m) throw new Error(`README.md: ${what} not found (${pattern})`);
  return m;
}

let tmp: string;
afterAll(() => cleanup(tmp));
beforeAll(() => {
  tmp = makeTmp('readme');
});

describe('README.md quick start', () => {
  it('installs with npm ci, tests with npm test, and names a first run that npm start also does', () => {
    const [install] = blocks(readme, 'sh');
    expect(install).toMatch(/^npm ci\b/m);
    expect(install).toMatch(/^npm test\b/m);
    const firstRun = one(readme, /^npx a2a-sim (run scenarios\/quickstart\.yaml)$/m, 'the first run')[1]!;
    const pkg = readJson(join(root, 'package.json'));
    expect(pkg.scripts.start).toBe(`node dist/src/cli/main.js ${firstRun}`);
    expect(pkg.bin['a2a-sim']).toBe('dist/src/cli/main.js');
    for (const script of ['prepare', 'pretest']) expect(pkg.scripts[script]).toBe(pkg.scripts.build);
  });
});

describe('README.md five-minute tour', () => {
  let first: CliResult;
  beforeAll(async () => {
    first = await runCli(['run', quickstartFile, '--out', join(tmp, 'first'), '--no-html']);
  });

  it('1–2: the first run exits 0 and prints the headline table the README shows', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const headline = blocks(readme, '').find((b) => b.includes('│ negotiations │'));
    expect(headline).toBeDefined();
    expect(first.stdout).toContain(headline!.trim());
    const [, negotiations, succeeded, rounds, p50] = one(readme, /^(\d+) purchase intents became negotiations; (\d+) ended in a deal, after ([\d.]+) counter-offer rounds on\naverage; from intent to outcome took (\d+) ms at the median/m, 'the reading of the table');
    const results = readJson(join(tmp, 'first', 'report.json')).results;
    expect(results.negotiation.count).toBe(Number(negotiations));
    expect(results.negotiation.succeeded).toBe(Number(succeeded));
    expect(first.stdout).toContain(`${rounds} / `);
    expect(first.stdout).toContain(`${p50}.`);
  });

  it('3: the changed budget_margin lowers success to the figure quoted, mostly no_agreement, and breaches the file\'s budget as quoted', async () => {
    const margin = one(readme, /^ {4}budget_margin: ([\d.]+) +# was 0\.35/m, 'the budget_margin change')[1]!;
    expect(quickstartText).toMatch(/^ {4}budget_margin: 0\.35$/m);
    const file = writeText(tmp, 'my-market.yaml', quickstartText.replace(/^ {4}budget_margin: 0\.35$/m, `    budget_margin: ${margin}`));
    const out = join(tmp, 'changed');
    const r = await runCli(['run', file, '--out', out, '--no-html']);
    expect(r.status).toBe(1);
    const quoted = one(readme, /^budget breached: negotiation\.success_rate .*$/m, 'the quoted success-rate breach')[0];
    expect(r.stderr.trim()).toBe(quoted);
    const success = one(readme, /success falls to ([\d.]+%)/, 'the success after the change')[1]!;
    expect(r.stdout).toContain(`│ ${success} `);
    const outcomes = readJson(join(out, 'report.json')).results.negotiation.outcomes;
    const failed = Object.entries(outcomes as Record<string, number>).filter(([k]) => k !== 'succeeded').reduce((s, [, n]) => s + n, 0);
    expect(outcomes.no_agreement).toBeGreaterThan(failed / 2);
  });

  it('4: the budgets block, with its latency budget, breaches as quoted: BREACHED in the table, exit 1', async () => {
    const budgets = blocks(readme, 'yaml').find((b) => b.startsWith('budgets:'));
    expect(budgets).toBeDefined();
    const listed = parse(budgets!).budgets as string[];
    const shipped = parse(quickstartText).budgets as string[];
    expect(listed.slice(0, shipped.length)).toEqual(shipped);
    const file = writeText(tmp, 'budget.yaml', quickstartText.replace(/^budgets:\n(?: {2}- .*\n)+/m, budgets!));
    const r = await runCli(['run', file, '--out', join(tmp, 'budget'), '--no-html']);
    expect(r.status).toBe(1);
    const quoted = one(readme, /^budget breached: negotiation_latency\.p99 .*$/m, 'the quoted latency breach')[0];
    expect(r.stderr.trim()).toBe(quoted);
    expect(r.stdout).toMatch(/negotiation_latency\.p99 < 250ms .*BREACHED/);
  });

  it('5: the compare command finds the success rate REGRESSED and the buyer surplus IMPROVED, exit 1', async () => {
    const command = one(readme, /^npx a2a-sim (compare .*)$/m, 'the compare command')[1]!;
    const r = await runCli([...command.split(' '), '--no-progress'], 180_000);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/negotiation\.success_rate +│ [^\n]*REGRESSED/);
    expect(r.stdout).toMatch(/deals\.buyer_surplus +│ [^\n]*IMPROVED/);
    const change = Number(one(r.stdout, /regressed: negotiation\.success_rate −([\d.]+)%/, 'the regression line')[1]);
    const quoted = Number(one(readme, /about −(\d+)% against the 2%/, 'the quoted change')[1]);
    expect(Math.abs(change - quoted)).toBeLessThan(1);
  }, 180_000);
});

describe('docs/scenarios.md scenario reference', () => {
  const reference = blocks(readFileSync(join(root, 'docs', 'scenarios.md'), 'utf8'), 'yaml').find((block) => block.startsWith('name: my-scenario'));

  it('validates and runs with exit 0: every budget it sets holds', async () => {
    expect(reference).toBeDefined();
    const file = writeText(tmp, 'reference.yaml', reference!);
    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.status).toBe(0);
    const run = await runCli(['run', file, '--out', join(tmp, 'out'), '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);

  it('its invalid-file example is what validate prints for the four mistakes the page names', async () => {
    const page = readFileSync(join(root, 'docs', 'scenarios.md'), 'utf8');
    const shown = blocks(page, '').find((b) => b.startsWith('bad.yaml: invalid scenario'));
    expect(shown).toBeDefined();
    const edits: Array<[RegExp, string]> = [
      [/^ {2}categories:$/m, '  categorys:'],
      [/^ {4}agents: 10\n/m, ''],
      [/^( {4}intent_rate: )12\/m/m, '$1-3/m'],
      [/^( {4}strategy: \{ kind: linear, )(max_rounds: 10, deadline: 2s \})$/m, '$1e: fast, $2'],
    ];
    let bad = reference!;
    for (const [pattern, replacement] of edits) {
      expect(bad).toMatch(pattern);
      bad = bad.replace(pattern, replacement);
    }
    const file = writeText(tmp, 'bad.yaml', bad);
    const r = await runCli(['validate', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.split(file).join('bad.yaml')).toBe(shown);
  });
});

describe('docs/compare.md CI job', () => {
  it('is examples/ci/github-actions-compare.yml', () => {
    const job = blocks(readFileSync(join(root, 'docs', 'compare.md'), 'utf8'), 'yaml').find((b) => b.startsWith('name: strategy regression'));
    expect(job).toBeDefined();
    expect(parse(job!)).toEqual(parse(readFileSync(join(root, 'examples', 'ci', 'github-actions-compare.yml'), 'utf8')));
  });
});
