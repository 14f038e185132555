/** The console summary: a few cli-table3 tables over the results. */
import Table from 'cli-table3';
import { renderStrategies } from './strategies.js';
import type { RunResult } from '../simulation.js';
import { budgetValue, causes, dur, int, pct, riskLines } from './format.js';

const STYLE: { head: string[]; border: string[] } = { head: [], border: [] };

/** Renders the summary table(s) as a string, without colour codes. */
export function renderSummary(run: RunResult): string {
  const r = run.results;
  const n = r.negotiation;
  const out: string[] = [];

  const main = new Table({ head: ['negotiations', 'succeeded', 'success', 'held', 'rounds (mean/max)', 'latency p50', 'p99'], style: STYLE });
  main.push([int(n.count), int(n.succeeded), pct(n.success_rate), int(n.held_intents), `${n.rounds.mean?.toFixed(2) ?? '–'} / ${n.rounds.max}`, dur(n.latency.p50_us), dur(n.latency.p99_us)]);
  out.push(`${r.scenario} (seed ${r.seed}), virtual time ${dur(r.virtual_end_us)}, ${int(r.events)} events`, main.toString());
  if (r.strategies) out.push(renderStrategies(r));
  const model = n.opponent_model;
  if (model) {
    const mt = new Table({ head: ['opponent model', 'asks learned from', 'walked away', 'counters lowered'], style: STYLE });
    mt.push(['buyers', int(model.updates), int(model.walked_away), int(model.proposals_lowered)]);
    out.push(mt.toString());
  }

  const s = r.settlement;
  const settle = new Table({ head: ['deals', 'value', 'in doubt', 'settlement p50', 'p90', 'p99', 'max'], style: STYLE });
  settle.push([int(s.deals), s.value, int(s.in_doubt), dur(s.latency.p50_us), dur(s.latency.p90_us), dur(s.latency.p99_us), dur(s.latency.max_us)]);
  out.push(settle.toString());
  if (s.sagas) {
    const g = s.sagas;
    const sagas = new Table({ head: ['sagas', 'settled', 'compensated', 'by cause', 'refused', 'step retries', 'bonds forfeited'], style: STYLE, colWidths: [null, null, null, 44, null, null, null] as unknown as number[], wordWrap: true });
    sagas.push([int(g.started), int(g.settled), int(g.compensated), causes(g.compensated_by_cause), int(g.failed), int(g.step_retries), `${int(g.bonds_forfeited.count)} (${g.bonds_forfeited.value})`]);
    out.push(sagas.toString());
  }

  const regimes = new Table({ head: ['regime', 'from', 'to', 'negotiations', 'success'], style: STYLE });
  for (const g of n.by_regime) regimes.push([g.regime, dur(g.start_us), dur(g.end_us), int(g.count), pct(g.success_rate)]);
  out.push(regimes.toString());

  const outcomes = Object.entries(n.outcomes).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${int(v)}`);
  const m = r.messages;
  const msgs = new Table({ head: ['messages', 'delivered', 'dropped', 'invalid', 'errors', 'outcomes'], style: STYLE, colWidths: [null, null, null, null, 40, 48] as unknown as number[], wordWrap: true });
  msgs.push([int(m.sent), int(m.delivered), int(m.dropped), int(m.invalid), Object.entries(r.errors.by_code).map(([k, v]) => `${k} ${int(v)}`).join(', ') || '0', outcomes.join(', ')]);
  out.push(msgs.toString());

  if (r.breakers.length > 0) {
    const br = new Table({ head: ['breaker', 'opens', 'time open', 'half-open', 'final state', 'transitions'], style: STYLE, colWidths: [null, null, null, null, null, 60] as unknown as number[], wordWrap: true });
    for (const b of r.breakers) br.push([b.organisation, int(b.opens), dur(b.time_open_us), dur(b.time_half_open_us), b.final_state, b.transitions.map((t) => `${dur(t.time_us)} ${t.to}`).join(', ') || '–']);
    out.push(br.toString());
  }

  const risk = riskLines(r);
  if (risk.length > 0) {
    const rt = new Table({ head: ['risk', ''], style: STYLE, colWidths: [null, 100] as unknown as number[], wordWrap: true });
    for (const [k, v] of risk) rt.push([k, v]);
    out.push(rt.toString());
  }

  if (run.budgets.length > 0) {
    const bt = new Table({ head: ['budget', 'value', 'result'], style: STYLE });
    for (const b of run.budgets) bt.push([b.expression, budgetValue(b), b.passed ? 'pass' : 'BREACHED']);
    out.push(bt.toString());
  }
  return out.join('\n');
}
