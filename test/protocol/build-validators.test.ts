import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { prebuiltSource } from '../../src/protocol/build-validators.js';
import { MESSAGE_TYPES } from '../../src/protocol/schemas.js';
import { prebuiltFor, structureSchema, structureValidator, type Prebuilt } from '../../src/protocol/validate.js';
import { acceptMessage, confirmationMessage, counterMessage, errorMessage, intentMessage, leaves, quoteMessage, requestMessage, revisedQuoteMessage, withChange } from './fixtures.js';

/** The module the build writes, loaded as the build's output would be. */
function load(source: string): Prebuilt {
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', source)(module.exports, createRequire(import.meta.url), module);
  return module.exports as unknown as Prebuilt;
}

const built = load(prebuiltSource());
const examples = [requestMessage, intentMessage, quoteMessage, revisedQuoteMessage, counterMessage, acceptMessage, confirmationMessage, errorMessage];
const REPLACEMENTS: unknown[] = [undefined, null, '', 'x'.repeat(300), 0, -1, 1.5, true, [], {}, 'agent:ok', 'USD'];

describe('validators built ahead', () => {
  it('has one for every message type, with the schema it was built from', () => {
    for (const type of MESSAGE_TYPES) {
      expect(typeof built[type]).toBe('function');
      expect(built.schemas[type]).toBe(JSON.stringify(structureSchema(type)));
    }
  });

  it('gives the verdict of a validator compiled at run time, for every example and every one-field change of it', () => {
    let checked = 0;
    for (const make of examples) {
      const base = make();
      const compiled = structureValidator(base.type);
      const ahead = built[base.type] as (m: unknown) => boolean;
      expect(ahead(base)).toBe(true);
      for (const path of leaves(base)) {
        for (const replacement of REPLACEMENTS) {
          const m = withChange(base, path, replacement);
          expect([path.join('.'), replacement, ahead(m)]).toEqual([path.join('.'), replacement, compiled(m)]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('is used only while the schema reads the same', () => {
    const type = 'a2a.commerce.quote';
    const schema = structureSchema(type);
    expect(prebuiltFor(built, type, schema)).toBe(built[type]);
    expect(prebuiltFor(built, type, { ...schema, required: [] })).toBeUndefined();
    expect(prebuiltFor(built, 'a2a.commerce.unknown', schema)).toBeUndefined();
    expect(prebuiltFor(null, type, schema)).toBeUndefined();
  });
});
