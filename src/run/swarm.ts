/**
 * A swarm: one scenario run under many seeds. Each seed draws its own fault values from the
 * scenario's ranges, so a swarm explores them; a seed that breaks an invariant is reported with
 * what it broke, and replays exactly with `a2a-sim run <scenario> --seed <seed>`. Seeds run
 * inline or spread over worker threads, one whole run per task; outcomes come back in seed order.
 */
import { Piscina } from 'piscina';
import type { SimulationPlan } from '../scenario/schema.js';
import { workerScript } from './parallel.js';
import { failedSeed, runSeed, type SeedOutcome, type SeedTask } from './swarm-worker.js';

export { runSeed, type SeedOutcome } from './swarm-worker.js';

export interface SwarmOptions {
  readonly seeds: readonly (string | number)[];
  /** 0 runs the seeds one after another in this thread */
  readonly workers: number;
  /** called as each seed finishes (in completion order) */
  readonly onSeed?: (outcome: SeedOutcome, done: number) => void;
}

export async function runSwarm(plan: SimulationPlan, options: SwarmOptions): Promise<SeedOutcome[]> {
  const { seeds, workers, onSeed } = options;
  let done = 0;
  const finished = (o: SeedOutcome) => {
    onSeed?.(o, ++done);
    return o;
  };
  if (workers === 0) {
    const outcomes: SeedOutcome[] = [];
    for (const seed of seeds) outcomes.push(finished(await runSeed(plan, seed)));
    return outcomes;
  }
  const pool = new Piscina({ filename: workerScript('swarm-worker.js'), minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  try {
    return await Promise.all(
      seeds.map((seed) =>
        pool.run({ plan, seed } satisfies SeedTask).then(
          (o: SeedOutcome) => finished(o),
          (err: unknown) => finished(failedSeed(seed, 'error', `worker thread failed: ${err instanceof Error ? err.message : String(err)}`, -1)),
        ),
      ),
    );
  } finally {
    await pool.destroy();
  }
}
