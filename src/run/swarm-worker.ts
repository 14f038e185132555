/** A worker thread of a swarm: runs whole scenarios inline, one seed per task. */
import type { SimulationPlan } from '../scenario/schema.js';
import { runSeed, type SeedOutcome } from './swarm.js';

export interface SeedTask {
  readonly plan: SimulationPlan;
  readonly seed: string | number;
}

export default function runSeedTask(task: SeedTask): SeedOutcome {
  return runSeed(task.plan, task.seed);
}
