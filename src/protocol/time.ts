/** Wire timestamps and dates derived from virtual time (integer microseconds since the scenario epoch). */

const US_PER_MS = 1000;
const US_PER_SECOND = 1_000_000;
const US_PER_DAY = 86_400_000_000;

/**
 * Formatting a Date costs ~0.3 µs, so days and seconds are formatted once and kept in small
 * direct-mapped caches: an agent writes a few nearby instants in turn (a message's own time, a
 * quote's expiry a few seconds on, a delivery date days on), which a single-entry cache would
 * keep evicting.
 */
const SLOTS = 8;

/** YYYY-MM-DD of a day since the Unix epoch. */
const cachedDays = new Float64Array(SLOTS).fill(NaN);
const cachedDates = new Array<string>(SLOTS).fill('');

function dayText(day: number): string {
  const slot = day & (SLOTS - 1);
  if (cachedDays[slot] !== day) {
    cachedDays[slot] = day;
    cachedDates[slot] = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  return cachedDates[slot]!;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Per slot: the second it holds, and the character codes of its YYYY-MM-DDTHH:MM:SS. */
const cachedSeconds = new Float64Array(SLOTS).fill(NaN);
const secondCodes = new Array<number>(SLOTS * 19).fill(48);

/** Fills `slot` with `second` (its codes at slot × 19 in `secondCodes`). */
function fillSecond(slot: number, second: number, totalUs: number): void {
  const at = slot * 19;
  const day = Math.floor(totalUs / US_PER_DAY);
  let rest = second * US_PER_SECOND - day * US_PER_DAY;
  const hours = Math.floor(rest / 3_600_000_000);
  rest -= hours * 3_600_000_000;
  const minutes = Math.floor(rest / 60_000_000);
  rest -= minutes * 60_000_000;
  const seconds = Math.floor(rest / 1_000_000);
  const prefix = `${dayText(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}`;
  for (let i = 0; i < 19; i++) secondCodes[at + i] = prefix.charCodeAt(i);
  cachedSeconds[slot] = second;
}

/**
 * The last two instants formatted (in a typed array: a plain variable would box each number it
 * held), and their texts. Two, because an agent alternates between two instants: a quote's own
 * time and its expiry.
 */
const lastUs = new Float64Array([NaN, NaN]);
const lastText = ['', ''];
/** the entry written longest ago, replaced on a miss */
let older = 0;

/**
 * RFC 3339 timestamp with microsecond precision for `epochMs + virtualUs`.
 *
 * Built from character codes in one call, so the string is flat from the start: a string
 * concatenated from parts is a rope that every later reader (the broker's validation first)
 * must flatten, which cost more than building it.
 */
export function isoTimestamp(epochMs: number, virtualUs: number): string {
  const totalUs = epochMs * US_PER_MS + virtualUs;
  // Messages sent at one instant share its text: many are, when negotiations run in step.
  if (totalUs === lastUs[0]) return lastText[0]!;
  if (totalUs === lastUs[1]) return lastText[1]!;
  const slot = older;
  older = 1 - slot;
  epochOf[0] = epochMs;
  const text = formatTimestamp(virtualUs);
  lastText[slot] = text;
  lastUs[slot] = totalUs;
  return text;
}

/**
 * The epoch of the timestamps being written, in ms (in a typed array, read by formatTimestamp):
 * a number that is not a small integer, such as an epoch in ms, is boxed when passed to a call
 * that is not inlined, 16 bytes for each call.
 */
const epochOf = new Float64Array(1);

/** The text of `epochOf[0] + virtualUs` (virtual time, a small integer, is not boxed). */
function formatTimestamp(virtualUs: number): string {
  const totalUs = epochOf[0]! * US_PER_MS + virtualUs;
  const second = Math.floor(totalUs / US_PER_SECOND);
  const slot = second & (SLOTS - 1);
  if (cachedSeconds[slot] !== second) fillSecond(slot, second, totalUs);
  const at = slot * 19;
  // The microseconds' six digits in 32-bit integer arithmetic (`| 0`): on the doubles the
  // quotients were, each `%` was a call to the C library's fmod.
  const f = (totalUs - second * US_PER_SECOND) | 0;
  const ms = (f / 1000) | 0;
  const us = f - ms * 1000;
  const ms10 = (ms / 10) | 0;
  const us10 = (us / 10) | 0;
  const ms100 = (ms10 / 10) | 0;
  const us100 = (us10 / 10) | 0;
  const c = secondCodes;
  return String.fromCharCode(
    c[at]!, c[at + 1]!, c[at + 2]!, c[at + 3]!, c[at + 4]!, c[at + 5]!, c[at + 6]!, c[at + 7]!, c[at + 8]!, c[at + 9]!,
    c[at + 10]!, c[at + 11]!, c[at + 12]!, c[at + 13]!, c[at + 14]!, c[at + 15]!, c[at + 16]!, c[at + 17]!, c[at + 18]!, 46,
    48 + ms100, 48 + ms10 - 10 * ms100, 48 + ms - 10 * ms10, 48 + us100, 48 + us10 - 10 * us100, 48 + us - 10 * us10, 90,
  );
}

/** Calendar date (YYYY-MM-DD, UTC) of `epochMs + virtualUs`. */
export function isoDate(epochMs: number, virtualUs: number): string {
  return dayText(Math.floor((epochMs * US_PER_MS + virtualUs) / US_PER_DAY));
}

/** Parses an RFC 3339 timestamp back to virtual microseconds relative to `epochMs`. */
export function virtualFromIso(epochMs: number, iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  const frac = m ? (m[1] ?? '') : '';
  const wholeMs = Date.parse(iso.replace(/\.\d+Z$/, 'Z'));
  const fracUs = Number(frac.padEnd(6, '0').slice(0, 6));
  return (wholeMs - epochMs) * US_PER_MS + fracUs;
}
