import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { closest, editDistance, knownKeys } from '../../src/scenario/suggest.js';
import { baseScenario, problemsOf } from './fixtures.js';

describe('closest', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    expect(editDistance('headphone', 'headphones')).toBe(1);
    expect(editDistance('lineer', 'linear')).toBe(1);
    expect(editDistance('intnet', 'intent')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  it('suggests a name only when it is a slip away (a third of its letters), ignoring case and - for _', () => {
    expect(closest('headphone', ['speakers', 'headphones'])).toBe('headphones');
    expect(closest('Acme-Audio', ['acme_audio'])).toBe('acme_audio');
    expect(closest('gadgets', ['headphones', 'widgets'])).toBe('widgets');
    expect(closest('speakers', ['headphones'])).toBeUndefined();
  });
});

describe('knownKeys', () => {
  it('finds the fields of the object at a path, through arrays, optional sections and unions', () => {
    expect(knownKeys(ScenarioSchema, ['buyers', 0])).toContain('intent_rate');
    expect(knownKeys(ScenarioSchema, ['stores', 3, 'strategy'])).toContain('max_rounds');
    expect(knownKeys(ScenarioSchema, [])).toContain('market');
  });
});

describe('a slip in a scenario is reported once, as the slip, with what was meant', () => {
  const problems = (edit: (s: Record<string, any>) => void) => {
    const s = baseScenario();
    edit(s);
    return problemsOf(validate(s)).map((p) => `${p.path}: ${p.message}`);
  };

  it('a mistyped category: one problem per place it is written, none for the stock or the buyers that follow from it', () => {
    expect(
      problems((s) => {
        s.stores[0].categories = ['headphone'];
      }),
    ).toEqual(['stores[0].categories[0]: unknown category "headphone" (did you mean "headphones"?)']);
  });

  it('a mistyped required field: the unknown field, not also the missing one', () => {
    expect(
      problems((s) => {
        s.buyers[0].intent_rat = s.buyers[0].intent_rate;
        delete s.buyers[0].intent_rate;
      }),
    ).toEqual(['buyers[0].intent_rat: unknown field "intent_rat" (did you mean "intent_rate"?)']);
  });

  it('a mistyped strategy kind, SKU and organisation', () => {
    const found = problems((s) => {
      s.stores[0].strategy.kind = 'lineer';
      s.stores[0].stock['WH-PRO-01'] = 3;
      s.network.links = [{ from: 'acme-audoi', to: s.buyers[0].organisation }];
    });
    expect(found.find((p) => p.startsWith('stores[0].strategy.kind: '))).toMatch(/^stores\[0\]\.strategy\.kind: unknown strategy kind "lineer" \(did you mean "linear"\?\) \(built-ins: boulware, linear, /);
    expect(found).toContain('stores[0].stock.WH-PRO-01: unknown SKU "WH-PRO-01" (did you mean "WH-PRO-001"?)');
    expect(problems((s) => void (s.security = { signing: 'es265' }))).toEqual(['security.signing: expected signing: es256, eddsa or off (did you mean "es256"?)']);
    expect(found).toContain('network.links[0].from: unknown organisation "acme-audoi" (did you mean "acme-audio"?)');
  });
});
