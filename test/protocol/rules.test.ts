import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainHttpUrl } from '../../src/protocol/rules.js';

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
