/**
 * Recomputes a written audit log (or the `audit` lines of a trace): each entry's digest from its
 * message, each chain value from the previous one, the order of each agent's entries, and every
 * chain head and the Merkle root against the trailer an audit log ends with (a trace has none).
 * Reports the first entry that was altered, removed or reordered. Entries are written in virtual
 * time order, so one that goes back in time was moved. In an audit log (entries on their own
 * lines, and the trailer) every line must be an entry or the trailer, with no member added; a
 * trace's other events are skipped. A file in which no line is an audit entry or trailer is no
 * audit log at all, and verifies as one without entries.
 */
import { canonicalJson } from '../protocol/canonical.js';
import { chainNext, digestOf, entryLeaf, ZERO_HEAD, type AuditEntry, type AuditSummary } from './audit.js';
import { merkleRoot } from './merkle.js';

export type AuditFinding =
  | { readonly ok: true; readonly entries: number; readonly agents: number; readonly merkleRoot: string; readonly trailer: boolean }
  | { readonly ok: false; readonly line: number; readonly problem: string };

interface ChainState {
  seq: number;
  head: Buffer;
  leaves: Buffer[];
}

interface Parsed {
  readonly line: number;
  readonly entry: AuditEntry & { chain: string; message: unknown };
}

/** The members an audit log's lines have (audit-writer.ts): anything else was added. */
const ENTRY_KEYS = new Set(['agent', 'seq', 'dir', 'vt_us', 'message_id', 'digest', 'signature', 'chain', 'message']);
const TRAILER_KEYS = new Set(['entries', 'merkle_root', 'chains']);
const CHAIN_KEYS = new Set(['agent', 'entries', 'head']);
const onlyKeys = (value: object, keys: ReadonlySet<string>): boolean => Object.keys(value).every((k) => keys.has(k));

/** True when `value` has the shape of an audit log's trailer (trust/audit.ts), and nothing more. */
function isTrailer(value: unknown): value is AuditSummary {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    onlyKeys(t, TRAILER_KEYS) &&
    Number.isInteger(t.entries) &&
    typeof t.merkle_root === 'string' &&
    Array.isArray(t.chains) &&
    t.chains.every((c: unknown) => typeof c === 'object' && c !== null && onlyKeys(c, CHAIN_KEYS) && typeof (c as Record<string, unknown>).agent === 'string' && Number.isInteger((c as Record<string, unknown>).entries) && typeof (c as Record<string, unknown>).head === 'string')
  );
}

function parse(text: string, line: number): { entry?: Parsed['entry']; trailer?: AuditSummary; bare?: boolean; other?: boolean } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not an audit entry';
  const v = value as Record<string, unknown>;
  if ('audit_end' in v) return isTrailer(v.audit_end) && Object.keys(v).length === 1 ? { trailer: v.audit_end } : 'the trailer is not an audit trailer (altered)';
  const e = (v.event === 'audit' ? v.audit : v.event === undefined ? v : undefined) as Record<string, unknown> | undefined;
  // Another event of a trace (a message delivered, say); in an audit log, a line that was added.
  if (e === undefined) return { other: true };
  const ok =
    typeof e.agent === 'string' && Number.isInteger(e.seq) && (e.dir === 'sent' || e.dir === 'received') && Number.isInteger(e.vt_us) && typeof e.message_id === 'string' && typeof e.digest === 'string' && typeof e.chain === 'string' && typeof e.message === 'object' && e.message !== null && !Array.isArray(e.message);
  if (!ok) return 'not an audit entry';
  // An audit log's entries stand alone on their lines; a trace's are its `audit` events.
  const bare = v.event === undefined;
  if (bare && !onlyKeys(e, ENTRY_KEYS)) return 'an audit entry with a member it was not written with (altered)';
  return { entry: e as unknown as Parsed['entry'], bare };
}

/** The message's canonical JSON, or undefined when it has none (canonicalisation throws). */
function canonicalOrUndefined(message: unknown): string | undefined {
  try {
    return canonicalJson(message);
  } catch {
    return undefined;
  }
}

