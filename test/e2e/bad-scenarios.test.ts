/**
 * Invalid scenario files: exit 2, every problem listed with its path (and file:line:col for
 * YAML), and nothing written to --out or --trace.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseScenarioText } from '../../src/scenario/load.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_SCENARIO,
  cleanup,
  edit,
  escapeRegExp,
  isEmptyOrMissing,
  makeTmp,
  positionOf,
  problemLines,
  runCli,
  writeText,
  type CliResult,
} from './helpers.js';

/** One way to break the base scenario: the edit, and the problem it must produce. */
interface Breakage {
  readonly from: string;
  readonly to: string;
  /** path of the problem, e.g. "buyers[0].strategy.e" */
  readonly path: string;
  /** text whose position the problem must point at */
  readonly at: string;
  /** the message must match this */
  readonly message: RegExp;
}

const WRONG_TYPE: Breakage = {
  from: 'strategy: { kind: linear, max_rounds: 5, deadline: 2s }',
  to: 'strategy: { kind: linear, e: "fast", max_rounds: 5, deadline: 2s }',
  path: 'buyers[0].strategy.e',
  at: '"fast"',
  message: /^expected a number, got the string "fast"$/,
};
const UNKNOWN_FIELD: Breakage = {
  from: '  tick: 1s\n',
  to: '  tick: 1s\n  categorys: []\n',
  path: 'market.categorys',
  at: 'categorys',
  message: /unknown field "categorys"/,
};
const NEGATIVE_RATE: Breakage = {
  from: 'intent_rate: 6/m',
  to: 'intent_rate: -3/m',
  path: 'buyers[0].intent_rate',
  at: '-3/m',
  message: /-3\/m/,
};
const NEGATIVE_MONEY: Breakage = {
  from: 'shipping: 1.50',
  to: 'shipping: -1.50',
  path: 'stores[0].shipping',
  at: '-1.50',
  message: /-1\.5/,
};
const NEGATIVE_MANDATE: Breakage = {
  from: 'max_per_purchase: 500.00',
  to: 'max_per_purchase: -500.00',
  path: 'buyers[0].mandate.max_per_purchase',
  at: '-500.00',
  message: /-500/,
};
const UNKNOWN_CATEGORY: Breakage = {
  from: '    categories: [widgets]\n    intent_rate',
  to: '    categories: [gadgets]\n    intent_rate',
  path: 'buyers[0].categories[0]',
  at: 'gadgets',
  message: /unknown category "gadgets"/,
};

const SINGLE: Record<string, Breakage> = {
  'a value of the wrong type (strategy.e: "fast")': WRONG_TYPE,
  'an unknown field': UNKNOWN_FIELD,
  'a negative intent_rate ("-3/m")': NEGATIVE_RATE,
  'negative money (shipping)': NEGATIVE_MONEY,
  'an unknown category reference': UNKNOWN_CATEGORY,
};

const MULTI = [WRONG_TYPE, UNKNOWN_FIELD, NEGATIVE_RATE, NEGATIVE_MONEY, NEGATIVE_MANDATE];

/** One CLI run on one file, with its own --out folder and --trace file. */
interface Case {
  readonly file: string;
  readonly text: string;
  readonly out: string;
  readonly trace: string;
  result?: CliResult;
}

let tmp: string;
const cases = new Map<string, Case>();

function addCase(key: string, name: string, text: string): void {
  const file = writeText(tmp, name, text);
  cases.set(key, { file, text, out: join(tmp, `out-${key}`), trace: join(tmp, `trace-${key}.ndjson`) });
}

function get(key: string): Case & { result: CliResult } {
  const c = cases.get(key);
  if (!c?.result) throw new Error(`no run for case ${key}`);
  return c as Case & { result: CliResult };
}

function applyAll(breakages: readonly Breakage[]): string {
  return breakages.reduce((text, b) => edit(text, b.from, b.to), BASE_SCENARIO);
}

