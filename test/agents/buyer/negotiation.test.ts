import { describe, expect, it } from 'vitest';
import { Negotiations, type Negotiation } from '../../../src/agents/buyer/negotiation.js';

const negotiation = (conversationId: string) => ({ conversationId }) as Negotiation;

describe('Negotiations', () => {
  it('finds a negotiation by its conversation id, and only by that id', () => {
    const table = new Negotiations();
    const first = negotiation('conv_buyer-1_1');
    const third = negotiation('conv_buyer-1_3');
    table.add(first);
    table.add(third);
    expect(table.get('conv_buyer-1_1')).toBe(first);
    expect(table.get('conv_buyer-1_3')).toBe(third);
    expect(table.size).toBe(2);
    // Another buyer's conversation with the same number, a copy of the text, and no number at all.
    expect(table.get('conv_buyer-2_3')).toBeUndefined();
    expect(table.get(['conv_buyer-1', '3'].join('_'))).toBe(third);
    expect(table.get('conv_buyer-1_')).toBeUndefined();
    expect(table.get('conv_buyer-1_2')).toBeUndefined();
  });

  it('forgets an ended negotiation and lists the rest oldest first', () => {
    const table = new Negotiations();
    const all = [1, 2, 3, 4].map((i) => negotiation(`conv_b_${i}`));
    for (const n of all) table.add(n);
    table.delete(all[1]!);
    expect(table.get('conv_b_2')).toBeUndefined();
    expect(table.values()).toEqual([all[0], all[2], all[3]]);
    // values() is a copy: ending them all while going through it is safe.
    for (const n of table.values()) table.delete(n);
    expect(table.size).toBe(0);
  });
});
