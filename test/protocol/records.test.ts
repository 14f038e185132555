import { describe, expect, it } from 'vitest';
import { DiscoveryRecord, ExecutionRecord } from '../../src/protocol/records.js';
import { transactionHash } from '../../src/protocol/hash.js';
import { businessProfile, quotePayload, withChange } from './fixtures.js';

function discovery() {
  return { agent: 'agent:buyer-assistant-001', category: 'headphones', profiles: [businessProfile()] };
}

function execution() {
  const quote = quotePayload();
  return {
    order_id: 'ord_xyz789',
    quote_id: quote.quote_id,
    store: 'agent:store-agent-acme',
    buyer: 'agent:buyer-assistant-001',
    transaction_hash: transactionHash(quote),
    items: quote.items,
    totals: quote.totals,
  };
}

describe('DiscoveryRecord', () => {
  it('accepts what a buyer found, including finding nothing', () => {
    expect(DiscoveryRecord.safeParse(discovery()).success).toBe(true);
    expect(DiscoveryRecord.safeParse(withChange(discovery(), ['profiles'], [])).success).toBe(true);
  });

  it('rejects a bad agent, an empty category and an invalid profile', () => {
    expect(DiscoveryRecord.safeParse(withChange(discovery(), ['agent'], 'buyer-assistant-001')).success).toBe(false);
    expect(DiscoveryRecord.safeParse(withChange(discovery(), ['category'], '')).success).toBe(false);
    expect(DiscoveryRecord.safeParse(withChange(discovery(), ['profiles', 0, 'transports', 'a2a', 'protocol_version'], '0.9')).success).toBe(false);
  });
});

describe('ExecutionRecord', () => {
  it('accepts an executed quote', () => {
    const result = ExecutionRecord.safeParse(execution());
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it.each([
    ['a bad transaction hash', ['transaction_hash'], 'sha256:...'],
    ['no items', ['items'], []],
    ['an empty order id', ['order_id'], ''],
    ['a store that is not an agent identifier', ['store'], 'acme'],
    ['a total with three decimals', ['totals', 'total'], 174.385],
  ] as [string, (string | number)[], unknown][])('rejects %s', (_name, path, value) => {
    const result = ExecutionRecord.safeParse(withChange(execution(), path, value));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path.join('.'));
  });
});
