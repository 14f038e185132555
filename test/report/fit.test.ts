import { describe, expect, it } from 'vitest';
import { fitTable, wrapText } from '../../src/report/fit.js';

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
/** Every cell's text, joined back from the lines a table shows it on. */
const shown = (text: string) => text.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').replace(/\s+/g, ' ');

describe('fitTable', () => {
  const head = ['negotiations', 'succeeded', 'success', 'held', 'rounds (mean/max)', 'latency p50', 'p99', 'settlement p50', 'p90'];
  const row = ['12,345', '10,000', '81.0%', '0', '2.40 / 5', '98.751ms', '623.149ms', '42.783ms', '275.711ms'];

  it('keeps a table that fits as one', () => {
    const text = fitTable(head.slice(0, 3), [row.slice(0, 3)], { width: 80 });
    expect(text.split('\n')).toHaveLength(5);
  });

  it.each([60, 80, 100, 120])('splits a wide table into parts no wider than %i columns, every value whole', (width) => {
    const text = fitTable(head, [row], { width });
    expect(widest(text)).toBeLessThanOrEqual(width);
    for (const value of [...head, ...row]) expect(shown(text)).toContain(` ${value} `);
  });

  it('repeats the key column in every part, and wraps a column of free text at its spaces', () => {
    const list = Array.from({ length: 30 }, (_, i) => `cause_${i} ${i}`).join(', ');
    const text = fitTable(['breaker', 'opens', 'time open', 'transitions'], [['northwind', '3', '1.2s', list]], { width: 80, wrap: [3], key: true });
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(shown(text).replace(/ /g, '')).toContain(list.replace(/ /g, ''));
    expect(text).toContain('northwind');
  });
});

describe('wrapText', () => {
  it('breaks at spaces, and splits only a word longer than the width', () => {
    expect(wrapText('aa bb cc', 5)).toBe('aa bb\ncc');
    expect(wrapText('abcdefgh', 3)).toBe('abc\ndef\ngh');
  });
});
