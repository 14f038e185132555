/**
 * What a run can hold. A scenario the schema accepts must also run to its end: every event it
 * can schedule lands on an exact integer µs before the drain limit, the price paths and the time
 * series fit in memory, and settlement retries cannot resend faster than a reply can come back.
 * Each limit here is a matter of size, not of sense; its problem says the limit and why, and the
 * docs/limits.md lists them.
 */
import { DRAW_CEILING_US, meanUs, type Distribution } from '../engine/distribution.js';
import type { SimulationPlan } from './schema.js';
import { formatDurationUs } from './units.js';

/** The longest single wait a scenario may name (a timeout, a service time, a latency, a delay). */
export const MAX_DELAY_US = 600_000_000;
/** Price points (ticks × categories) over the run and its drain horizon: 3 doubles each. */
export const MAX_PRICE_POINTS = 10_000_000;
/** Time-series buckets over the run's duration (each is an object in report.json, ~400 bytes a category). */
export const MAX_TIMESERIES_BUCKETS = 250_000;
/** The shortest wait before a settlement step is sent again. */
export const MIN_STEP_TIMEOUT_US = 1_000;
/** Steps of a saga the clearing house serves when nothing fails: escrow, capture, post. */
const SAGA_STEPS = 3;
/** The share of time the clearing house (one server) may be busy at the peak intent rate. */
export const MAX_CLEARING_LOAD = 0.5;

/** The 99.9th percentile of a draw from `d` (z = 3.09; an exponential's is its mean × ln 1000). */
export function quantile999Us(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.valueUs;
    case 'uniform':
      return d.maxUs;
    case 'exponential':
      return Math.max(d.minUs, Math.round(d.meanUs * Math.log(1000)));
    case 'lognormal':
      return Math.max(d.minUs, Math.round(d.medianUs * (d.p99Us / d.medianUs) ** (3.0902 / 2.3263)));
  }
}
/** Horizon past the scenario's end for which market paths are generated (negotiations drain). */
export const DRAIN_HORIZON_US = 120_000_000;

export interface LimitProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** The largest value a draw from `d` can take (a draw is capped at DRAW_CEILING_US). */
export function upperUs(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.valueUs;
    case 'uniform':
      return d.maxUs;
    case 'exponential':
    case 'lognormal':
      return DRAW_CEILING_US;
  }
}

/** The value of `d` that the delay limit is checked against: its largest, or its mean or p99. */
function namedUs(d: Distribution): { us: number; field: string } {
  switch (d.kind) {
    case 'constant':
      return { us: d.valueUs, field: '' };
    case 'uniform':
      return { us: d.maxUs, field: 'max' };
    case 'exponential':
      return { us: d.meanUs, field: 'mean' };
    case 'lognormal':
      return { us: d.p99Us, field: 'p99' };
  }
}

/** Every wait the plan names, with its path: each is an event the run schedules that far ahead. */
function delays(plan: SimulationPlan): { path: (string | number)[]; us: number; distribution?: Distribution }[] {
  const out: { path: (string | number)[]; us: number; distribution?: Distribution }[] = [];
  const plain = (path: (string | number)[], us: number | undefined) => {
    if (us !== undefined) out.push({ path, us });
  };
  const drawn = (path: (string | number)[], d: Distribution | undefined) => {
    if (d === undefined) return;
    const { us, field } = namedUs(d);
    out.push({ path: field === '' ? path : [...path, field], us, distribution: d });
  };
  drawn(['network', 'latency'], plan.network.latency);
  plan.network.links.forEach((l, i) => drawn(['network', 'links', i, 'latency'], l.latency));
  plan.stores.forEach((s, i) => {
    drawn(['stores', i, 'capacity', 'service_time'], s.capacity.service_time);
    plain(['stores', i, 'strategy', 'deadline'], s.strategy.deadlineUs);
  });
  const mandate = (path: (string | number)[], m: SimulationPlan['buyers'][number]['mandate']) => {
    if (!m.approval) return;
    drawn([...path, 'approval', 'delay'], m.approval.delay);
    plain([...path, 'approval', 'timeout'], m.approval.timeout);
  };
  plan.buyers.forEach((b, i) => {
    plain(['buyers', i, 'quote_timeout'], b.quote_timeout);
    plain(['buyers', i, 'confirmation_timeout'], b.confirmation_timeout);
    plain(['buyers', i, 'strategy', 'deadline'], b.strategy.deadlineUs);
    plain(['buyers', i, 'approval', 'delay'], b.approval?.delay);
    mandate(['buyers', i, 'mandate'], b.mandate);
  });
  plan.adversaries.forEach((a, i) => mandate(['adversaries', i, 'mandate'], a.mandate));
  if (plan.settlement) {
    drawn(['settlement', 'service_time'], plan.settlement.service_time);
    plain(['settlement', 'step_timeout'], plan.settlement.step_timeout);
    plain(['settlement', 'retry_backoff_max'], plan.settlement.retry_backoff_max);
  }
  const f = plan.faults;
  if (f) {
    plain(['faults', 'reorder_delay_max'], f.reorder_delay_max?.max);
    plain(['faults', 'delay_spike_duration'], f.delay_spike_duration?.max);
    f.crashes.forEach((c, i) => plain(['faults', 'crashes', i, 'downtime'], c.downtime.max));
  }
  return out;
}

