/** The security part of the console summary and of summary.md. */
import Table from 'cli-table3';
import type { Results } from '../metrics/results.js';
import { int, pct } from './format.js';
import type { Baseline } from './report.js';

const STYLE: { head: string[]; border: string[] } = { head: [], border: [] };

function codes(byCode: Record<string, number> | undefined): string {
  return Object.entries(byCode ?? {})
    .map(([c, n]) => `${c} ${int(n)}`)
    .join(', ');
}

function rows(r: Results): string[][] {
  const s = r.security;
  return Object.entries(s.attempts).map(([kind, n]) => [kind, int(n), codes(s.hostile_rejections[kind]), int(s.accepted_hostile[kind] ?? 0)]);
}

function headline(r: Results): string {
  const s = r.security;
  const audit = r.audit ? `; audit trail: ${int(r.audit.entries)} entries, Merkle root ${r.audit.merkle_root.slice(0, 16)}…` : '';
  const honest = Object.keys(s.honest_rejections).length > 0 ? `; honest messages rejected: ${codes(s.honest_rejections)}` : '';
  return `security: signing ${s.signing}, ${int(s.messages_signed)} signed, ${int(s.signatures_verified)} verified, ${int(s.duplicates_answered)} duplicates answered${honest}${audit}`;
}

/** Senders quarantined and the messages dropped unread from them (with the table, the attempts add up). */
function quarantineLine(r: Results): string {
  const s = r.security;
  if (s.quarantined.length === 0 && s.quarantined_messages === 0) return '';
  const who = s.quarantined.map((q) => `${q.agent} (by ${int(q.by_agents)} agent${q.by_agents === 1 ? '' : 's'})`).join(', ');
  return `quarantined: ${int(s.quarantined.length)} sender${s.quarantined.length === 1 ? '' : 's'}${who ? ` ${who}` : ''}; ${int(s.quarantined_messages)} messages from them dropped unread`;
}

function honestLine(r: Results, baseline: Baseline | undefined): string {
  if (!baseline) return '';
  const b = baseline.without_adversaries;
  return `honest buyers' success rate ${pct(r.negotiation.success_rate)} (${int(r.negotiation.count)} negotiations); without the adversaries ${pct(b.success_rate)} (${int(b.negotiations)})`;
}

/** Console lines: a headline, and with adversaries a table by kind and the honest success beside the baseline. */
export function renderSecurity(r: Results, baseline?: Baseline): string {
  const out = [headline(r)];
  if (r.security.attempts_total > 0) {
    const t = new Table({ head: ['hostile kind', 'attempts', 'rejected (by code)', 'accepted'], style: STYLE });
    for (const row of rows(r)) t.push(row);
    out.push(t.toString(), `accepted hostile actions: ${int(r.security.accepted_hostile_total)}; flood messages admitted within the per-sender limit: ${int(r.security.flood_admitted_within_rate_limit)}`);
  }
  const quarantine = quarantineLine(r);
  if (quarantine) out.push(quarantine);
  const honest = honestLine(r, baseline);
  if (honest) out.push(honest);
  if (r.security.anomalies.length > 0) out.push(`flagged senders: ${r.security.anomalies.map((a) => `${a.agent} (${pct(a.rejection_rate)} rejected)`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** The same as a Markdown section. */
export function renderSecurityMarkdown(r: Results, baseline?: Baseline): string {
  const parts = ['## Security', `${headline(r).replace(/^security: signing /, 'Signing: ')}.`];
  if (r.security.attempts_total > 0) {
    parts.push(
      ['| hostile kind | attempts | rejected (by code) | accepted |', '|---|---|---|---|', ...rows(r).map((x) => `| ${x.join(' | ')} |`)].join('\n'),
      `Accepted hostile actions: **${int(r.security.accepted_hostile_total)}**. Flood messages admitted within the per-sender limit: ${int(r.security.flood_admitted_within_rate_limit)}.`,
    );
  }
  const quarantine = quarantineLine(r);
  if (quarantine) parts.push(`Q${quarantine.slice(1)}.`);
  const honest = honestLine(r, baseline);
  if (honest) parts.push(`${honest[0]!.toUpperCase()}${honest.slice(1)}.`);
  if (r.security.anomalies.length > 0) parts.push(`Flagged senders: ${r.security.anomalies.map((a) => `\`${a.agent}\` (${pct(a.rejection_rate)} rejected, ${a.signature_failures} signature failures)`).join(', ')}.`);
  return parts.join('\n\n');
}
