/**
 * The size of a run, known from the scenario alone: negotiations, messages, memory and wall
 * time, so that `validate` can say what a run will take and `run` can warn before a long one
 * and refuse one that would not fit in memory. The figures are estimates on the high side
 * (every intent is formed, every negotiation uses its rounds); the costs per item were measured
 * on the shipped scenarios, inline, and rounded up.
 */
import { DRAIN_HORIZON_US } from './limits.js';
import type { SimulationPlan } from './schema.js';
import { timeseriesBucketUs } from '../metrics/timeseries.js';

export interface SizeEstimate {
  readonly agents: number;
  readonly negotiations: number;
  readonly messages: number;
  /** peak memory of an inline run, in bytes */
  readonly memoryBytes: number;
  /** wall time of an inline run, in seconds */
  readonly seconds: number;
}

/** Memory of the process before any agent exists (Node, the code, the scenario). */
const BASE_BYTES = 120e6;
const AGENT_BYTES = { signed: 12e3, unsigned: 8e3 };
/** a negotiation in flight: its state on both sides, timers and messages on the way */
const OPEN_NEGOTIATION_BYTES = 4e3;
/** three doubles per tick and category: price, log return, realised volatility */
const PRICE_POINT_BYTES = 24;
/** a time-series bucket per category, as objects and as report.json text */
const BUCKET_BYTES = 2e3;
/** wall time of setting up an agent (its keys when signing), and of one message end to end */
const AGENT_US = { signed: 250, unsigned: 60 };
const MESSAGE_US = { signed: 350, unsigned: 40 };
const START_US = 300_000;

/** Intents a buyer group forms over the run: its rate × the demand multiplier of each regime in force. */
function intents(plan: SimulationPlan, ratePerUs: number): number {
  let total = 0;
  let start = 0;
  plan.market.regimes.forEach((r, i) => {
    const last = i === plan.market.regimes.length - 1;
    const end = last ? plan.duration : Math.min(plan.duration, start + r.duration);
    if (end > start) total += ratePerUs * (end - start) * r.demand_multiplier;
    start = Math.max(start, end);
  });
  return total;
}

/** What a run of `plan` will take, from the scenario alone. */
export function estimateSize(plan: SimulationPlan): SizeEstimate {
  const signed = plan.security.signing !== 'off';
  const agents = plan.stores.reduce((n, s) => n + s.agents, 0) + plan.buyers.reduce((n, b) => n + b.agents, 0) + plan.adversaries.length + (plan.settlement ? 1 : 0);
  const maxStoreRounds = Math.max(...plan.stores.map((s) => s.strategy.maxRounds));
  let negotiations = 0;
  let messages = 0;
  let open = 0;
  for (const b of plan.buyers) {
    const n = b.agents * intents(plan, b.intent_rate) + (b.burst?.negotiations ?? 0);
    const rounds = Math.min(b.strategy.maxRounds, maxStoreRounds, 20);
    // intent and quote per store asked, a counter and a quote per round, accept and confirmation,
    // and with a clearing house the saga's steps and their results
    const perNegotiation = 2 * (b.stores_per_intent + 1 + rounds) + (plan.settlement ? 8 : 0);
    negotiations += n;
    messages += n * perNegotiation;
    // open at once: the arrival rate × how long one can last (its deadline, or its waits)
    const lastsUs = b.strategy.deadlineUs ?? b.quote_timeout * (rounds + 1) + b.confirmation_timeout;
    open += Math.min(n, b.agents * b.intent_rate * lastsUs + (b.burst?.negotiations ?? 0));
  }
  for (const a of plan.adversaries) messages += 3 * a.rate * Math.max(0, plan.duration - a.start);
  const ticks = Math.floor((plan.duration + DRAIN_HORIZON_US) / plan.market.tick) + 2;
  const pricePoints = ticks * plan.market.categories.length;
  const buckets = Math.ceil(plan.duration / timeseriesBucketUs(plan)) * plan.market.categories.length;
  const memoryBytes = BASE_BYTES + agents * (signed ? AGENT_BYTES.signed : AGENT_BYTES.unsigned) + open * OPEN_NEGOTIATION_BYTES + pricePoints * PRICE_POINT_BYTES + buckets * BUCKET_BYTES;
  const us = START_US + agents * (signed ? AGENT_US.signed : AGENT_US.unsigned) + messages * (signed ? MESSAGE_US.signed : MESSAGE_US.unsigned) + pricePoints * 0.3 + buckets * 10;
  return { agents, negotiations: Math.round(negotiations), messages: Math.round(messages), memoryBytes: Math.round(memoryBytes), seconds: us / 1e6 };
}

/** A count for people: 1234 → "1,234", 12_345_678 → "12.3 million". */
function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} billion`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} million`;
  return Math.round(n).toLocaleString('en-US');
}

/** Seconds for people: "0.4 s", "12 s", "25 min", "3.5 h". */
export function formatSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 600) return `${Math.round(s)} s`;
  if (s < 36_000) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Bytes for people: "180 MB", "3.2 GB". */
export function formatBytes(b: number): string {
  return b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.round(b / 1e6)} MB`;
}

/** "about 120 negotiations, 3,120 messages, 130 MB, 1.9 s inline" */
export function describeEstimate(e: SizeEstimate): string {
  return `about ${count(e.negotiations)} negotiations, ${count(e.messages)} messages, ${formatBytes(e.memoryBytes)} of memory, ${formatSeconds(e.seconds)} of wall time inline`;
}
