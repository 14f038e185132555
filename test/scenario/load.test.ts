import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatPath, formatProblems, parseScenarioText } from '../../src/scenario/load.js';
import { baseScenario, editScenario, lineOf, planOf, problemsOf, quickstartPath, readQuickstart, scenarioText } from './fixtures.js';

describe('parseScenarioText on scenarios/quickstart.yaml', () => {
  const text = readQuickstart();
  const raw = parse(text) as Record<string, any>;
  const plan = planOf(parseScenarioText(text, 'quickstart.yaml'));

  it('validates, keeping the name and seed', () => {
    expect(plan.name).toBe('quickstart');
    expect(plan.seed).toBe(raw.seed);
  });

  it('turns every duration into a positive integer number of µs', () => {
    const durations = [
      plan.duration,
      plan.market.tick,
      plan.market.volatility_window,
      ...plan.market.regimes.map((r) => r.duration),
      ...plan.stores.map((s) => s.quote_validity),
      ...plan.buyers.flatMap((b) => [b.quote_timeout, b.confirmation_timeout]),
    ];
    for (const us of durations) expect(Number.isSafeInteger(us) && us > 0, String(us)).toBe(true);
    // a run of at least a second and messages faster than that: µs, not ms or s
    expect(plan.duration).toBeGreaterThanOrEqual(1_000_000);
    for (const b of plan.buyers) expect(b.quote_timeout).toBeGreaterThanOrEqual(1_000);
  });

  it('turns every amount of money into integer minor units', () => {
    raw.market.categories.forEach((c: any, i: number) => expect(plan.market.categories[i]!.reference_price).toBe(Math.round(Number(c.reference_price) * 100)));
    raw.stores.forEach((s: any, i: number) => expect(plan.stores[i]!.shipping).toBe(Math.round(Number(s.shipping ?? 0) * 100)));
    raw.buyers.forEach((b: any, i: number) => expect(plan.buyers[i]!.mandate.max_per_purchase).toBe(Math.round(Number(b.mandate.max_per_purchase) * 100)));
  });

  it('reads every budget', () => {
    expect(plan.budgets.map((b) => b.expression)).toEqual((raw.budgets ?? []).map((e: string) => e.trim()));
  });
});

