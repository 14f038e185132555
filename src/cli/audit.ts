/** `a2a-sim audit verify <file>`: recomputes an audit log (or a trace) and reports the first tampered entry. */
import { readFileSync } from 'node:fs';
import { verifyAuditLog } from '../trust/audit-verify.js';
import { ExitCode, UsageError } from './exit-codes.js';

export function auditVerifyCommand(file: string, opts: { root?: string }): number {
  // A Merkle root is 64 hex digits, in either case; anything else is a mistyped option, not tampering.
  const expected = opts.root?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) throw new UsageError(`--root ${opts.root}: expected a Merkle root of 64 hex digits`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as Error).message})`);
  }
  const finding = verifyAuditLog(text.split('\n'));
  if (!finding.ok) {
    process.stdout.write(`${file}:${finding.line}: ${finding.problem}\n`);
    return ExitCode.budgetBreached;
  }
  if (finding.entries === 0) throw new UsageError(`${file}: no audit entries (run with --audit FILE, or a trace of a scenario whose audit trail is on)`);
  if (expected !== undefined && expected !== finding.merkleRoot) {
    process.stdout.write(`${file}: the Merkle root ${finding.merkleRoot} is not the expected ${expected}\n`);
    return ExitCode.budgetBreached;
  }
  const checked = finding.trailer ? 'chains, heads and Merkle root' : 'chains (no trailer: heads not checked; compare the root with --root)';
  process.stdout.write(`${file}: intact: ${finding.entries} entries of ${finding.agents} agents; ${checked}; Merkle root ${finding.merkleRoot}\n`);
  return ExitCode.ok;
}
