import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDate, isDateTime, isPlainHttpUrl } from '../../src/protocol/rules.js';

describe('isPlainHttpUrl', () => {
  it.each([
    'https://a2a.northwind.example/agents/northwind-store-01/track/ord_northwind-store-01_17',
    'http://localhost:8080/a2a',
    'https://shop.example',
    'https://a-b.c2/x~y/./z_',
  ])('says yes quickly to %s', (url) => {
    expect(isPlainHttpUrl(url)).toBe(true);
    expect(URL.canParse(url)).toBe(true);
  });

  it.each([
    'https://999.1.1.1/',
    'https://1.2.3.4',
    'https://a..b/',
    'https://.a/',
    'https://xn--zz.example/',
    'https://a.b:99999/',
    'https://a.b/c?d=1',
    'https://A.example/',
    'ftp://a.example/',
    'track ord_1',
  ])('leaves %s to the URL parser', (url) => {
    expect(isPlainHttpUrl(url)).toBe(false);
  });

  it('accepts nothing the WHATWG URL parser refuses', () => {
    const piece = fc.constantFrom('a', 'z', 'x', 'n', '0', '9', '.', '-', '/', ':', '_', '~', 'A', '%', '?', '#', '@', ' ', 'xn--', '..', '65535', '65536', '0x1');
    const url = fc.tuple(fc.constantFrom('https://', 'http://', 'https:/', ''), fc.array(piece, { maxLength: 24 })).map(([scheme, parts]) => scheme + parts.join(''));
    // Shaped like a URL: labels that may be numeric, hex, punycode or empty; a port; a path.
    const label = fc.constantFrom('a', 'shop', 'xn--', 'xn--zz', 'xn--ls8h', '1', '255', '999', '0x1', '-', 'a-', '');
    const shaped = fc
      .tuple(fc.constantFrom('https://', 'http://'), fc.array(label, { minLength: 1, maxLength: 5 }), fc.constantFrom('', ':', ':80', ':65535', ':65536', ':123456'), fc.array(piece, { maxLength: 6 }))
      .map(([scheme, labels, port, path]) => `${scheme}${labels.join('.')}${port}${path.length > 0 ? '/' : ''}${path.join('')}`);
    for (const gen of [url, shaped]) {
      fc.assert(
        fc.property(gen, (u) => {
          if (isPlainHttpUrl(u)) expect(URL.canParse(u)).toBe(true);
        }),
        { numRuns: 20_000 },
      );
    }
  });
});

/** The reference: the shape by a regular expression, the calendar by Date. */
function referenceDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return mo >= 1 && mo <= 12 && d >= 1 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function referenceDateTime(v: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/.exec(v);
  return m !== null && referenceDate(m[1]!) && Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4]) <= 59;
}

describe('isDate and isDateTime', () => {
  it('agree with a regular expression and the calendar on strings near the shape', () => {
    const digits = (n: number) => fc.array(fc.constantFrom('0', '1', '2', '3', '4', '5', '9', 'a', '/', ' ', ':', '?'), { minLength: n - 1, maxLength: n + 1 }).map((a) => a.join(''));
    const sep = (c: string) => fc.constantFrom(c, c, c, c, 'x', '');
    // Mostly the values at the edges of each field's range, so that near misses are common.
    const edges = (n: number) => (n === 4 ? fc.constantFrom('0000', '1900', '2000', '2024', '2025', '9999') : fc.constantFrom('00', '01', '02', '04', '11', '12', '13', '23', '24', '28', '29', '30', '31', '32', '59', '60', '99'));
    const numbers = (n: number) => fc.oneof({ arbitrary: edges(n), weight: 6 }, { arbitrary: digits(n), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: 10 ** n - 1 }).map((x) => String(x).padStart(n, '0')), weight: 1 });
    const date = fc.tuple(numbers(4), sep('-'), numbers(2), sep('-'), numbers(2)).map((p) => p.join(''));
    const fraction = fc.oneof(fc.constant(''), fc.constant('.'), numbers(1).map((d) => `.${d}`), fc.integer({ min: 0, max: 12 }).map((n) => `.${'7'.repeat(n)}`));
    const dateTime = fc.tuple(date, sep('T'), numbers(2), sep(':'), numbers(2), sep(':'), numbers(2), fraction, sep('Z')).map((p) => p.join(''));
    fc.assert(
      fc.property(date, (v) => {
        expect(isDate(v)).toBe(referenceDate(v));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(dateTime, (v) => {
        expect(isDateTime(v)).toBe(referenceDateTime(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agree on valid timestamps with one character changed', () => {
    const valid = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
    const changed = fc.tuple(valid, fc.nat(), fc.constantFrom(...'0123456789:;?/-.TZ x')).map(([v, at, c]) => v.slice(0, at % v.length) + c + v.slice((at % v.length) + 1));
    fc.assert(
      fc.property(changed, (v) => {
        expect(isDateTime(v)).toBe(referenceDateTime(v));
        expect(isDate(v.slice(0, 10))).toBe(referenceDate(v.slice(0, 10)));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['2024-02-29T23:59:59Z', '2000-02-29T00:00:00.5Z', '2025-12-31T00:00:00.123456789Z'])('accepts %s', (v) => {
    expect(isDateTime(v)).toBe(true);
  });

  it.each(['1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-00-10T00:00:00Z', '2025-01-01T00:00:00.1234567890Z', '2025-01-01T00:00:00'])('refuses %s', (v) => {
    expect(isDateTime(v)).toBe(false);
  });
});
