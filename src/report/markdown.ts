/** summary.md: the same figures as the console table, as Markdown. */
import { describeExternal } from '../gateway/wallclock.js';
import { markdownStrategies } from './strategies.js';
import type { Report } from './report.js';
import { budgetValue, causes, dur, int, markdownTable as table, pct, riskLines } from './format.js';
import { renderSecurityMarkdown } from './security.js';

export function renderMarkdown(report: Report): string {
  const r = report.results;
  const n = r.negotiation;
  const s = r.settlement;
  const parts = [
    `# ${r.scenario}: run summary`,
    `Scenario file \`${report.scenario_file}\`, seed \`${r.seed}\`, virtual time ${dur(r.virtual_end_us)}, ${int(r.events)} events. ` +
      `Budgets: ${report.budgets.length === 0 ? 'none' : report.passed ? 'all passed' : '**breached**'}.`,
    '## Negotiation',
    table(
      ['negotiations', 'succeeded', 'success rate', 'held intents', 'mean rounds', 'latency p50', 'p90', 'p99', 'max'],
      [[int(n.count), int(n.succeeded), pct(n.success_rate), int(n.held_intents), n.rounds.mean?.toFixed(2) ?? '–', dur(n.latency.p50_us), dur(n.latency.p90_us), dur(n.latency.p99_us), dur(n.latency.max_us)]],
    ),
    table(['outcome', 'count'], Object.entries(n.outcomes).map(([k, v]) => [k, int(v)])),
    ...(n.opponent_model
      ? ['### Opponent models', table(['asks learned from', 'walked away', 'counters lowered'], [[int(n.opponent_model.updates), int(n.opponent_model.walked_away), int(n.opponent_model.proposals_lowered)]])]
      : []),
    ...(r.strategies ? [markdownStrategies(r)] : []),
    '### By market regime',
    table(['regime', 'from', 'to', 'negotiations', 'success rate'], n.by_regime.map((g) => [g.regime, dur(g.start_us), dur(g.end_us), int(g.count), pct(g.success_rate)])),
    '### By category',
    table(['category', 'negotiations', 'success rate'], Object.entries(n.by_category).map(([k, t]) => [k, int(t.count), pct(t.success_rate)])),
    '### Busiest buyer–store pairs',
    table(['buyer', 'store', 'negotiations', 'success rate'], n.top_pairs.map((p) => [p.buyer, p.store, int(p.count), pct(p.success_rate)])),
    '## Settlement',
    table(['deals', 'value', 'in doubt', 'accept retries', 'p50', 'p90', 'p99', 'max'], [[int(s.deals), s.value, int(s.in_doubt), int(s.accept_retries), dur(s.latency.p50_us), dur(s.latency.p90_us), dur(s.latency.p99_us), dur(s.latency.max_us)]]),
    ...(s.sagas
      ? [
          table(
            ['sagas', 'settled', 'compensated', 'by cause', 'refused at execution', 'step retries', 'bonds forfeited'],
            [[int(s.sagas.started), int(s.sagas.settled), int(s.sagas.compensated), causes(s.sagas.compensated_by_cause), int(s.sagas.failed), int(s.sagas.step_retries), `${int(s.sagas.bonds_forfeited.count)} (${s.sagas.bonds_forfeited.value})`]],
          ),
        ]
      : []),
    '## Messages and errors',
    table(['type', 'sent'], Object.entries(r.messages.by_type).map(([k, v]) => [k, int(v)])),
    `Sent ${int(r.messages.sent)}; delivered ${int(r.messages.delivered)}${r.faults && r.faults.messages_duplicated > 0 ? ` (including ${int(r.faults.messages_duplicated)} copies duplicated by faults, which no agent sent)` : ''}, dropped ${int(r.messages.dropped)}, corrupted ${int(r.messages.corrupted)}, rejected as invalid ${int(r.messages.invalid)}.`,
    table(['error replies sent, by code', 'count'], Object.entries(r.errors.by_code).map(([k, v]) => [k, int(v)])),
    '## Circuit breakers',
    r.breakers.length === 0
      ? 'No breakers configured.'
      : r.breakers
          .map(
            (b) =>
              `**${b.organisation}**: ${b.opens} opening(s), ${dur(b.time_open_us)} open, ${dur(b.time_half_open_us)} half-open, final state ${b.final_state}.\n\n` +
              table(['time', 'from', 'to', 'reason'], b.transitions.map((t) => [dur(t.time_us), t.from, t.to, t.reason])),
          )
          .join('\n\n'),
    renderSecurityMarkdown(r, report.baseline),
    '## Market',
    table(['category', 'start', 'end', 'min', 'max'], r.market.map((c) => [c.category, c.start_price, c.end_price, c.min_price, c.max_price])),
  ];
  const risk = riskLines(r);
  if (risk.length > 0) parts.push('## Halts and risk controls', table(['', ''], risk));
  if (report.budgets.length > 0) {
    parts.push('## Budgets', table(['budget', 'value', 'result'], report.budgets.map((b) => [`\`${b.expression}\``, budgetValue(b), b.passed ? 'pass' : '**breached**'])));
  }
  const w = report.wallclock;
  parts.push('## Wall clock', `Ran in ${int(w.elapsed_ms)} ms on Node ${w.node}: ${int(w.messages_per_s)} messages/s, ${int(w.negotiations_per_s)} negotiations/s, peak RSS ${int(Math.round(w.peak_rss_bytes / 1048576))} MiB. These figures vary by machine; \`results\` does not.`);
  if (w.external) parts.push(`${describeExternal(w.external)}.`);
  return `${parts.join('\n\n')}\n`;
}
