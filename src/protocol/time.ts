/** Wire timestamps and dates derived from virtual time (integer microseconds since the scenario epoch). */

const US_PER_MS = 1000;

/** RFC 3339 timestamp with microsecond precision for `epochMs + virtualUs`. */
export function isoTimestamp(epochMs: number, virtualUs: number): string {
  const totalUs = epochMs * US_PER_MS + virtualUs;
  const ms = Math.floor(totalUs / US_PER_MS);
  const subUs = totalUs - ms * US_PER_MS;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(subUs).padStart(3, '0')}Z`;
}

/** Calendar date (YYYY-MM-DD, UTC) of `epochMs + virtualUs`. */
export function isoDate(epochMs: number, virtualUs: number): string {
  return new Date(epochMs + Math.floor(virtualUs / US_PER_MS)).toISOString().slice(0, 10);
}

/** Parses an RFC 3339 timestamp back to virtual microseconds relative to `epochMs`. */
export function virtualFromIso(epochMs: number, iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  const frac = m ? (m[1] ?? '') : '';
  const wholeMs = Date.parse(iso.replace(/\.\d+Z$/, 'Z'));
  const fracUs = Number(frac.padEnd(6, '0').slice(0, 6));
  return (wholeMs - epochMs) * US_PER_MS + fracUs;
}
