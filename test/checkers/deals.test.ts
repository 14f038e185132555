import { describe, expect, it } from 'vitest';
import { dealTerms } from '../../src/agents/store.js';
import { DealChecker } from '../../src/checkers/deals.js';
import { InvariantViolation } from '../../src/engine/kernel.js';

const H = `sha256:${'a'.repeat(64)}`;
const terms = (order: string, total = 12_345) => dealTerms(order, H, total);

function violation(fn: () => unknown): InvariantViolation {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvariantViolation);
    return err as InvariantViolation;
  }
  throw new Error('expected an InvariantViolation');
}

describe('DealChecker', () => {
  it('matches a deal both sides recorded with identical terms, in either order', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', terms('ord_1'), 10);
    c.buyerConfirmed('ord_1', terms('ord_1'), 20);
    c.buyerConfirmed('ord_2', terms('ord_2'), 30);
    c.storeExecuted('ord_2', terms('ord_2'), 40);
    expect(c.finish(50)).toEqual({ matched: 2, inDoubt: 0 });
  });

  it('raises on mismatched terms, with the virtual time and both versions', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', terms('ord_1', 12_345), 10);
    const v = violation(() => c.buyerConfirmed('ord_1', terms('ord_1', 12_344), 77));
    expect(v.virtualUs).toBe(77);
    expect(v.message).toContain('ord_1');
    expect(v.message).toContain('12345');
    expect(v.message).toContain('12344');
  });

  it('raises when an order is executed twice', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', terms('ord_1'), 10);
    c.buyerConfirmed('ord_1', terms('ord_1'), 20);
    const v = violation(() => c.storeExecuted('ord_1', terms('ord_1'), 30));
    expect(v.message).toMatch(/executed twice/);
    expect(v.virtualUs).toBe(30);
  });

  it('raises when a buyer records the same order twice', () => {
    const c = new DealChecker();
    c.buyerConfirmed('ord_1', terms('ord_1'), 10);
    expect(() => c.buyerConfirmed('ord_1', terms('ord_1'), 20)).toThrow(InvariantViolation);
  });

  it('raises at finish for a deal only the buyer recorded', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', terms('ord_1'), 10);
    c.buyerConfirmed('ord_1', terms('ord_1'), 20);
    c.buyerConfirmed('ord_9', terms('ord_9'), 30);
    const v = violation(() => c.finish(99));
    expect(v.message).toContain('ord_9');
    expect(v.virtualUs).toBe(99);
  });

  it('counts a deal only the store recorded as in doubt, not as a violation', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', terms('ord_1'), 10);
    c.storeExecuted('ord_2', terms('ord_2'), 10);
    c.buyerConfirmed('ord_2', terms('ord_2'), 20);
    expect(c.finish(30)).toEqual({ matched: 1, inDoubt: 1 });
  });

  it('accepts valid inventory levels and raises on negative or fractional ones', () => {
    const c = new DealChecker();
    expect(() => c.inventory('agent:s', 'W-1', 0, 1)).not.toThrow();
    expect(() => c.inventory('agent:s', 'W-1', 12, 1)).not.toThrow();
    expect(violation(() => c.inventory('agent:s', 'W-1', -1, 5)).message).toContain('W-1');
    expect(() => c.inventory('agent:s', 'W-1', 1.5, 5)).toThrow(InvariantViolation);
  });

  describe('merge', () => {
    it('matches records split across checkers', () => {
      const stores = new DealChecker();
      const buyers = new DealChecker();
      stores.storeExecuted('ord_1', terms('ord_1'), 10);
      stores.storeExecuted('ord_2', terms('ord_2'), 10);
      buyers.buyerConfirmed('ord_1', terms('ord_1'), 20);
      stores.merge(buyers, 100);
      expect(stores.finish(100)).toEqual({ matched: 1, inDoubt: 1 });
    });

    it('carries over matches made inside the merged checker', () => {
      const a = new DealChecker();
      const b = new DealChecker();
      b.storeExecuted('ord_1', terms('ord_1'), 10);
      b.buyerConfirmed('ord_1', terms('ord_1'), 20);
      a.storeExecuted('ord_2', terms('ord_2'), 10);
      a.buyerConfirmed('ord_2', terms('ord_2'), 20);
      a.merge(b, 30);
      expect(a.finish(30)).toEqual({ matched: 2, inDoubt: 0 });
    });

    it('gives the same finding whichever side is merged into which', () => {
      const build = () => {
        const x = new DealChecker();
        const y = new DealChecker();
        x.storeExecuted('ord_1', terms('ord_1'), 1);
        y.buyerConfirmed('ord_1', terms('ord_1'), 2);
        y.storeExecuted('ord_2', terms('ord_2'), 3);
        x.buyerConfirmed('ord_2', terms('ord_2'), 4);
        y.storeExecuted('ord_3', terms('ord_3'), 5);
        return [x, y] as const;
      };
      const [x1, y1] = build();
      x1.merge(y1, 10);
      const [x2, y2] = build();
      y2.merge(x2, 10);
      expect(x1.finish(10)).toEqual({ matched: 2, inDoubt: 1 });
      expect(y2.finish(10)).toEqual({ matched: 2, inDoubt: 1 });
    });

    it('raises when the merged records disagree on terms', () => {
      const a = new DealChecker();
      const b = new DealChecker();
      a.storeExecuted('ord_1', terms('ord_1', 100), 10);
      b.buyerConfirmed('ord_1', terms('ord_1', 101), 20);
      expect(() => a.merge(b, 30)).toThrow(InvariantViolation);
    });

    it('raises when both checkers executed the same order', () => {
      const a = new DealChecker();
      const b = new DealChecker();
      a.storeExecuted('ord_1', terms('ord_1'), 10);
      b.storeExecuted('ord_1', terms('ord_1'), 20);
      expect(violation(() => a.merge(b, 30)).message).toMatch(/executed twice/);
    });

    it('still finds a buyer-only deal after merging', () => {
      const a = new DealChecker();
      const b = new DealChecker();
      b.buyerConfirmed('ord_7', terms('ord_7'), 20);
      a.merge(b, 30);
      expect(() => a.finish(40)).toThrow(/ord_7/);
    });
  });
});

describe('DealChecker: a deal executed twice', () => {
  it('raises when one accepted quote is executed under two order ids', () => {
    const c = new DealChecker();
    c.storeExecuted('ord_1', 'ord_1|h|100', 10, 'q_store-1_7');
    expect(() => c.storeExecuted('ord_2', 'ord_2|h|100', 20, 'q_store-1_7')).toThrow(/deal q_store-1_7 executed twice \(order ord_2\)/);
  });

  it('forgets executed deals older than its memory, so memory does not grow with the run', () => {
    const c = new DealChecker(1_000);
    c.storeExecuted('ord_1', 'ord_1|h|100', 10, 'q_1');
    // Within the memory the same deal is still caught...
    expect(() => c.storeExecuted('ord_2', 'ord_2|h|100', 900, 'q_1')).toThrow(/executed twice/);
    // ...after it, the key is gone (a store no longer holds a quote that old).
    const d = new DealChecker(1_000);
    d.storeExecuted('ord_1', 'ord_1|h|100', 10, 'q_1');
    d.storeExecuted('ord_2', 'ord_2|h|100', 2_000, 'q_2');
    expect(d.toData().executed.map(([k]) => k)).toEqual(['q_2']);
    expect(() => d.storeExecuted('ord_3', 'ord_3|h|100', 2_100, 'q_1')).not.toThrow();
  });
});