/** The problems that keep a schema-valid plan from running to its end, each with its path. */
export function limitProblems(plan: SimulationPlan): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const d of delays(plan)) {
    if (d.us > MAX_DELAY_US) {
      problems.push({ path: d.path, message: `expected at most ${formatDurationUs(MAX_DELAY_US)}, got ${formatDurationUs(d.us)}: a run drains for a bounded time after its end, and a single wait may be at most ${formatDurationUs(MAX_DELAY_US)}` });
    }
  }
  const horizonUs = plan.duration + DRAIN_HORIZON_US;
  const ticks = Math.floor(horizonUs / plan.market.tick) + 2;
  const points = ticks * plan.market.categories.length;
  if (points > MAX_PRICE_POINTS) {
    // (whole seconds, or whole days past one)
    const fit = Math.floor((MAX_PRICE_POINTS / plan.market.categories.length - 2) * plan.market.tick) - DRAIN_HORIZON_US;
    const longest = fit >= 86_400_000_000 ? fit - (fit % 86_400_000_000) : fit - (fit % 1_000_000);
    const shown = longest >= 86_400_000_000 ? `${longest / 86_400_000_000}d` : formatDurationUs(longest);
    const hint = longest > 0 ? `a duration of at most ${shown} at this tick, or a coarser market.tick` : 'a coarser market.tick';
    const n = plan.market.categories.length;
    problems.push({
      path: plan.market.tick < 1_000_000 ? ['market', 'tick'] : ['duration'],
      message: `the price paths would hold ${points.toLocaleString('en-US')} points (${n} ${n === 1 ? 'category' : 'categories'} × ${ticks.toLocaleString('en-US')} ticks of ${formatDurationUs(plan.market.tick)} over the run and its ${formatDurationUs(DRAIN_HORIZON_US)} drain), more than the ${MAX_PRICE_POINTS.toLocaleString('en-US')} a run keeps in memory: use ${hint}`,
    });
  }
  const bucketUs = plan.report.timeseries_bucket;
  if (bucketUs !== undefined && Math.ceil(plan.duration / bucketUs) > MAX_TIMESERIES_BUCKETS) {
    problems.push({
      path: ['report', 'timeseries_bucket'],
      message: `the time series would have ${Math.ceil(plan.duration / bucketUs).toLocaleString('en-US')} buckets over the run, more than the ${MAX_TIMESERIES_BUCKETS.toLocaleString('en-US')} a report holds: use a bucket of at least ${formatDurationUs(Math.ceil(plan.duration / MAX_TIMESERIES_BUCKETS))}`,
    });
  }
  const s = plan.settlement;
  if (s) {
    if (s.step_timeout < MIN_STEP_TIMEOUT_US) problems.push({ path: ['settlement', 'step_timeout'], message: `expected at least ${formatDurationUs(MIN_STEP_TIMEOUT_US)}, got ${formatDurationUs(s.step_timeout)}: a step sent again before any reply can come back makes a storm of messages` });
    if (s.retry_backoff_max < s.step_timeout) {
      problems.push({ path: ['settlement', 'retry_backoff_max'], message: `expected at least step_timeout (${formatDurationUs(s.step_timeout)}), got ${formatDurationUs(s.retry_backoff_max)}: the wait between retries grows from step_timeout up to this, and a shorter one resends a step before any reply can come back (a storm of messages)` });
    }
  }
  if (s) {
    // A clearing house that answers later than a store waits makes steps time out and be sent
    // again, each copy queued behind the last: the sagas' waits grow until their bound breaks.
    const latencyUs = Math.max(quantile999Us(plan.network.latency), ...plan.network.links.map((l) => (l.latency ? quantile999Us(l.latency) : 0)));
    const slowUs = quantile999Us(s.service_time) + 2 * latencyUs;
    if (slowUs > s.step_timeout / 2) {
      problems.push({
        path: ['settlement', 'step_timeout'],
        message: `must be at least twice the clearing house's slow answer, ${formatDurationUs(slowUs)} (the 99.9th percentiles of service_time and of a network latency there and back): a later answer makes steps time out and be sent again, queued behind each other, until sagas break their bound`,
      });
    }
    // One server: at the busiest regime's rate its queue must stay short (busy at most half the
    // time), or sagas wait in it past step_timeout and their bound.
    const peakPerUs = plan.buyers.reduce((n, b) => n + b.agents * b.intent_rate, 0) * Math.max(...plan.market.regimes.map((r) => r.demand_multiplier));
    const load = peakPerUs * SAGA_STEPS * meanUs(s.service_time);
    if (load > MAX_CLEARING_LOAD) {
      problems.push({
        path: ['settlement', 'service_time'],
        message: `the clearing house would be busy ${Math.round(load * 100)}% of the time at the buyers' peak intent rate (${SAGA_STEPS} steps a saga), more than ${MAX_CLEARING_LOAD * 100}%: its queue would hold sagas past step_timeout and their bound; use a mean below ${formatDurationUs(Math.floor(MAX_CLEARING_LOAD / (peakPerUs * SAGA_STEPS)))} or fewer intents`,
      });
    }
  }
  // A step in service when faults stop may have been slowed: one such step must fit in the bound.
  const slowdown = plan.faults?.settlement_slowdown;
  if (s && slowdown) {
    const slowestUs = Math.round(namedUs(s.service_time).us * slowdown.factor.max);
    const needUs = s.step_timeout + s.retry_backoff_max + slowestUs;
    if (s.saga_bound <= needUs) {
      problems.push({
        path: ['settlement', 'saga_bound'],
        message: `must be longer than step_timeout + retry_backoff_max + the slowest settlement service (service_time × settlement_slowdown factor: ${formatDurationUs(slowestUs)}), ${formatDurationUs(needUs)} in all: a step slowed when faults stop already takes that long`,
      });
    }
  }
  // Events the scenario places at a time of its own must fall inside the run or its drain horizon.
  const late = (path: (string | number)[], atUs: number) => {
    if (atUs > horizonUs) problems.push({ path, message: `expected at most ${formatDurationUs(horizonUs)} (the end of the run plus its ${formatDurationUs(DRAIN_HORIZON_US)} drain horizon), got ${formatDurationUs(atUs)}` });
  };
  plan.buyers.forEach((b, i) => {
    if (b.burst) late(['buyers', i, 'burst', 'at'], b.burst.at);
  });
  plan.faults?.crashes.forEach((c, i) => late(['faults', 'crashes', i, 'at'], c.at.max));
  return problems;
}

/**
 * Virtual time by which every event of a run must have happened: the end, the drain horizon
 * eleven times over (one for a burst or crash placed in it), twenty of the plan's longest waits in a row, and each store's full queue
 * served one by one. Past it, pending events mean a run that never ends (an invariant).
 */
export function drainLimitUs(plan: SimulationPlan): number {
  let longest = 0;
  for (const d of delays(plan)) longest = Math.max(longest, d.distribution ? upperUs(d.distribution) : d.us);
  let queue = 0;
  for (const s of plan.stores) queue = Math.max(queue, Math.ceil((s.capacity.queue_limit + 1) / s.capacity.servers) * upperUs(s.capacity.service_time));
  return plan.duration + DRAIN_HORIZON_US * 11 + 20 * longest + queue;
}
