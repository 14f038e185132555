import { describe, expect, it } from 'vitest';
import { IdMaker } from '../../src/protocol/ids.js';

describe('IdMaker', () => {
  it('makes the same ids a template literal would, for every width of the number', () => {
    const ids = new IdMaker('msg_globex-procurement-3_');
    for (const n of [0, 1, 9, 10, 99, 100, 12345, 7, 1_000_000, 2 ** 40]) expect(ids.make(n)).toBe(`msg_globex-procurement-3_${n}`);
  });

  it('counts up in sequence across every carry, and picks up again after a jump', () => {
    const ids = new IdMaker('q_');
    for (let n = 0; n <= 100_500; n++) expect(ids.make(n)).toBe(`q_${n}`);
    for (const n of [999, 1000, 1001, 5, 6, 9_999_999, 10_000_000, 10_000_001, 10_000_001, 0, 1]) expect(ids.make(n)).toBe(`q_${n}`);
  });
});
