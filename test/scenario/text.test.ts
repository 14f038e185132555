import { describe, expect, it } from 'vitest';
import { parseScenarioText, validate } from '../../src/scenario/load.js';
import { escapeLoneSurrogates, textProblems } from '../../src/scenario/text.js';
import { baseScenario, editScenario, lineOf, problemsOf } from './fixtures.js';

describe('text with lone surrogates', () => {
  it('is found in keys and values at any depth, and whole pairs pass', () => {
    const data = { a: 'ok 😀', b: ['x', { c: 'bad \ud800' }], ['k\udc00']: 1 };
    expect(textProblems(data, 10).map((p) => p.path)).toEqual([['b', 1, 'c'], ['k\udc00']]);
    expect(escapeLoneSurrogates('k\udc00😀')).toBe('k\\udc00😀');
  });

  it('is refused with its path and line, beside the other problems of the file', () => {
    const text = editScenario('name: Pro Wireless Headphones }', 'name: "Pro \\udc00" }').replace('seed: 42', 'seed: -1');
    const problems = problemsOf(parseScenarioText(text, 's.yaml'));
    expect(problems[0]).toMatchObject({ path: 'market.categories[0].skus[0].name', line: lineOf(text, 'Pro \\udc00') });
    expect(problems[0]!.message).toMatch(/lone surrogate \(\\udc00 at character 5\)/);
    expect(problems.map((p) => p.path)).toContain('seed');
  });

  it('is refused in free text too (a description)', () => {
    const s = baseScenario();
    s.description = 'x\ud800';
    expect(problemsOf(validate(s)).map((p) => p.path)).toEqual(['description']);
  });
});
