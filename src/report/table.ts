/** The console summary: a few tables over the results, each fitted to the terminal's width. */
import { renderStrategies } from './strategies.js';
import type { RunResult } from '../simulation.js';
import { DEFAULT_WIDTH, fitTable } from './fit.js';
import { budgetValue, causes, dur, firstFew, int, pct, riskLines } from './format.js';

/** Renders the summary table(s) as a string, without colour codes, no line wider than `width`. */
export function renderSummary(run: RunResult, width = DEFAULT_WIDTH): string {
  const r = run.results;
  const n = r.negotiation;
  const out: string[] = [];

  out.push(
    `${r.scenario} (seed ${r.seed}), virtual time ${dur(r.virtual_end_us)}, ${int(r.events)} events`,
    fitTable(
      ['negotiations', 'succeeded', 'success', 'held', 'rounds (mean/max)', 'latency p50', 'p99'],
      [[int(n.count), int(n.succeeded), pct(n.success_rate), int(n.held_intents), `${n.rounds.mean?.toFixed(2) ?? '–'} / ${n.rounds.max}`, dur(n.latency.p50_us), dur(n.latency.p99_us)]],
      { width },
    ),
  );
  if (r.strategies) out.push(renderStrategies(r, width));
  const model = n.opponent_model;
  if (model) out.push(fitTable(['opponent model', 'asks learned from', 'walked away', 'counters lowered'], [['buyers', int(model.updates), int(model.walked_away), int(model.proposals_lowered)]], { width, key: true }));

  const s = r.settlement;
  out.push(
    fitTable(
      ['deals', 'value', 'in doubt', 'settlement p50', 'p90', 'p99', 'max'],
      [[int(s.deals), s.value, int(s.in_doubt), dur(s.latency.p50_us), dur(s.latency.p90_us), dur(s.latency.p99_us), dur(s.latency.max_us)]],
      { width },
    ),
  );
  if (s.sagas) {
    const g = s.sagas;
    out.push(
      fitTable(
        ['sagas', 'settled', 'compensated', 'by cause', 'refused', 'step retries', 'bonds forfeited'],
        [[int(g.started), int(g.settled), int(g.compensated), causes(g.compensated_by_cause), int(g.failed), int(g.step_retries), `${int(g.bonds_forfeited.count)} (${g.bonds_forfeited.value})`]],
        { width, wrap: [3] },
      ),
    );
  }

  out.push(fitTable(['regime', 'from', 'to', 'negotiations', 'success'], n.by_regime.map((g) => [g.regime, dur(g.start_us), dur(g.end_us), int(g.count), pct(g.success_rate)]), { width, key: true }));

  const outcomes = Object.entries(n.outcomes).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${int(v)}`);
  const m = r.messages;
  // Copies a fault duplicated are delivered (and rejected as replays) without being sent again.
  const duplicated = r.faults?.messages_duplicated ?? 0;
  out.push(
    fitTable(
      ['messages sent', duplicated > 0 ? 'delivered (with fault duplicates)' : 'delivered', 'dropped', 'invalid', 'error replies sent (by code)', 'negotiation outcomes'],
      [[int(m.sent), duplicated > 0 ? `${int(m.delivered)} (${int(duplicated)} duplicates)` : int(m.delivered), int(m.dropped), int(m.invalid), Object.entries(r.errors.by_code).map(([k, v]) => `${k} ${int(v)}`).join(', ') || '0', outcomes.join(', ')]],
      { width, wrap: [4, 5] },
    ),
  );

  if (r.breakers.length > 0) {
    out.push(
      fitTable(
        ['breaker', 'opens', 'time open', 'half-open', 'final state', 'transitions'],
        r.breakers.map((b) => [b.organisation, int(b.opens), dur(b.time_open_us), dur(b.time_half_open_us), b.final_state, firstFew(b.transitions.map((t) => `${dur(t.time_us)} ${t.to}`))]),
        { width, wrap: [5], key: true },
      ),
    );
  }

  const risk = riskLines(r);
  if (risk.length > 0) out.push(fitTable(['risk', ''], risk, { width, wrap: [1], key: true }));

  if (run.budgets.length > 0) {
    out.push(fitTable(['budget', 'value', 'result'], run.budgets.map((b) => [b.expression, budgetValue(b), b.passed ? 'pass' : 'BREACHED']), { width, key: true }));
  }
  return out.join('\n');
}
