/**
 * Value rules of the protocol (money precision, identifier and timestamp shapes, lengths).
 * Zod describes each message's structure; these rules run as a single check per message,
 * because a zod check per leaf costs ~0.1 µs each and a message has dozens of leaves.
 * Problems are reported as ordinary zod issues with their paths.
 */
import type { z } from 'zod';
import { isWireMoney } from './money.js';

type Issues = z.core.ParsePayload['issues'];
type Path = readonly (string | number)[];
type Key = string | number | undefined;

function join(at: Path, a: Key, b: Key, c: Key, d: Key): (string | number)[] {
  const path = [...at];
  for (const k of [a, b, c, d]) if (k !== undefined) path.push(k);
  return path;
}

const ID = /^[\x21-\x7e]{1,200}$/;
const AGENT_ID = /^agent:[A-Za-z0-9._-]{1,128}$/;
const DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const TX_HASH = /^sha256:[0-9a-f]{64}$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day-of-month check for a string that already matched DATE or DATE_TIME (YYYY-MM-DD…). */
function realDay(value: string): boolean {
  const day = (value.charCodeAt(8) - 48) * 10 + (value.charCodeAt(9) - 48);
  if (day <= 28) return true;
  const month = (value.charCodeAt(5) - 48) * 10 + (value.charCodeAt(6) - 48);
  if (day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month !== 2 || day !== 29) return true;
  const year = Number(value.slice(0, 4));
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Collects issues at paths below the value the check is attached to. */
export class RuleContext {
  constructor(
    private readonly issues: Issues,
    private readonly input: unknown,
  ) {}

  /** Records a problem at `at` followed by up to four more keys (paths are built only on failure). */
  fail(message: string, at: Path, a?: Key, b?: Key, c?: Key, d?: Key): void {
    this.issues.push({ code: 'custom', message, path: join(at, a, b, c, d), input: this.input });
  }

  money(value: number | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !(value >= 0 && isWireMoney(value))) this.fail('expected a non-negative money amount with at most two decimal places', at, a, b, c);
  }

  id(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !ID.test(value)) this.fail('expected an identifier of 1-200 printable characters without spaces', at, a, b, c);
  }

  agent(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!AGENT_ID.test(value)) this.fail('expected "agent:<id>"', at, a, b, c);
  }

  dateTime(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!DATE_TIME.test(value) || !realDay(value)) this.fail('expected an RFC 3339 UTC timestamp', at, a, b, c);
  }

  date(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && (!DATE.test(value) || !realDay(value))) this.fail('expected a date YYYY-MM-DD', at, a, b, c);
  }

  currency(value: string | undefined, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && !CURRENCY.test(value)) this.fail('expected an ISO 4217 currency code', at, a, b, c);
  }

  country(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!COUNTRY.test(value)) this.fail('expected an ISO 3166 country code', at, a, b, c);
  }

  transactionHash(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!TX_HASH.test(value)) this.fail('expected "sha256:<64 hex>"', at, a, b, c);
  }

  url(value: string, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!URL.canParse(value)) this.fail('expected a URL', at, a, b, c);
  }

  quantity(value: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (!(Number.isSafeInteger(value) && value > 0)) this.fail('expected a positive integer', at, a, b, c);
  }

  text(value: string | undefined, min: number, max: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (value !== undefined && (value.length > max || value.length < min)) this.fail(`expected text of ${min}-${max} characters`, at, a, b, c);
  }

  count(list: readonly unknown[], min: number, max: number, at: Path, a?: Key, b?: Key, c?: Key): void {
    if (list.length < min || list.length > max) this.fail(`expected ${min}-${max} entries`, at, a, b, c);
  }
}
