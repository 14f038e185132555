/**
 * Value rules of the protocol (money precision, identifier and timestamp shapes, lengths).
 * Zod describes each message's structure; these rules run as a single check per message,
 * because a zod check per leaf costs ~0.1 µs each and a message has dozens of leaves.
 * Problems are reported as ordinary zod issues with their paths.
 */
import type { z } from 'zod';
import { isWireMoney } from './money.js';

type Issues = z.core.ParsePayload['issues'];
/** Where a value sits in a message: keys and indices from the root. */
export type Path = readonly (string | number)[];
type Key = string | number | undefined;

function join(at: Path, a: Key, b: Key, c: Key, d: Key): (string | number)[] {
  const path = [...at];
  for (const k of [a, b, c, d]) if (k !== undefined) path.push(k);
  return path;
}

/** No lone surrogates (String.prototype.isWellFormed, ES2024): such text has no UTF-8 and no RFC 8785 form. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

// Shapes are checked by small scanners, written out position by position (a loop over a table of
// positions took twice as long), except the two read in every message: identifiers by a regular
// expression that looks for a character outside their range, and timestamps by one for their
// shape (faster than reading the characters one call at a time here).

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A character outside printable ASCII without space. */
const NOT_ID_CHARACTER = /[^\x21-\x7e]/;

/** 1-200 printable ASCII characters without spaces: the shape of every identifier on the wire. */
export function isId(value: string): boolean {
  const n = value.length;
  return n !== 0 && n <= 200 && !NOT_ID_CHARACTER.test(value);
}

/** "agent:" followed by 1-128 of [A-Za-z0-9._-]. */
function isAgentId(value: string): boolean {
  const n = value.length;
  if (n < 7 || n > 134 || !value.startsWith('agent:')) return false;
  for (let i = 6; i < n; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 95 || c === 45;
    if (!ok) return false;
  }
  return true;
}

/**
 * The two-digit number at `at`, or -1 unless both are digits. (A code minus 48 taken unsigned is
 * at most 9 only for a digit: one comparison per character.)
 */