/** Verifies the lines of an audit log or trace (blank lines are skipped). */
export function verifyAuditLog(lines: readonly string[]): AuditFinding {
  const entries: Parsed[] = [];
  let trailer: AuditSummary | undefined;
  let auditLog = false;
  let lastLine = 0;
  let unreadable: { line: number; problem: string } | undefined;
  /** the first line that is neither an entry nor the trailer (a trace's other events) */
  let firstOther: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text === '') continue;
    lastLine = i + 1;
    const p = parse(text, i + 1);
    if (typeof p === 'string') {
      // Tampering if any line of the file is an audit entry or trailer; else no audit log at all.
      unreadable ??= { line: i + 1, problem: p };
      continue;
    }
    if (p.other) {
      firstOther ??= i + 1;
    } else if (p.trailer) {
      if (trailer) return { ok: false, line: i + 1, problem: 'a second trailer' };
      trailer = p.trailer;
      auditLog = true;
    } else if (p.entry) {
      if (trailer) return { ok: false, line: i + 1, problem: 'an entry after the trailer' };
      entries.push({ line: i + 1, entry: p.entry });
      if (p.bare) auditLog = true;
    }
  }
  if (unreadable) return entries.length > 0 || trailer !== undefined ? { ok: false, ...unreadable } : { ok: true, entries: 0, agents: 0, merkleRoot: '', trailer: false };
  if (auditLog && firstOther !== undefined) return { ok: false, line: firstOther, problem: 'not an audit entry (a line was added)' };
  const present = new Map<string, Set<number>>();
  for (const { entry } of entries) {
    const set = present.get(entry.agent) ?? new Set<number>();
    set.add(entry.seq);
    present.set(entry.agent, set);
  }
  const chains = new Map<string, ChainState>();
  let lastVtUs = -Infinity;
  for (const { line, entry } of entries) {
    const where = `${entry.agent} entry ${entry.seq}`;
    // Entries are written as they happen: one earlier in virtual time than the line before was moved.
    if (entry.vt_us < lastVtUs) return { ok: false, line, problem: `${where} (at ${entry.vt_us} µs) comes after an entry at ${lastVtUs} µs (reordered)` };
    lastVtUs = entry.vt_us;
    const state = chains.get(entry.agent) ?? { seq: 0, head: ZERO_HEAD, leaves: [] };
    chains.set(entry.agent, state);
    if (entry.seq !== state.seq) {
      const missing = `${entry.agent} entry ${state.seq}`;
      const later = present.get(entry.agent)!.has(state.seq) && entry.seq > state.seq;
      const problem = entry.seq < state.seq ? `${where} is out of order (reordered or repeated)` : later ? `${where} comes before ${missing} (reordered)` : `${missing} is missing (removed)`;
      return { ok: false, line, problem };
    }
    const { signature, ...unsigned } = entry.message as { signature?: unknown };
    const canonical = canonicalOrUndefined(unsigned);
    // A message that has no canonical form (a lone surrogate, a number past double range, nesting
    // too deep) was never written by a run: the line was altered.
    if (canonical === undefined) return { ok: false, line, problem: `${where} was altered: its message has no canonical JSON form` };
    if (digestOf(canonical) !== entry.digest) return { ok: false, line, problem: `${where} was altered: its message does not match its digest` };
    if ((typeof signature === 'string' ? signature : undefined) !== entry.signature) return { ok: false, line, problem: `${where} was altered: its signature does not match the message's` };
    const base: AuditEntry = { agent: entry.agent, seq: entry.seq, dir: entry.dir, vt_us: entry.vt_us, message_id: entry.message_id, digest: entry.digest, ...(entry.signature !== undefined ? { signature: entry.signature } : {}) };
    const leaf = entryLeaf(base);
    const next = chainNext(state.head, leaf);
    if (next.toString('hex') !== entry.chain) return { ok: false, line, problem: `${where} was altered: its chain value does not follow from the entry before it` };
    state.head = next;
    state.seq++;
    state.leaves.push(leaf);
  }
  const agents = [...chains.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const root = merkleRoot(agents.flatMap((a) => chains.get(a)!.leaves)).toString('hex');
  const endLine = lastLine;
  // run --audit always ends its log with the trailer: without one, entries may be gone from its end.
  if (auditLog && !trailer) return { ok: false, line: endLine, problem: 'the trailer is missing: entries may have been removed from the end' };
  if (trailer) {
    for (const c of trailer.chains) {
      const state = chains.get(c.agent);
      const have = state?.seq ?? 0;
      if (have < c.entries) return { ok: false, line: endLine, problem: `${c.agent} entry ${have} is missing (removed): the trailer records ${c.entries} entries` };
      if (have > c.entries) return { ok: false, line: endLine, problem: `${c.agent} has ${have} entries, the trailer records ${c.entries} (altered)` };
      if (state!.head.toString('hex') !== c.head) return { ok: false, line: endLine, problem: `${c.agent}: chain head differs from the trailer's` };
    }
    const listed = new Set(trailer.chains.map((c) => c.agent));
    const extra = agents.find((a) => !listed.has(a));
    if (extra !== undefined) return { ok: false, line: endLine, problem: `${extra} is not in the trailer (entries added)` };
    if (trailer.merkle_root !== root) return { ok: false, line: endLine, problem: 'the Merkle root differs from the trailer' };
    if (trailer.entries !== entries.length) return { ok: false, line: endLine, problem: `the trailer records ${trailer.entries} entries, the log has ${entries.length} (altered)` };
  }
  return { ok: true, entries: entries.length, agents: agents.length, merkleRoot: root, trailer: trailer !== undefined };
}
