/**
 * The UTF-8 bytes of a value's RFC 8785 text, written straight into one reusable buffer, for
 * hashing. The text is canonicalJson's, byte for byte (tests hold the two together); building it
 * as a string first made about a kilobyte of scratch per accepted quote (JSON.stringify grows its
 * text in parts) that was thrown away as soon as it was hashed.
 *
 * Only the trees that canonicalJson writes with JSON.stringify are written here: plain objects
 * whose keys are already in RFC 8785's order, dense arrays, finite numbers, well-formed strings,
 * booleans and null, at most 64 deep. For anything else it answers undefined, and the caller
 * takes canonicalJson's text.
 */

const MAX_DEPTH = 64;

let buffer = Buffer.allocUnsafe(4096);
let at = 0;

/** Not writable here (see the module's comment): thrown to leave every level at once. */
const NOT_HERE = new Error('not a tree written here');

/**
 * A view of the bytes of `value`'s canonical text, valid until the next call, or undefined when
 * canonicalJson must write it.
 */
export function canonicalBytes(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  at = 0;
  try {
    write(value, 0);
  } catch (err) {
    if (err === NOT_HERE) return undefined;
    throw err;
  }
  return buffer.subarray(0, at);
}

/** Room for `n` more bytes. */
function room(n: number): void {
  if (at + n <= buffer.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * buffer.length, at + n));
  buffer.copy(bigger, 0, 0, at);
  buffer = bigger;
}

function write(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeString(value);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_HERE;
      // ECMAScript's Number-to-String is RFC 8785's (and JSON.stringify's); -0 becomes 0.
      writeAscii(String(value));
      return;
    case 'boolean':
      writeAscii(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) writeAscii('null');
      else if (depth >= MAX_DEPTH) throw NOT_HERE;
      else if (Array.isArray(value)) writeArray(value, depth);
      else writeObject(value, depth);
      return;
    default:
      throw NOT_HERE;
  }
}

function writeArray(list: readonly unknown[], depth: number): void {
  // JSON.stringify would call it (and so canonicalJson).
  if (typeof (list as { toJSON?: unknown }).toJSON === 'function') throw NOT_HERE;
  room(1);
  buffer[at++] = 0x5b; // [
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (v === undefined) throw NOT_HERE;
    if (i > 0) {
      room(1);
      buffer[at++] = 0x2c; // ,
    }
    write(v, depth + 1);
  }
  room(1);
  buffer[at++] = 0x5d; // ]
}

function writeObject(value: object, depth: number): void {
  const proto = Object.getPrototypeOf(value) as unknown;
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_HERE;
  room(1);
  buffer[at++] = 0x7b; // {
  let previous = '';
  let first = true;
  for (const k in value) {
    // Keys in ascending UTF-16 order, as RFC 8785 sorts them: else canonicalJson sorts.
    if (!first && !(previous < k)) throw NOT_HERE;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') throw NOT_HERE;
    if (!first) {
      room(1);
      buffer[at++] = 0x2c; // ,
    }
    writeString(k);
    room(1);
    buffer[at++] = 0x3a; // :
    write(v, depth + 1);
    previous = k;
    first = false;
  }
  room(1);
  buffer[at++] = 0x7d; // }
}

/** A string as JSON: printable ASCII byte by byte, anything else as JSON.stringify writes it. */
function writeString(s: string): void {
  const n = s.length;
  room(n + 2);
  const start = at;
  buffer[at++] = 0x22; // "
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // " and \ are escaped, and below space or above ~ is control or non-ASCII.
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      at = start;
      writeEscaped(s);
      return;
    }
    buffer[at++] = c;
  }
  buffer[at++] = 0x22;
}

function writeEscaped(s: string): void {
  // A lone surrogate has no UTF-8: canonicalJson goes to the reference, which refuses it.
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw NOT_HERE;
  const text = JSON.stringify(s);
  room(3 * text.length);
  at += buffer.write(text, at, 'utf8');
}

function writeAscii(text: string): void {
  const n = text.length;
  room(n);
  for (let i = 0; i < n; i++) buffer[at++] = text.charCodeAt(i);
}
