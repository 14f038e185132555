import { describe, expect, it } from 'vitest';
import { IdMaker } from '../../src/protocol/ids.js';

describe('IdMaker', () => {
  it('makes the same ids a template literal would, for every width of the number', () => {
    const ids = new IdMaker('msg_globex-procurement-3_');
    for (const n of [0, 1, 9, 10, 99, 100, 12345, 7, 1_000_000, 2 ** 40]) expect(ids.make(n)).toBe(`msg_globex-procurement-3_${n}`);
  });
});
