import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommerceMessage } from '../../src/protocol/schemas.js';
import { passesCompiledCheck, validateMessage } from '../../src/protocol/validate.js';
import { runSimulation } from '../../src/simulation.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import {
  acceptMessage,
  confirmationMessage,
  counterMessage,
  errorMessage,
  intentMessage,
  quoteMessage,
  requestMessage,
  leaves,
  revisedQuoteMessage,
  withChange,
} from './fixtures.js';

const examples = [requestMessage, intentMessage, quoteMessage, revisedQuoteMessage, counterMessage, acceptMessage, confirmationMessage, errorMessage];

const REPLACEMENTS: unknown[] = [undefined, null, '', ' ', 'x'.repeat(300), 0, -1, 1.5, 149.999, Number.NaN, 1e300, true, [], {}, 'agent:', 'agent:ok', '2025-02-30', '2025-01-15T10:30:00Z', 'sha256:' + 'a'.repeat(64), 'USD', 'usd', 'US', 'in_stock', 'out_of_stock'];

describe('compiled validation agrees with the zod schemas', () => {
  it('accepts every valid example, as zod does', () => {
    for (const make of examples) {
      const m = make();
      expect(CommerceMessage.safeParse(m).success).toBe(true);
      expect(passesCompiledCheck(m)).toBe(true);
    }
  });

  it('gives zod’s verdict for every single-field mutation of every example', () => {
    let checked = 0;
    for (const make of examples) {
      const base = make();
      for (const path of leaves(base)) {
        for (const replacement of REPLACEMENTS) {
          const m = withChange(base, path, replacement);
          expect([path.join('.'), replacement, passesCompiledCheck(m)]).toEqual([path.join('.'), replacement, CommerceMessage.safeParse(m).success]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('agrees with zod on random mutations (property test)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...REPLACEMENTS), fc.string(), fc.double(), fc.integer())), { minLength: 1, maxLength: 3 }),
        (make, edits) => {
          let m: unknown = make();
          for (const [pick, replacement] of edits) {
            const paths = leaves(m);
            if (paths.length === 0) break;
            m = withChange(m, paths[pick % paths.length]!, replacement);
          }
          return passesCompiledCheck(m) === CommerceMessage.safeParse(m).success;
        },
      ),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('agrees with zod on every message of a real run', () => {
    const file = 'scenarios/quickstart.yaml';
    const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
    if (!parsed.ok) throw new Error('quickstart does not parse');
    let n = 0;
    runSimulation(parsed.plan, {
      reporters: [
        {
          onTrace: (line) => {
            if (line.event !== 'delivered' && line.event !== 'dropped') return;
            n++;
            expect(passesCompiledCheck(line.message)).toBe(true);
            expect(CommerceMessage.safeParse(line.message).success).toBe(true);
          },
        },
      ],
    });
    expect(n).toBeGreaterThan(1000);
  });

  it('reports zod’s issues with their paths when a message is invalid', () => {
    const m = withChange(quoteMessage(), ['payload', 'totals', 'total'], 174.381);
    const verdict = validateMessage(m);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.issues.map((i) => i.path.join('.'))).toEqual(['payload.totals.total']);
  });

  it('rejects a second line for the same SKU (each line would be priced and stocked on its own), in intents and quotes', () => {
    const intent = intentMessage();
    const items = (intent.payload as { items: { sku: string; quantity: number }[] }).items;
    const twice = withChange(intent, ['payload', 'items'], [...items, { ...items[0]!, quantity: 3 }]);
    const verdict = validateMessage(twice);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([`payload.items.${items.length}.sku: SKU ${items[0]!.sku} is on line 0 already`]);
    const quote = quoteMessage();
    const quoteItems = (quote.payload as { items: unknown[] }).items;
    expect(validateMessage(withChange(quote, ['payload', 'items'], [...quoteItems, quoteItems[0]])).ok).toBe(false);
  });

  it('rejects text with a lone surrogate: it has no UTF-8 and no RFC 8785 form', () => {
    const verdict = validateMessage(withChange(quoteMessage(), ['from', 'name'], 'evil \ud800'));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.issues.map((i) => i.path.join('.'))).toEqual(['from.name']);
    expect(validateMessage(withChange(quoteMessage(), ['from', 'name'], 'fine \ud83d\ude00')).ok).toBe(true);
  });

  it('checks a party again in every message unless it is frozen and passed once', () => {
    // An open party object can change between messages: a bad change is caught in the next one.
    const open = { type: 'agent', identifier: 'agent:northwind-1', name: 'Northwind' };
    const quote = () => ({ ...quoteMessage(), from: open, to: open });
    expect(validateMessage(quote()).ok).toBe(true);
    open.identifier = 'agent:bad id';
    const verdict = validateMessage(quote());
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.issues.map((i) => i.path.join('.'))).toEqual(['from.identifier', 'to.identifier']);
    // A frozen party that failed is not remembered as good: it fails every time.
    const frozenBad = Object.freeze({ type: 'agent', identifier: 'agent:', name: 'x' });
    for (let i = 0; i < 2; i++) expect(validateMessage(withChange(quoteMessage(), ['from'], frozenBad)).ok).toBe(false);
    // A frozen party that passed cannot change, and still passes.
    const frozenGood = Object.freeze({ type: 'agent', identifier: 'agent:contoso-1', name: 'Contoso' });
    for (let i = 0; i < 2; i++) expect(validateMessage(withChange(quoteMessage(), ['from'], frozenGood)).ok).toBe(true);
    expect(() => {
      (frozenGood as { identifier: string }).identifier = 'agent:bad id';
    }).toThrow(TypeError);
  });

  it('checks an item list in every message, frozen or not', () => {
    const item = { availability: 'in_stock', name: 'Bearing', quantity: 2, sku: 'CMP-BEARING-6204', unit_price: 9.5 };
    const withItems = (items: unknown) => withChange(quoteMessage(), ['payload', 'items'], items);
    // A frozen list of open items: an item can still change, and a bad change is caught.
    const list = Object.freeze([item]);
    expect(validateMessage(withItems(list)).ok).toBe(true);
    item.unit_price = 9.555;
    const verdict = validateMessage(withItems(list));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.issues.map((i) => i.path.join('.'))).toContain('payload.items.0.unit_price');
    // An open list of frozen items can grow a bad item.
    const open: unknown[] = [Object.freeze({ ...item, unit_price: 9.5 })];
    expect(validateMessage(withItems(open)).ok).toBe(true);
    open.push(Object.freeze({ ...item, sku: 'bad sku' }));
    expect(validateMessage(withItems(open)).ok).toBe(false);
    // A frozen list that failed fails every time; one that passed cannot change and still passes.
    const frozenBad = Object.freeze([Object.freeze({ ...item, quantity: 0 })]);
    for (let i = 0; i < 2; i++) expect(validateMessage(withItems(frozenBad)).ok).toBe(false);
    const frozenGood = Object.freeze([Object.freeze({ ...item, unit_price: 9.5 })]);
    for (let i = 0; i < 2; i++) expect(validateMessage(withItems(frozenGood)).ok).toBe(true);
  });

  it('checks every timestamp in full, also after valid ones of the same second', () => {
    const at = (v: string) => validateMessage(withChange(quoteMessage(), ['timestamp'], v)).ok;
    expect(at('2025-03-01T10:00:00.100000Z')).toBe(true);
    expect(at('2025-03-01T10:00:03.100000Z')).toBe(true);
    // Same whole second as one that passed, bad after it.
    expect(at('2025-03-01T10:00:00.1x0000Z')).toBe(false);
    expect(at('2025-03-01T10:00:03.Z')).toBe(false);
    expect(at('2025-03-01T10:00:00.100000')).toBe(false);
    expect(at('2025-03-01T10:00:00Z')).toBe(true);
    // Same day, bad second; and a second that passed, in a longer string that is not a timestamp.
    expect(at('2025-03-01T10:00:61.1Z')).toBe(false);
    expect(at('2025-03-01T10:00:00.1234567890Z')).toBe(false);
  });

  it('rejects what is not a message at all', () => {
    for (const junk of [null, undefined, 42, 'a2a.commerce.quote', [], {}, { type: 'a2a.commerce.refund' }]) {
      expect(validateMessage(junk).ok).toBe(false);
      expect(passesCompiledCheck(junk)).toBe(false);
    }
  });
});
