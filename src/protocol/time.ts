/** Wire timestamps and dates derived from virtual time (integer microseconds since the scenario epoch). */

const US_PER_MS = 1000;

// Formatting a Date costs ~0.3 µs; only the calendar day needs it, the clock time is arithmetic.
let cachedDay = NaN;
let cachedDayPrefix = '';
const US_PER_DAY = 86_400_000_000;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

let cachedSecond = NaN;
/** Character codes of YYYY-MM-DDTHH:MM:SS for the cached second. */
const secondCodes = new Array<number>(19).fill(48);
const US_PER_SECOND = 1_000_000;

/**
 * RFC 3339 timestamp with microsecond precision for `epochMs + virtualUs`.
 *
 * Built from character codes in one call, so the string is flat from the start: a string
 * concatenated from parts is a rope that every later reader (the broker's validation first)
 * must flatten, which cost more than building it.
 */
export function isoTimestamp(epochMs: number, virtualUs: number): string {
  const totalUs = epochMs * US_PER_MS + virtualUs;
  const second = Math.floor(totalUs / US_PER_SECOND);
  if (second !== cachedSecond) {
    // Everything up to the fraction changes once a second: build it then.
    const day = Math.floor(totalUs / US_PER_DAY);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedDayPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11); // YYYY-MM-DDT
    }
    let rest = second * US_PER_SECOND - day * US_PER_DAY;
    const hours = Math.floor(rest / 3_600_000_000);
    rest -= hours * 3_600_000_000;
    const minutes = Math.floor(rest / 60_000_000);
    rest -= minutes * 60_000_000;
    const seconds = Math.floor(rest / 1_000_000);
    cachedSecond = second;
    const prefix = `${cachedDayPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}`;
    for (let i = 0; i < 19; i++) secondCodes[i] = prefix.charCodeAt(i);
  }
  const f = totalUs - second * US_PER_SECOND;
  const c = secondCodes;
  return String.fromCharCode(
    c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!,
    c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, 46,
    48 + Math.floor(f / 100_000), 48 + (Math.floor(f / 10_000) % 10), 48 + (Math.floor(f / 1_000) % 10),
    48 + (Math.floor(f / 100) % 10), 48 + (Math.floor(f / 10) % 10), 48 + (f % 10), 90,
  );
}

let cachedDateDay = NaN;
let cachedDate = '';

/** Calendar date (YYYY-MM-DD, UTC) of `epochMs + virtualUs`. */
export function isoDate(epochMs: number, virtualUs: number): string {
  const day = Math.floor((epochMs * US_PER_MS + virtualUs) / US_PER_DAY);
  if (day !== cachedDateDay) {
    cachedDateDay = day;
    cachedDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  return cachedDate;
}

/** Parses an RFC 3339 timestamp back to virtual microseconds relative to `epochMs`. */
export function virtualFromIso(epochMs: number, iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  const frac = m ? (m[1] ?? '') : '';
  const wholeMs = Date.parse(iso.replace(/\.\d+Z$/, 'Z'));
  const fracUs = Number(frac.padEnd(6, '0').slice(0, 6));
  return (wholeMs - epochMs) * US_PER_MS + fracUs;
}
