import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../src/protocol/codes.js';

describe('error codes', () => {
  it('are all lowercase snake_case', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('are unique', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('include the codes UCP and AP2 use', () => {
    for (const code of [
      'out_of_stock',
      'item_unavailable',
      'payment_failed',
      'signature_invalid',
      'key_not_found',
      'mandate_expired',
      'mandate_scope_mismatch',
      'rate_limited',
    ]) {
      expect(isErrorCode(code), code).toBe(true);
    }
  });

  it('rejects the uppercase spelling from the transport page and unknown codes', () => {
    expect(isErrorCode('ITEM_UNAVAILABLE')).toBe(false);
    expect(isErrorCode('Item_Unavailable')).toBe(false);
    expect(isErrorCode('item-unavailable')).toBe(false);
    expect(isErrorCode('teapot')).toBe(false);
    expect(isErrorCode('')).toBe(false);
  });
});
