/** The strategies table of the summary (terminal and Markdown): who played what, how it went, what broke. */
import Table from 'cli-table3';
import type { Results } from '../metrics/results.js';
import { int, pct } from './format.js';

const STYLE: { head: string[]; border: string[] } = { head: [], border: [] };

function rows(r: Results): string[][] {
  return (r.strategies?.by_strategy ?? []).map((s) => [s.name, s.role, s.organisations.join(', '), int(s.negotiations), pct(s.success_rate), int(s.errors)]);
}

const HEAD = ['strategy', 'role', 'organisations', 'negotiations', 'success', 'errors'];

function firstErrors(r: Results): string[] {
  const e = r.strategies?.errors;
  if (!e || e.total === 0) return [];
  return [
    `strategy errors: ${int(e.total)} negotiation${e.total === 1 ? '' : 's'} ended with strategy_error; the first:`,
    ...e.first.slice(0, 5).map((x) => `  ${x.vt_us} µs  ${x.strategy} (${x.role}) of ${x.agent} in ${x.conversation_id}: ${x.message}`),
  ];
}

/** The strategies table for the terminal, then the first strategy errors. */
export function renderStrategies(r: Results): string {
  const t = new Table({ head: HEAD, style: STYLE });
  for (const row of rows(r)) t.push(row);
  return [t.toString(), ...firstErrors(r)].join('\n');
}

/** The same as Markdown. */
export function markdownStrategies(r: Results): string {
  const table = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows(r).map((row) => `| ${row.join(' | ')} |`)].join('\n');
  const errors = firstErrors(r);
  return ['### Strategies', table, ...(errors.length > 0 ? ['', errors.map((l) => l.trimStart()).join('\n\n')] : [])].join('\n\n');
}