/** The problem line for `b`: "  file:line:col  path: message". */
function expectProblem(c: Case & { result: CliResult }, b: Breakage): void {
  const { line, column } = positionOf(c.text, b.at);
  const prefix = `${c.file}:${line}:${column}  ${b.path}: `;
  const found = problemLines(c.result.stderr).find((l) => l.trim().startsWith(prefix));
  expect(found, `no problem line starting with "${prefix}" in:\n${c.result.stderr}`).toBeDefined();
  expect(found!.slice(found!.indexOf(prefix) + prefix.length)).toMatch(b.message);
}

function expectNothingWritten(c: Case): void {
  expect(isEmptyOrMissing(c.out), `${c.out} was written`).toBe(true);
  expect(existsSync(c.trace), `${c.trace} was written`).toBe(false);
}

function expectRejected(c: Case & { result: CliResult }, problems?: number): void {
  expect(c.result.status).toBe(2);
  expect(c.result.stdout).toBe('');
  expect(c.result.stderr).toContain(c.file);
  const header = new RegExp(`${escapeRegExp(c.file)}: invalid scenario, (\\d+) problems?:`).exec(c.result.stderr);
  expect(header, c.result.stderr).not.toBeNull();
  expect(problemLines(c.result.stderr)).toHaveLength(Number(header![1]));
  if (problems !== undefined) {
    expect(c.result.stderr).toMatch(new RegExp(`${escapeRegExp(c.file)}: invalid scenario, ${problems} problems?:`));
    expect(problemLines(c.result.stderr)).toHaveLength(problems);
  }
  expectNothingWritten(c);
}

beforeAll(async () => {
  tmp = makeTmp('bad');
  Object.values(SINGLE).forEach((b, i) => addCase(`single-${i}`, `single-${i}.yaml`, applyAll([b])));
  addCase('multi', 'multi.yaml', applyAll(MULTI));
  addCase('mixed', 'mixed.yaml', applyAll([NEGATIVE_MONEY, UNKNOWN_CATEGORY]));
  addCase('tab', 'tab.yaml', edit(BASE_SCENARIO, '  tick: 1s\n', '\ttick: 1s\n'));
  addCase('bracket', 'bracket.yaml', edit(BASE_SCENARIO, 'stock: { W-1: 100 }', 'stock: { W-1: 100'));
  const data = parse(BASE_SCENARIO);
  data.buyers[0].strategy.e = 'fast';
  data.market.categorys = [];
  data.stores[0].shipping = -1.5;
  addCase('json', 'bad.json', JSON.stringify(data, null, 2));
  addCase('json-syntax', 'syntax.json', JSON.stringify(parse(BASE_SCENARIO), null, 2).replace(/}\s*$/, ''));
  cases.set('missing', { file: join(tmp, 'no-such-scenario.yaml'), text: '', out: join(tmp, 'out-missing'), trace: join(tmp, 'trace-missing.ndjson') });
  cases.set('folder', { file: tmp, text: '', out: join(tmp, 'out-folder'), trace: join(tmp, 'trace-folder.ndjson') });
  cases.set('device', { file: '/dev/zero', text: '', out: join(tmp, 'out-device'), trace: join(tmp, 'trace-device.ndjson') });
  const latin1 = join(tmp, 'latin1.yaml');
  writeFileSync(latin1, Buffer.concat([Buffer.from(BASE_SCENARIO.replace(/^name: .*$/m, 'name: latin1\ndescription: caf'), 'utf8'), Buffer.from([0xe9]), Buffer.from('\n')]));
  cases.set('latin1', { file: latin1, text: '', out: join(tmp, 'out-latin1'), trace: join(tmp, 'trace-latin1.ndjson') });
  addCase('two-documents', 'two-documents.yaml', `${BASE_SCENARIO}\n---\n${BASE_SCENARIO}`);

  await Promise.all(
    [...cases.values()].map(async (c) => {
      c.result = await runCli(['run', c.file, '--out', c.out, '--trace', c.trace]);
    }),
  );
});

afterAll(() => cleanup(tmp));

