/** The security part of the console summary and of summary.md. */
import type { Results } from '../metrics/results.js';
import { PRICE_DEVIATION_LIMIT } from '../metrics/security.js';
import { DEFAULT_WIDTH, fitTable, wrapText } from './fit.js';
import { int, pct } from './format.js';
import type { Baseline } from './report.js';

function codes(byCode: Record<string, number> | undefined): string {
  return Object.entries(byCode ?? {})
    .map(([c, n]) => `${c} ${int(n)}`)
    .join(', ');
}

function rows(r: Results): string[][] {
  const s = r.security;
  return Object.entries(s.attempts).map(([kind, n]) => [kind, int(n), codes(s.hostile_rejections[kind]), int(s.accepted_hostile[kind] ?? 0)]);
}

/** A line of text within `width`: its `; `-separated parts one a line when it is too long, each wrapped at spaces and indented after the first line. */
function fitLine(line: string, width: number): string {
  if (line.length <= width) return line;
  const parts = line.split('; ');
  return parts
    .map((part, i) => wrapText(`${part}${i < parts.length - 1 ? ';' : ''}`, width - 2).replace(/\n/g, '\n  '))
    .map((part, i) => (i === 0 ? part : `  ${part}`))
    .join('\n');
}

function headline(r: Results): string {
  const s = r.security;
  const audit = r.audit ? `; audit trail: ${int(r.audit.entries)} entries, Merkle root ${r.audit.merkle_root.slice(0, 16)}…` : '';
  // Counted on receipt: an error reply goes back for each, except for a rejected error (errors are
  // never answered), so these can exceed the error replies of the messages table.
  const honest = Object.keys(s.honest_rejections).length > 0 ? `; honest messages rejected on receipt (each answered with an error reply unless it is an error itself): ${codes(s.honest_rejections)}` : '';
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
  if (b === null) return `honest buyers' success rate ${pct(r.negotiation.success_rate)} (${int(r.negotiation.count)} negotiations); no run without the adversaries: ${baseline.not_run ?? 'not made'}`;
  return `honest buyers' success rate ${pct(r.negotiation.success_rate)} (${int(r.negotiation.count)} negotiations); without the adversaries ${pct(b.success_rate)} (${int(b.negotiations)})`;
}

/** Console lines: a headline, and with adversaries a table by kind and the honest success beside the baseline. */
export function renderSecurity(r: Results, baseline?: Baseline, width = DEFAULT_WIDTH): string {
  const out = [fitLine(headline(r), width)];
  if (r.security.attempts_total > 0) {
    out.push(
      fitTable(['hostile kind', 'attempts', 'rejected (by code)', 'accepted'], rows(r), { width, wrap: [2], key: true }),
      fitLine(`accepted hostile actions: ${int(r.security.accepted_hostile_total)}; flood messages admitted within the per-sender limit: ${int(r.security.flood_admitted_within_rate_limit)}`, width),
    );
  }
  const quarantine = quarantineLine(r);
  if (quarantine) out.push(fitLine(quarantine, width));
  const honest = honestLine(r, baseline);
  if (honest) out.push(fitLine(honest, width));
  if (r.security.anomalies.length > 0) out.push(fitLine(`flagged senders: ${r.security.anomalies.map((a) => `${a.agent} (${whyFlagged(a)})`).join(', ')}`, width));
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

/** Why a sender was flagged, in its own figures: rejections, signature failures or quotes far off the market. */
function whyFlagged(a: Results['security']['anomalies'][number]): string {
  const reasons: string[] = [];
  if (a.rejected > 0) reasons.push(`${pct(a.rejection_rate)} of ${a.received} rejected`);
  if (a.signature_failures > 0) reasons.push(`${a.signature_failures} signature failures`);
  if (a.price_outliers > 0) reasons.push(`${a.price_outliers} of ${a.quotes} quotes over ${Math.round(PRICE_DEVIATION_LIMIT * 100)}% off the market price`);
  return reasons.length > 0 ? reasons.join(', ') : `${pct(a.rejection_rate)} rejected`;
}
