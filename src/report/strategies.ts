/** The strategies table of the summary (terminal and Markdown): who played what, how it went, what broke. */
import type { Results } from '../metrics/results.js';
import { DEFAULT_WIDTH, fitTable } from './fit.js';
import { int, markdownTable, pct } from './format.js';

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

/** The strategies table for the terminal (fitted to `width`), then the first strategy errors. */
export function renderStrategies(r: Results, width = DEFAULT_WIDTH): string {
  return [fitTable(HEAD, rows(r), { width, wrap: [2], key: true }), ...firstErrors(r)].join('\n');
}

/** The same as Markdown. */
export function markdownStrategies(r: Results): string {
  const table = markdownTable(HEAD, rows(r));
  const errors = firstErrors(r);
  return ['### Strategies', table, ...(errors.length > 0 ? ['', errors.map((l) => l.trimStart()).join('\n\n')] : [])].join('\n\n');
}