describe('the scenarios shipped in scenarios/', () => {
  const dir = join(quickstartPath, '..');
  // tournament-*.yaml are tournament files (docs/tournaments.md), not scenarios.
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/i.test(f) && !f.startsWith('tournament-'));

  it('include the quickstart', () => {
    expect(files).toContain('quickstart.yaml');
  });

  it.each(files)('%s validates', (file) => {
    const result = parseScenarioText(readFileSync(join(dir, file), 'utf8'), file);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe('parseScenarioText on a YAML scenario', () => {
  const plan = planOf(parseScenarioText(scenarioText, 'two-suppliers.yaml'));

  it('reads the top level', () => {
    expect(plan.name).toBe('two-suppliers');
    expect(plan.seed).toBe(42);
    expect(plan.currency).toBe('USD');
    expect(plan.duration).toBe(60_000_000);
  });

  it('turns durations into integer µs', () => {
    expect(plan.market.tick).toBe(1_000_000);
    expect(plan.market.regimes[0]!.duration).toBe(60_000_000);
    expect(plan.network.latency).toEqual({ kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 });
    expect(plan.stores[0]!.quote_validity).toBe(5_000_000);
    expect(plan.stores[0]!.capacity.service_time).toEqual({ kind: 'exponential', meanUs: 3_000, minUs: 500 });
    expect(plan.buyers[0]!.quote_timeout).toBe(300_000);
    expect(plan.buyers[0]!.confirmation_timeout).toBe(500_000);
    expect(plan.buyers[0]!.breaker!.window).toBe(20_000_000);
    expect(plan.buyers[0]!.breaker!.cooldown).toBe(5_000_000);
    expect(plan.buyers[0]!.strategy.deadlineUs).toBe(2_000_000);
  });

  it('turns money into integer minor units', () => {
    expect(plan.market.categories[0]!.reference_price).toBe(15_000);
    expect(plan.stores.map((s) => s.shipping)).toEqual([999, 499]);
    expect(plan.buyers[0]!.mandate.max_per_purchase).toBe(60_000);
  });

  it('turns rates into events per µs', () => {
    expect(plan.buyers[0]!.intent_rate).toBeCloseTo(12 / 60_000_000, 15);
  });

  it('reads strategies, stock and budgets', () => {
    expect(plan.stores[0]!.strategy).toEqual({ kind: 'boulware', name: 'boulware', e: 0.2, options: {}, maxRounds: 8, deadlineUs: undefined });
    expect(plan.stores[0]!.stock).toEqual({ 'WH-PRO-001': 6, 'WH-PRO-002': 200, 'WH-LITE-001': 200 });
    expect(plan.budgets.map((b) => [b.metric, b.operator, b.threshold])).toEqual([
      ['negotiation.success_rate', '>=', 0.5],
      ['settlement_latency.p99', '<', 1_000_000],
    ]);
  });
});

describe('JSON scenarios', () => {
  it('yield the same plan as the same scenario in YAML', () => {
    const json = JSON.stringify(baseScenario(), null, 2);
    const fromJson = planOf(parseScenarioText(json, 'two-suppliers.json'));
    expect(fromJson).toEqual(planOf(parseScenarioText(scenarioText, 'two-suppliers.yaml')));
  });

  it('are recognised by a .JSON extension in any case', () => {
    expect(parseScenarioText(JSON.stringify(baseScenario()), 'SCENARIO.JSON').ok).toBe(true);
  });

  it('report problems by path, with the line and column of the field', () => {
    const s = baseScenario();
    s.buyers[0].strategy.e = 'x';
    const text = JSON.stringify(s, null, 2);
    const problems = problemsOf(parseScenarioText(text, 'broken.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('buyers[0].strategy.e');
    const line = text.split('\n').findIndex((l) => l.includes('"e": "x"')) + 1;
    expect(problems[0]!.line).toBe(line);
    expect(problems[0]!.column).toBe(text.split('\n')[line - 1]!.indexOf('"x"') + 1);
  });

  it('report a syntax error at its line when the parser names its position', () => {
    const text = '{\n  "name": "two-suppliers",\n  "seed": 1 2\n}';
    const problems = problemsOf(parseScenarioText(text, 'broken.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^invalid JSON/);
    expect(problems[0]!.line).toBe(3);
  });

  it('report invalid JSON as one problem about the whole file', () => {
    const problems = problemsOf(parseScenarioText('{"name": "two-suppliers",', 'broken.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('');
    expect(problems[0]!.message).toMatch(/^invalid JSON/);
  });

  it('are parsed as JSON only when the file name says so', () => {
    // JSON is YAML too, so a .yml file holding JSON text still validates
    expect(parseScenarioText(JSON.stringify(baseScenario()), 'two-suppliers.yml').ok).toBe(true);
  });
});

describe('YAML problems', () => {
  it('names buyers[0].strategy.e with the line and column of the value', () => {
    const text = editScenario('strategy: { kind: linear, max_rounds: 10, deadline: 2s }', 'strategy: { kind: linear, e: "x", max_rounds: 10, deadline: 2s }');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('buyers[0].strategy.e');
    expect(problems[0]!.line).toBe(lineOf(text, 'e: "x"'));
    const lineText = text.split('\n')[problems[0]!.line! - 1]!;
    expect(lineText.slice(problems[0]!.column! - 1)).toMatch(/^"x"/);
  });

  it('points an unknown field at its key', () => {
    const text = editScenario('    agents: 10\n', '    agents: 10\n    favourite_colour: blue\n');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems.map((p) => [p.path, p.line, p.column])).toEqual([['buyers[0].favourite_colour', lineOf(text, 'favourite_colour'), 5]]);
    expect(problems[0]!.message).toBe('unknown field "favourite_colour"');
  });

  it('points a missing field at the map that lacks it', () => {
    const text = editScenario('    quote_timeout: 300ms\n', '');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems.map((p) => p.path)).toEqual(['buyers[0].quote_timeout']);
    expect(problems[0]!.line).toBe(lineOf(text, 'organisation: globex-procurement'));
  });

  it('lists several problems, each on its own line', () => {
    let text = editScenario('intent_rate: 12/m', 'intent_rate: -12/m');
    text = text.replace('max_per_purchase: 600.00', 'max_per_purchase: -600.00');
    text = text.replace('median: 2ms, p99: 12ms', 'median: 2ms, p99: 2ms');
    text = text.replace('seed: 42', 'seed: 42\nthreads: 4');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.line]));
    expect(problems).toHaveLength(4);
    expect(byPath).toEqual({
      threads: lineOf(text, 'threads: 4'),
      'network.latency.p99': lineOf(text, 'p99: 2ms'),
      'buyers[0].intent_rate': lineOf(text, 'intent_rate: -12/m'),
      'buyers[0].mandate.max_per_purchase': lineOf(text, 'max_per_purchase: -600.00'),
    });
  });

  it('gives a line to cross-reference problems too', () => {
    const text = editScenario('organisation: soundwave-supply', 'organisation: acme-audio');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems.map((p) => [p.path, p.line])).toEqual([['stores[1].organisation', lineOf(scenarioText, 'organisation: soundwave-supply')]]);
  });

  it('reports unparsable YAML as problems about the whole file', () => {
    const text = editScenario('seed: 42', 'seed: [42');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    for (const p of problems) {
      expect(p.path).toBe('');
      expect(p.message).toMatch(/^invalid YAML: /);
    }
  });

  it('gives unparsable YAML the line of the error', () => {
    const problems = problemsOf(parseScenarioText('name: x\nseed: [42\n', 's.yaml'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.message).toMatch(/^invalid YAML/);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
    expect(problems[0]!.column).toBeGreaterThanOrEqual(1);
  });

  it('rejects a key given twice, with its line, in YAML and in JSON', () => {
    const problems = problemsOf(parseScenarioText(editScenario('seed: 42', 'seed: 42\nseed: 43'), 's.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('invalid YAML: the key "seed" is given twice in one map');
    expect(problems[0]!.line).toBeGreaterThan(1);
    const json = problemsOf(parseScenarioText('{\n  "name": "x",\n  "seed": -5,\n  "seed": 42\n}', 's.json'));
    expect(json).toEqual([{ path: '', message: 'invalid JSON: the key "seed" is given twice in one map', line: 4, column: 3 }]);
  });

  it('reads aliases used many times, refuses one that expands without end, and stays quick on a map of 50,000 keys', () => {
    const many = editScenario('seed: 42', `seed: 42\nx-anchor: &cat [headphones]\n${Array.from({ length: 150 }, (_, i) => `# ${i}`).join('\n')}`);
    // 150 uses of one alias: an unknown field, but read (no exit 4)
    expect(problemsOf(parseScenarioText(`${many}\nx-uses: [${Array.from({ length: 150 }, () => '*cat').join(', ')}]`, 's.yaml')).map((p) => p.path)).toEqual(['x-anchor', 'x-uses']);
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = problemsOf(parseScenarioText(laughs.join('\n'), 'bomb.yaml'));
    expect(bomb).toHaveLength(1);
    expect(bomb[0]!.message).toMatch(/^invalid YAML: its aliases expand past 100,000 nodes/);
    const wide = `${editScenario('seed: 42', 'seed: 42')}\n${Array.from({ length: 50_000 }, (_, i) => `unknown${i}: ${i}`).join('\n')}`;
    const problems = problemsOf(parseScenarioText(wide, 'wide.yaml'));
    expect(problems).toHaveLength(201);
    expect(problems.at(-1)!.message).toBe('… and 49,800 more problems (the first 200 are listed)');
    const result = parseScenarioText(wide, 'wide.yaml');
    expect(result.ok ? 0 : result.count).toBe(50_000);
  });

  it('lists at most 200 YAML syntax errors too, and counts them all', () => {
    // NDJSON given by mistake: every line is a YAML error of its own.
    const ndjson = Array.from({ length: 500 }, (_, i) => `{"vt_us":${i},"event":"delivered"}`).join('\n');
    const result = parseScenarioText(ndjson, 'trace.yaml');
    if (result.ok) throw new Error('parsed');
    expect(result.problems).toHaveLength(201);
    expect(result.problems.at(-1)!.message).toMatch(/^… and [\d,]+ more problems \(the first 200 are listed\)$/);
    const more = Number(/and ([\d,]+) more/.exec(result.problems.at(-1)!.message)![1]!.replace(/,/g, ''));
    expect(result.count).toBe(200 + more);
  });

  it('quotes a long string by its start', () => {
    const problems = problemsOf(parseScenarioText(editScenario('seed: 42', `seed: 42\nsecurity: ${'x'.repeat(100_000)}`), 's.yaml'));
    const message = problems.find((p) => p.path === 'security')!.message;
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('… (100,000 characters)');
  });

  it('rejects an empty file as one problem about the whole file', () => {
    const problems = problemsOf(parseScenarioText('', 'empty.yaml'));
    expect(problems.map((p) => p.path)).toEqual(['']);
  });

  it('follows anchors and aliases', () => {
    const text = editScenario('    strategy: { kind: linear, max_rounds: 10, deadline: 2s }', '    strategy: *store_strategy').replace(
      'strategy: { kind: boulware, max_rounds: 8 }',
      'strategy: &store_strategy { kind: boulware, max_rounds: 8 }',
    );
    const plan = planOf(parseScenarioText(text, 's.yaml'));
    expect(plan.buyers[0]!.strategy).toEqual(plan.stores[0]!.strategy);
    expect(plan.buyers[0]!.strategy.kind).toBe('boulware');
  });
});

describe('formatPath', () => {
  it.each([
    [['buyers', 0, 'strategy', 'e'], 'buyers[0].strategy.e'],
    [['name'], 'name'],
    [[], ''],
    [[0, 'a'], '[0].a'],
    [['stores', 1, 'stock', 'WH-PRO-001'], 'stores[1].stock.WH-PRO-001'],
    [['m', 0, 1], 'm[0][1]'],
  ] as [PropertyKey[], string][])('%j → %j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('formatProblems', () => {
  it('writes one problem per line with file, line and column when known', () => {
    const text = formatProblems('s.yaml', [
      { path: 'buyers[0].strategy.e', message: 'expected a number', line: 66, column: 34 },
      { path: 'colour', message: 'unknown field "colour"', line: 11 },
      { path: '', message: 'invalid JSON: oops' },
    ]);
    expect(text.split('\n')).toEqual([
      '  s.yaml:66:34  buyers[0].strategy.e: expected a number',
      '  s.yaml:11:1  colour: unknown field "colour"',
      '  s.yaml  invalid JSON: oops',
    ]);
  });
});
