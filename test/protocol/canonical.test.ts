import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/protocol/canonical.js';
import { withKeysInOrder as sorted } from './fixtures.js';

describe('canonicalJson against the published examples of RFC 8785', () => {
  it('section 3.2.2: numbers, strings and literals', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('section 3.2.3: properties sorted by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",' +
        '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse puts the integer-like key "1" first; read the order from the text instead.
    const text = canonicalJson(input);
    const order = ['\\r', '1', '\u0080', 'ö', '€', '😀', '\ufb33'].map((k) => text.indexOf(`"${k}"`));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(keys).toHaveLength(7);
  });

  it('appendix B: IEEE 754 doubles written as ECMAScript writes them', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, expected] of cases) {
      const value = Buffer.from(bits, 'hex').readDoubleBE(0);
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson([value])).toBe(`[${expected}]`);
    }
  });
});

describe('canonicalJson agrees with the canonicalize package', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 500 },
    );
  });

  it('on strings of any code units (lone surrogates go to the reference, which refuses them)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const value = { [b]: a, k: [a, b] };
        let expected: string | Error;
        try {
          expected = canonicalize(value) as string;
        } catch (e) {
          expected = e as Error;
        }
        if (expected instanceof Error) expect(() => canonicalJson(value)).toThrow();
        else expect(canonicalJson(value)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('on values built with their keys already in order (written by JSON.stringify)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(sorted(value))).toBe(canonicalize(value));
      }),
      { numRuns: 500 },
    );
    // Integer-like keys come first in an object whatever the insertion order: "10" before "9" is not JS's order.
    expect(canonicalJson({ 9: 'a', 10: 'b', a: 1 })).toBe('{"10":"b","9":"a","a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: Object.assign(Object.create({ inherited: 1 }) as object, { b: 2 }) })).toBe(canonicalize({ a: { b: 2 } }));
  });

  it('drops undefined members and writes undefined array slots as null', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
  });
});
