/**
 * Entries by number, for keys an owner hands out itself in increasing order (1, 2, 3…: a store's
 * quotes, a buyer's conversations). Slot i holds number `first + i`, or nothing once that entry
 * is gone; slots [head, end) are in use, those before `head` are empty. Entries mostly go in the
 * order they came, so the table stays about as long as what is live: once the empty slots before
 * `head` are half of those in use, the rest move down in place, and the array keeps its room (an
 * owner that adds and drops steadily does not grow and drop arrays). A lookup is an index, not a
 * hash: no key to hash, no bucket to visit.
 */
export class NumberedTable<T> {
  private slots: (T | undefined)[] = [];
  private first = 0;
  private head = 0;
  private end = 0;
  private count = 0;

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  get(key: number): T | undefined {
    const i = key - this.first;
    return i >= this.head && i < this.end ? this.slots[i] : undefined;
  }

  /** Adds an entry numbered above every one added before (since the table was last empty). */
  add(key: number, value: T): void {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`entry number ${key}: expected a non-negative integer`);
    if (this.count === 0) {
      // Every slot is empty: start over from slot 0.
      this.first = key;
      this.head = 0;
      this.end = 0;
    }
    const i = key - this.first;
    if (i < this.end) throw new RangeError(`entry number ${key} is not above those already held`);
    const slots = this.slots;
    while (this.end < i) slots[this.end++] = undefined;
    slots[this.end++] = value;
    this.count++;
  }

  /** Drops the entry numbered `key`; false when there was none. */
  delete(key: number): boolean {
    const i = key - this.first;
    if (i < this.head || i >= this.end || this.slots[i] === undefined) return false;
    this.slots[i] = undefined;
    this.count--;
    this.skipEmpty();
    return true;
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.end = 0;
    this.count = 0;
  }

  /** The entry with the lowest number still held. */
  oldest(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The entries held, lowest number first (a copy: the table may change while it is gone through). */
  values(): T[] {
    const out: T[] = [];
    for (let i = this.head; i < this.end; i++) {
      const v = this.slots[i];
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  private skipEmpty(): void {
    const slots = this.slots;
    while (this.head < this.end && slots[this.head] === undefined) this.head++;
    if (this.head > 64 && 2 * this.head > this.end) {
      const moved = this.end - this.head;
      slots.copyWithin(0, this.head, this.end);
      slots.fill(undefined, moved, this.end);
      this.first += this.head;
      this.end = moved;
      this.head = 0;
    }
  }
}

/**
 * n for an identifier that ends in a number written by IdMaker (`<prefix><n>`: no sign, no
 * leading zero), read from the end; -1 when it does not end in one. The prefix is not checked:
 * the caller compares the entry it finds with the identifier.
 */
export function trailingNumber(id: string): number {
  const n = id.length;
  let from = n;
  while (from > 0 && n - from < 15) {
    const d = id.charCodeAt(from - 1) - 48;
    if (d < 0 || d > 9) break;
    from--;
  }
  if (from === n || (id.charCodeAt(from) === 48 && n - from > 1)) return -1;
  let value = 0;
  for (let i = from; i < n; i++) value = value * 10 + id.charCodeAt(i) - 48;
  return value;
}
