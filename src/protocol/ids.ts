/**
 * Identifiers of the form `<prefix><n>` (msg_<agent>_<n>, q_<agent>_<n>, …), built flat.
 *
 * A template literal of 13 characters or more is a rope of parts (one object per `+`), and the
 * first reader that scans it (the broker's validation) flattens it into a new string: four
 * allocations per id. Built from character codes in one call, the id is one flat string.
 */
export class IdMaker {
  /** the prefix's character codes, then the last number's digits */
  private readonly codes: number[];
  private readonly base: number;
  /** the number whose digits `codes` ends with (NaN before the first) */
  private last = Number.NaN;

  constructor(prefix: string) {
    this.codes = Array.from(prefix, (c) => c.charCodeAt(0));
    this.base = this.codes.length;
  }

  /** `<prefix><n>` for a non-negative integer n. */
  make(n: number): string {
    const c = this.codes;
    // Numbers mostly come in sequence: the next one's digits are the last one's plus one.
    if (n === this.last + 1) this.increment();
    else this.write(n);
    this.last = n;
    return String.fromCharCode.apply(null, c);
  }

  /** Adds one to the digits, carrying; 9…9 becomes 10…0. */
  private increment(): void {
    const c = this.codes;
    let i = c.length - 1;
    while (i >= this.base && c[i] === 57) c[i--] = 48;
    if (i >= this.base) {
      c[i]!++;
    } else {
      c[this.base] = 49;
      c.push(48);
    }
  }

  private write(n: number): void {
    let d = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
    const c = this.codes;
    c.length = this.base + d;
    let x = n;
    for (let i = this.base + d - 1; i >= this.base; i--) {
      c[i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
  }
}