describe('invalid scenario files', () => {
  it('the unbroken base scenario is valid (so every problem below comes from its breakage)', () => {
    const parsed = parseScenarioText(BASE_SCENARIO, 'base.yaml');
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
  });

  Object.entries(SINGLE).forEach(([name, b], i) => {
    it(`${name}: exit 2, the problem with its path and file:line:col, nothing written`, () => {
      const c = get(`single-${i}`);
      expectRejected(c);
      expectProblem(c, b);
    });
  });

  it('a file with several problems lists every one of them, each with path and file:line:col', () => {
    const c = get('multi');
    expectRejected(c, MULTI.length);
    for (const b of MULTI) expectProblem(c, b);
  });

  it('a file with a field error and an unknown category lists both problems', () => {
    const c = get('mixed');
    expectRejected(c);
    expectProblem(c, NEGATIVE_MONEY);
    expectProblem(c, UNKNOWN_CATEGORY);
  });

  it('unparsable YAML (a tab used as indentation): exit 2, "invalid YAML", nothing written', () => {
    const c = get('tab');
    expectRejected(c);
    expect(c.result.stderr).toMatch(/invalid YAML/);
    expect(c.result.stderr).toMatch(/tab/i);
  });

  it('unparsable YAML (an unclosed bracket): exit 2, "invalid YAML", nothing written', () => {
    const c = get('bracket');
    expectRejected(c);
    expect(c.result.stderr).toMatch(/invalid YAML/);
  });

  it('unparsable YAML problems carry file:line:col: the tab is pointed at', () => {
    const c = get('tab');
    const { line } = positionOf(c.text, '\ttick');
    const lines = problemLines(c.result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^\\s+${escapeRegExp(c.file)}:\\d+:\\d+  invalid YAML: `));
    expect(lines.some((l) => new RegExp(`${escapeRegExp(c.file)}:${line}:1  invalid YAML: .*[Tt]ab`).test(l)), c.result.stderr).toBe(true);
  });

  it('unparsable YAML problems carry file:line:col: the unclosed bracket is pointed at, at or just after its line', () => {
    const c = get('bracket');
    const { line } = positionOf(c.text, 'stock: { W-1: 100\n');
    const lines = problemLines(c.result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    const reported = lines.map((l) => new RegExp(`^\\s+${escapeRegExp(c.file)}:(\\d+):\\d+  invalid YAML: `).exec(l));
    expect(reported.every((m) => m !== null), c.result.stderr).toBe(true);
    expect(reported.some((m) => Number(m![1]) >= line && Number(m![1]) <= line + 2), c.result.stderr).toBe(true);
  });

  it('a JSON scenario with errors: exit 2 and every problem with its path and the line of its field', () => {
    const c = get('json');
    expectRejected(c, 3);
    const lines = problemLines(c.result.stderr);
    for (const [path, field] of [
      ['buyers[0].strategy.e', '"e": "fast"'],
      ['market.categorys', '"categorys"'],
      ['stores[0].shipping', '"shipping": -1.5'],
    ] as const) {
      const { line } = positionOf(c.text, field);
      expect(lines.some((l) => l.includes(`${c.file}:${line}:`) && l.includes(`  ${path}: `)), `no problem for ${path} at line ${line}:\n${c.result.stderr}`).toBe(true);
    }
  });

  it('unparsable JSON: exit 2, "invalid JSON", nothing written', () => {
    const c = get('json-syntax');
    expectRejected(c);
    expect(c.result.stderr).toMatch(/invalid JSON/);
  });

  it.each([
    ['folder', 'is a folder, not a scenario file'],
    ['device', 'is not a regular file'],
    ['latin1', 'is not UTF-8 text (save it as UTF-8)'],
    ['two-documents', 'invalid YAML: more than one document ("---"): a scenario file holds one'],
  ])('%s: exit 2 with what is wrong with the file, nothing written', (key, message) => {
    const c = get(key);
    expect(c.result.status).toBe(2);
    expect(c.result.stderr).toContain(message);
    expect(c.result.stderr).not.toMatch(/\n\s+at /);
    expectNothingWritten(c);
  });

  it('a missing file: exit 2, the file named, nothing written', () => {
    const c = get('missing');
    expect(c.result.status).toBe(2);
    expect(c.result.stderr).toContain(c.file);
    expect(c.result.stderr).toMatch(/no such file/);
    expectNothingWritten(c);
  });
});
