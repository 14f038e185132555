/**
 * Identifiers of the form `<prefix><n>` (msg_<agent>_<n>, q_<agent>_<n>, …), built flat.
 *
 * A template literal of 13 characters or more is a rope of parts (one object per `+`), and the
 * first reader that scans it (the broker's validation) flattens it into a new string: four
 * allocations per id. Built from character codes in one call, the id is one flat string.
 */
export class IdMaker {
  private readonly codes: number[];
  private readonly base: number;
  private digits = 0;

  constructor(prefix: string) {
    this.codes = Array.from(prefix, (c) => c.charCodeAt(0));
    this.base = this.codes.length;
  }

  /** `<prefix><n>` for a non-negative integer n. */
  make(n: number): string {
    let d = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
    const c = this.codes;
    if (d !== this.digits) {
      c.length = this.base + d;
      this.digits = d;
    }
    let x = n;
    for (let i = this.base + d - 1; i >= this.base; i--) {
      c[i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    return String.fromCharCode.apply(null, c);
  }
}