function twoDigits(value: string, at: number): number {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/**
 * The last date that passed: a run's quotes name the same few delivery dates over and over, and a
 * text equal to one that passed passes.
 */
let lastDate = '';

/** YYYY-MM-DD with a real month and day. */
export function isDate(value: string): boolean {
  if (value === lastDate) return true;
  if (!(value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && isRealDate(twoDigits(value, 0), twoDigits(value, 2), twoDigits(value, 5), twoDigits(value, 8)))) return false;
  lastDate = value;
  return true;
}

/** Century, year, month and day (each -1 when not two digits) make a real date. */
function isRealDate(century: number, year: number, month: number, day: number): boolean {
  return century >= 0 && year >= 0 && month >= 1 && month <= 12 && day >= 1 && (day <= 28 || realDay(century * 100 + year, month, day));
}

/**
 * RFC 3339 UTC timestamp: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1-9 digits, then Z, with
 * month, day (to 31), hour, minute and second in range. Every message has one or two: a regular
 * expression reads them in native code (a scan by charCodeAt costs a call per character), and a
 * day past the 28th is then checked against its month.
 */
const DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

export function isDateTime(v: string): boolean {
  if (!DATE_TIME.test(v)) return false;
  const d0 = v.charCodeAt(8);
  // 29, 30 or 31
  if (d0 !== 51 && (d0 !== 50 || v.charCodeAt(9) !== 57)) return true;
  return realDay(twoDigits(v, 0) * 100 + twoDigits(v, 2), twoDigits(v, 5), twoDigits(v, 8));
}

function isUpper(value: string, length: number): boolean {
  if (value.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** "sha256:" and 64 lowercase hex digits. */
function isTransactionHash(value: string): boolean {
  if (value.length !== 71 || !value.startsWith('sha256:')) return false;
  for (let i = 7; i < 71; i++) {
    const c = value.charCodeAt(i);
    if (!(isDigit(c) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a day above 28 is in the month (1-12) of the year. */
function realDay(year: number, month: number, day: number): boolean {
  if (day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month !== 2 || day !== 29) return true;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isLowerAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || isDigit(c);
}

/**
 * A quick yes for the common shape of URL: http(s)://host[:port][/path], the host made of
 * dot-separated labels of [a-z0-9-], none of them punycode, the last starting with a letter (so
 * it is a domain, never an IPv4 address), the path of unreserved characters and slashes.
 * Everything it accepts the WHATWG URL parser accepts too (tested); anything else is left to
 * that parser, which costs microseconds.
 */
export function isPlainHttpUrl(value: string): boolean {
  const n = value.length;
  let i = value.startsWith('https://') ? 8 : value.startsWith('http://') ? 7 : -1;
  if (i < 0 || n > 2000) return false;
  const hostStart = i;
  let labelStart = i;
  let lastLabelStart = i;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (i === labelStart) return false;
      labelStart = lastLabelStart = i + 1;
    } else if (!(isLowerAlnum(c) || c === 45)) break;
  }
  if (i === labelStart) return false;
  const first = value.charCodeAt(lastLabelStart);
  if (!(first >= 97 && first <= 122)) return false;
  // A label starting xn-- is punycode, which the parser decodes and may refuse.
  const punycode = value.indexOf('xn--', hostStart);
  if (punycode >= 0 && punycode < i) return false;
  if (i < n && value.charCodeAt(i) === 58) {
    let port = 0;
    const from = ++i;
    for (; i < n && isDigit(value.charCodeAt(i)) && i - from < 5; i++) port = port * 10 + value.charCodeAt(i) - 48;
    if (i === from || port > 65535) return false;
  }
  if (i === n) return true;
  if (value.charCodeAt(i) !== 47) return false;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    // unreserved (RFC 3986: A-Z a-z 0-9 - . _ ~) and /
    if (!(isLowerAlnum(c) || (c >= 65 && c <= 90) || c === 45 || c === 46 || c === 95 || c === 126 || c === 47)) return false;
  }
  return true;
}

/** Collects issues at paths below the value the check is attached to. */
export class RuleContext {
  constructor(
    private readonly issues: Issues,
    private readonly input: unknown,
  ) {}

  /** How many problems have been recorded so far. */
  get problems(): number {
    return this.issues.length;
  }

  /** Records a problem at `at` followed by up to four more keys (paths are built only on failure). */
  fail(message: string, at: Path, a?: Key, b?: Key, c?: Key, d?: Key): void {
    this.issues.push({ code: 'custom', message, path: join(at, a, b, c, d), input: this.input });
  }

  money(value: number | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !(value >= 0 && isWireMoney(value))) this.fail('expected a non-negative money amount with at most two decimal places', at, a, b, c);
  }

  id(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !isId(value)) this.fail('expected an identifier of 1-200 printable characters without spaces', at, a, b, c);
  }

  agent(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!isAgentId(value)) this.fail('expected "agent:<id>"', at, a, b, c);
  }

  dateTime(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!isDateTime(value)) this.fail('expected an RFC 3339 UTC timestamp', at, a, b, c);
  }

  date(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !isDate(value)) this.fail('expected a date YYYY-MM-DD', at, a, b, c);
  }

  currency(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !isUpper(value, 3)) this.fail('expected an ISO 4217 currency code', at, a, b, c);
  }

  country(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!isUpper(value, 2)) this.fail('expected an ISO 3166 country code', at, a, b, c);
  }

  transactionHash(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!isTransactionHash(value)) this.fail('expected "sha256:<64 hex>"', at, a, b, c);
  }

  url(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!isPlainHttpUrl(value) && !URL.canParse(value)) this.fail('expected a URL', at, a, b, c);
  }

  quantity(value: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!(Number.isSafeInteger(value) && value > 0)) this.fail('expected a positive integer', at, a, b, c);
  }

  text(value: string | undefined, min: number, max: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && (value.length > max || value.length < min || !wellFormed(value))) this.fail(`expected text of ${min}-${max} characters (well-formed UTF-16)`, at, a, b, c);
  }

  /** Each SKU once: a second line for the same SKU would be priced and stocked on its own. */
  distinctSkus(items: readonly { readonly sku: string }[], at: Path, key: string): void {
    for (let i = 1; i < items.length; i++) {
      for (let j = 0; j < i; j++) {
        if (items[j]!.sku === items[i]!.sku) {
          this.fail(`SKU ${items[i]!.sku} is on line ${j} already`, at, key, i, 'sku');
          break;
        }
      }
    }
  }

  count(list: readonly unknown[], min: number, max: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (list.length < min || list.length > max) this.fail(`expected ${min}-${max} entries`, at, a, b, c);
  }
}
