/**
 * The wall-clock side of a run with external agents: the gateway's figures (or, on replay, none),
 * and the budgets on them (external.*), which the results cannot hold: they depend on the machine.
 */
import type { ExternalTally } from './external-agent.js';
import type { GatewayReport } from './stats.js';
import { budgetHolds, isWallclockMetric, type Budget } from '../scenario/budgets.js';
import type { BudgetResult, RunResult } from '../simulation.js';

export interface ExternalWallclock {
  /** listen: agents over the gateway; replay: the answers of a recording */
  readonly mode: 'listen' | 'replay';
  /**
   * how the agents met virtual time: virtual (co-simulated: a deterministic agent gives the same
   * results every run) or realtime (paced to the wall clock at `scale`, replies taking effect when
   * they arrived: the results depend on this machine and this run)
   */
  readonly clock: 'virtual' | 'realtime';
  readonly scale?: number;
  readonly url?: string;
  /** what the external agents did, counted in the simulation */
  readonly frames: number;
  readonly answers: number;
  readonly timeouts: number;
  readonly unreachable: number;
  /** accepts an external store left unanswered past the settlement's saga_bound (refused for it: settlement_timeout) */
  readonly unanswered_accepts: number;
  /** agents that had not connected when the run started */
  readonly missing_at_start: readonly string[];
  readonly gateway?: GatewayReport;
  /** worker threads were asked for (--workers or the scenario's workers) and not used: external agents run inline */
  readonly inline_note?: string;
}

export function externalWallclock(
  mode: 'listen' | 'replay',
  clock: { readonly external_clock: 'virtual' | 'realtime'; readonly realtime_scale: number },
  tally: ExternalTally | undefined,
  missing: readonly string[],
  gateway?: GatewayReport,
  url?: string,
): ExternalWallclock {
  const paced = clock.external_clock === 'realtime' ? { clock: 'realtime' as const, scale: clock.realtime_scale } : { clock: 'virtual' as const };
  return { mode, ...paced, ...(url ? { url } : {}), frames: tally?.frames ?? 0, answers: tally?.answers ?? 0, timeouts: tally?.timeouts ?? 0, unreachable: tally?.unreachable ?? 0, unanswered_accepts: tally?.unanswered_accepts ?? 0, missing_at_start: [...missing], ...(gateway ? { gateway } : {}) };
}

/** The value of a wall-clock metric (external.reply_latency.p99 in µs, external.disconnects, …), or undefined without one. */
export function wallclockValue(metric: string, w: ExternalWallclock | undefined): number | undefined {
  const g = w?.gateway;
  if (g === undefined) return undefined;
  const [, group, stat] = metric.split('.');
  if (group === 'reply_latency' || group === 'round_trip') {
    const s = g[group];
    const v = stat === 'mean' ? s.mean_us : stat === 'max' ? s.max_us : stat === 'p50' ? s.p50_us : stat === 'p90' ? s.p90_us : s.p99_us;
    return v ?? undefined;
  }
  if (group === 'reply_timeouts') return g.reply_timeouts;
  if (group === 'disconnects') return g.disconnects;
  if (group === 'malformed') return g.malformed;
  return undefined;
}

/**
 * The run's result with its external.* budgets evaluated against the wall clock. On replay there
 * is no wall clock of the agent: those budgets are left out of the verdict (value null).
 */
export function withWallclockBudgets(result: RunResult, budgets: readonly Budget[], w: ExternalWallclock | undefined): RunResult {
  if (!budgets.some((b) => isWallclockMetric(b.metric))) return result;
  const evaluated: BudgetResult[] = result.budgets.map((r, i) => {
    const b = budgets[i]!;
    if (!isWallclockMetric(b.metric)) return r;
    if (w?.mode === 'replay') return { ...r, value: null, passed: true };
    const value = wallclockValue(b.metric, w);
    return { ...r, value: value ?? null, passed: budgetHolds(b, value) };
  });
  return { ...result, budgets: evaluated, passed: evaluated.every((b) => b.passed) };
}

const ms = (us: number | null): string => (us === null ? '–' : `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)}ms`);

/** One line for the summary: what happened at the edge, and the measured latencies. */
export function describeExternal(w: ExternalWallclock): string {
  const parts = [`external agents (${w.mode === 'replay' ? 'replayed' : w.url}): ${w.frames} frames, ${w.answers} answers`];
  if (w.clock === 'realtime') parts.push(`realtime clock (×${w.scale ?? 1}): replies took effect when they arrived, so these results depend on this machine and this run`);
  if (w.timeouts > 0) parts.push(`${w.timeouts} reply timeouts`);
  if (w.unreachable > 0) parts.push(`${w.unreachable} frames for agents not connected (answered agent_unreachable)`);
  if (w.unanswered_accepts > 0) parts.push(`${w.unanswered_accepts} accepts left unanswered past saga_bound (refused for the store: settlement_timeout)`);
  if (w.missing_at_start.length > 0) parts.push(`${w.missing_at_start.length} agents missing at the start`);
  const g = w.gateway;
  if (g !== undefined) {
    if (g.disconnects > 0) parts.push(`${g.disconnects} disconnects, ${g.reconnects} reconnects`);
    const refused = g.refused.unknown_agent + g.refused.wrong_key + g.refused.already_connected + g.refused.no_hello;
    if (refused > 0) parts.push(`${refused} handshakes refused (1008)`);
    if (g.malformed > 0) parts.push(`${g.malformed} malformed frames refused`);
    if (g.out_of_turn + g.unknown_refs + g.late_answers > 0) parts.push(`${g.out_of_turn + g.unknown_refs + g.late_answers} frames out of turn or late`);
    if (g.backpressure_waits > 0) parts.push(`${g.backpressure_waits} frames held back (backpressure)`);
    parts.push(`reply latency p50 ${ms(g.reply_latency.p50_us)} p99 ${ms(g.reply_latency.p99_us)}, round trip p50 ${ms(g.round_trip.p50_us)} p99 ${ms(g.round_trip.p99_us)} (wall clock)`);
  }
  if (w.inline_note !== undefined) parts.push(w.inline_note);
  return parts.join('; ');
}
