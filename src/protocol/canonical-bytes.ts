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
import { plainObject } from './canonical.js';

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
      writeNumber(value);
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
  if (!plainObject(value)) throw NOT_HERE;
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

/** Below this, an amount of cents is written exactly by its digits (see writeNumber). */
const PLAIN_CENTS_LIMIT = 1e15;

/**
 * A number as ECMAScript's Number-to-String writes it (RFC 8785's and JSON.stringify's; -0 is 0).
 * Whole numbers and amounts of at most two decimals below 10^13 are written from their digits:
 * the shortest text that reads back as such a double is its exact decimal (a double there is
 * closer than a hundredth to its neighbours), without trailing zeros. Converting a fraction to
 * text the general way costs far more, and every amount in a quote is one.
 */
function writeNumber(value: number): void {
  if (!Number.isFinite(value)) throw NOT_HERE;
  const cents = Math.round(value * 100);
  if (cents / 100 !== value || !(Math.abs(cents) < PLAIN_CENTS_LIMIT)) {
    writeAscii(String(value));
    return;
  }
  room(20);
  let rest = cents;
  if (rest < 0) {
    buffer[at++] = 0x2d; // -
    rest = -rest;
  }
  const whole = Math.floor(rest / 100);
  const fraction = rest - whole * 100;
  writeDigits(whole);
  if (fraction === 0) return;
  buffer[at++] = 0x2e; // .
  buffer[at++] = 48 + Math.floor(fraction / 10);
  if (fraction % 10 !== 0) buffer[at++] = 48 + (fraction % 10);
}

/** A non-negative whole number below 2^53, in decimal. */
function writeDigits(n: number): void {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let x = n;
  for (let i = at + digits - 1; i >= at; i--) {
    buffer[i] = 48 + (x % 10);
    x = Math.floor(x / 10);
  }
  at += digits;
}

function writeAscii(text: string): void {
  const n = text.length;
  room(n);
  for (let i = 0; i < n; i++) buffer[at++] = text.charCodeAt(i);
}
