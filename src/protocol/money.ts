/**
 * Money on the wire is a decimal number with at most two places; inside it is an integer
 * number of minor units. Conversions are exact: a wire value is accepted only if it is the
 * double nearest to some decimal with two places.
 */

/** Largest minor-unit amount we accept, so that every value stays an exact integer. */
export const MAX_MINOR = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** True when `value` is a finite decimal with at most two places and within range. */
export function isWireMoney(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const minor = Math.round(value * 100);
  return Math.abs(minor) <= MAX_MINOR && minor / 100 === value;
}

/** Wire decimal → integer minor units; throws on a value with more than two places. */
export function toMinor(value: number): number {
  if (!isWireMoney(value)) throw new RangeError(`not a money amount with at most two decimals: ${value}`);
  const minor = Math.round(value * 100);
  return minor === 0 ? 0 : minor; // normalise -0
}

/** Integer minor units → wire decimal (the double nearest to minor/100, which is exact). */
export function toWire(minor: number): number {
  if (!Number.isSafeInteger(minor) || Math.abs(minor) > MAX_MINOR) {
    throw new RangeError(`minor units must be a safe integer: ${minor}`);
  }
  return minor === 0 ? 0 : minor / 100;
}

/** Parses a decimal string such as "249.5" or "1,000.00"-free "1000" into minor units, or null. */
export function parseDecimalMinor(text: string): number | null {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const minor = whole * 100 + frac;
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) return null;
  return m[1] && minor !== 0 ? -minor : minor;
}

/** Formats minor units as a fixed two-place string, e.g. 17438 → "174.38". */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Rounds a real amount of minor units half away from zero to an integer (deterministic). */
export function roundMinor(amount: number): number {
  const r = Math.sign(amount) * Math.round(Math.abs(amount));
  return r === 0 ? 0 : r;
}

/** The shapes declared to moneyByReference, kept so that V8 keeps their layout. */
const referenceShapes: object[] = [];

/**
 * Declares object shapes whose amount fields should hold their numbers by reference.
 *
 * V8 lays out a field that has only ever held non-integer numbers as a number box owned by the
 * object. Each object then gets new boxes when it is made, even for amounts it shares with other
 * objects (a negotiation's subtotal, tax and shipping are in every quote). Passing the amount to
 * a function that is not inlined boxes it once more. That is 16 bytes each time.
 *
 * A field that has held something else first keeps a plain reference, and the amount is shared.
 * So each shape is made once here, with null in every field, when its module loads and before
 * any amount is stored in one. Give the keys in the same order as the literals that make the
 * objects: V8 shares a layout only between literals with the same keys in the same order.
 */
export function moneyByReference(...shapes: object[]): void {
  referenceShapes.push(...shapes);
}
