/**
 * Console tables that fit a terminal: a table wider than the width is split into several, each
 * holding as many columns as fit (the first column repeated when it names the rows), and a
 * column of free text wraps at its spaces. No value is ever cut.
 */
import Table from 'cli-table3';

/** Terminal width assumed when the output is not a terminal. */
export const DEFAULT_WIDTH = 100;
/** Narrowest a wrapped column is made (its text lines, without padding). */
const MIN_WRAP = 16;

export interface FitOptions {
  /** terminal columns (DEFAULT_WIDTH when not a terminal) */
  readonly width?: number;
  /** columns of free text (lists) that may wrap onto several lines */
  readonly wrap?: readonly number[];
  /** the first column names the rows: repeat it in every part */
  readonly key?: boolean;
}

const STYLE: { head: string[]; border: string[] } = { head: [], border: [] };

function longestLine(text: string): number {
  return Math.max(...text.split('\n').map((l) => l.length));
}

/** Wraps `text` into lines of at most `width` characters, at spaces; a longer word is split. */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(' ')) {
      while (word.length > width) {
        if (line) out.push(line);
        line = '';
        out.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Renders `head` and `rows` as one or more tables no wider than the width. */
export function fitTable(head: readonly string[], rows: readonly (readonly string[])[], options: FitOptions = {}): string {
  const width = Math.max(40, options.width ?? DEFAULT_WIDTH);
  const wrap = new Set(options.wrap ?? []);
  const columns = head.map((_, c) => c);
  // A column's width on screen: its longest line plus a space each side and its left border.
  const natural = columns.map((c) => Math.max(longestLine(head[c]!), ...rows.map((r) => longestLine(r[c] ?? ''))) + 3);
  const key = options.key && head.length > 1 ? 0 : -1;
  const groups: { columns: number[]; textWidth: Map<number, number> }[] = [];
  let current: { columns: number[]; textWidth: Map<number, number> } | undefined;
  let used = 1;
  const open = () => {
    current = { columns: [], textWidth: new Map() };
    groups.push(current);
    used = 1;
    if (key >= 0 && groups.length > 1) {
      current.columns.push(key);
      used += natural[key]!;
    }
  };
  for (const c of columns) {
    if (current === undefined) open();
    let need = natural[c]!;
    if (used + need > width && current!.columns.length > (key >= 0 && groups.length > 1 ? 1 : 0)) {
      // Wrap into what is left when enough is left, else start the next part.
      if (wrap.has(c) && width - used - 3 >= MIN_WRAP) need = width - used;
      else open();
    }
    // Still too wide on a part of its own: wrapped, whatever it holds (wrapping cuts nothing).
    if (used + need > width) need = Math.max(MIN_WRAP + 3, width - used);
    if (need < natural[c]!) current!.textWidth.set(c, need - 3);
    current!.columns.push(c);
    used += need;
  }
  return groups
    .map((g) => {
      const cell = (text: string, c: number) => (g.textWidth.has(c) ? wrapText(text, g.textWidth.get(c)!) : text);
      const t = new Table({ head: g.columns.map((c) => cell(head[c]!, c)), style: STYLE });
      for (const r of rows) t.push(g.columns.map((c) => cell(r[c] ?? '', c)));
      return t.toString();
    })
    .join('\n');
}
