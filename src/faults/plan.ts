/**
 * The faults of one run. A scenario gives each fault parameter as a value or a range; every seed
 * draws its own values from its `faults` stream, in a fixed order, so a seed always replays the
 * same faults and a swarm of seeds explores the ranges.
 */
import { Rng } from '../engine/rng.js';
import type { FaultsPlan, Range, SimulationPlan } from '../scenario/schema.js';

export interface Partition {
  readonly between: readonly [string, string];
  readonly fromUs: number;
  readonly toUs: number;
}

export interface Crash {
  readonly organisation: string;
  /** 1-based agent index within the organisation; undefined: every agent */
  readonly agent: number | undefined;
  readonly atUs: number;
  readonly downtimeUs: number;
}

export interface FaultSchedule {
  /** no fault happens at or after this time */
  readonly untilUs: number;
  readonly messageLossProbability: number;
  readonly duplicateProbability: number;
  readonly reorderProbability: number;
  readonly reorderDelayMaxUs: number;
  readonly delaySpikeProbability: number;
  readonly delaySpikeUs: number;
  readonly partitions: readonly Partition[];
  readonly crashes: readonly Crash[];
  readonly backOfficeRejectionProbability: number;
  readonly paymentFailureProbability: number;
  readonly slowdown: { readonly fromUs: number; readonly toUs: number; readonly factor: number } | undefined;
}

/** Draws the run's fault values from the seed; undefined when the scenario has no faults. */
export function drawFaults(plan: SimulationPlan, seed: string | number = plan.seed): FaultSchedule | undefined {
  const f: FaultsPlan | undefined = plan.faults;
  if (f === undefined) return undefined;
  const rng = new Rng(seed, 'faults');
  // Every range draws once, even a degenerate one, so adding a range never shifts the others.
  const real = (r: Range | undefined, fallback = 0) => (r === undefined ? fallback : r.min + (r.max - r.min) * rng.next());
  const us = (r: Range | undefined, fallback = 0) => Math.round(real(r, fallback));
  const untilUs = f.until ?? plan.duration;
  const messageLossProbability = real(f.message_loss_probability);
  const duplicateProbability = real(f.duplicate_probability);
  const reorderProbability = real(f.reorder_probability);
  const reorderDelayMaxUs = us(f.reorder_delay_max, 10_000);
  const delaySpikeProbability = real(f.delay_spike_probability);
  const delaySpikeUs = us(f.delay_spike_duration, 500_000);
  const partitions = f.partitions.map((p) => {
    const fromUs = us(p.at);
    return { between: p.between, fromUs, toUs: Math.min(untilUs, fromUs + us(p.duration)) };
  });
  const crashes = f.crashes.map((c) => {
    const atUs = us(c.at);
    return { organisation: c.organisation, agent: c.agent, atUs, downtimeUs: Math.max(1, Math.min(us(c.downtime), Math.max(1, untilUs - atUs))) };
  });
  const backOfficeRejectionProbability = real(f.back_office_rejection_probability);
  const paymentFailureProbability = real(f.payment_failure_probability);
  const s = f.settlement_slowdown;
  let slowdown: FaultSchedule['slowdown'];
  if (s) {
    const fromUs = us(s.at);
    slowdown = { fromUs, toUs: Math.min(untilUs, fromUs + us(s.duration)), factor: real(s.factor) };
  }
  return {
    untilUs,
    messageLossProbability,
    duplicateProbability,
    reorderProbability,
    reorderDelayMaxUs,
    delaySpikeProbability,
    delaySpikeUs,
    partitions,
    crashes,
    backOfficeRejectionProbability,
    paymentFailureProbability,
    slowdown,
  };
}

/** True when a partition separates the two organisations at `nowUs`. */
export function partitioned(schedule: FaultSchedule, a: string, b: string, nowUs: number): boolean {
  for (const p of schedule.partitions) {
    if (nowUs < p.fromUs || nowUs >= p.toUs) continue;
    if ((p.between[0] === a && p.between[1] === b) || (p.between[0] === b && p.between[1] === a)) return true;
  }
  return false;
}

/** The drawn values as plain data for the report (probabilities rounded for reading). */
export function describeFaults(s: FaultSchedule): Record<string, unknown> {
  const p = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    until_us: s.untilUs,
    message_loss_probability: p(s.messageLossProbability),
    duplicate_probability: p(s.duplicateProbability),
    reorder_probability: p(s.reorderProbability),
    reorder_delay_max_us: s.reorderDelayMaxUs,
    delay_spike_probability: p(s.delaySpikeProbability),
    delay_spike_us: s.delaySpikeUs,
    partitions: s.partitions.map((x) => ({ between: [...x.between], from_us: x.fromUs, to_us: x.toUs })),
    crashes: s.crashes.map((c) => ({ organisation: c.organisation, agent: c.agent ?? null, at_us: c.atUs, downtime_us: c.downtimeUs })),
    back_office_rejection_probability: p(s.backOfficeRejectionProbability),
    payment_failure_probability: p(s.paymentFailureProbability),
    settlement_slowdown: s.slowdown ? { from_us: s.slowdown.fromUs, to_us: s.slowdown.toUs, factor: p(s.slowdown.factor) } : null,
  };
}
