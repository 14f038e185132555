/**
 * Runs a tournament's tasks (whole runs) inline or over worker threads, each under a limit of wall
 * clock: a run past it is cut off, not waited for. On a thread the thread is ended (a loop that
 * never returns included) and piscina starts another; inline, a Promise that never settles is let
 * go (a loop that never returns cannot be stopped in this thread). The clock is handed in.
 */
import { Piscina } from 'piscina';
import { workerScript } from './parallel.js';
import { runTournamentTask, type RunFigures, type TournamentTask } from './tournament-worker.js';

/** A task's answer, or the note that it was cut off. */
export type TaskOutcome = RunFigures | { readonly status: 'timeout'; readonly problem: string };

export interface TaskPoolOptions {
  /** worker threads; 0 runs here one after another */
  readonly workers: number;
  readonly runTimeMs: number;
  /** calls `cut` after `ms` unless the returned function is called first; without it nothing is cut off */
  readonly alarm?: (ms: number, cut: () => void) => () => void;
  /** called as each task ends, in completion order, with its position in `tasks` */
  readonly onTask?: (position: number, outcome: TaskOutcome) => void;
}

/** Every task's outcome, in the order of `tasks`. */
export async function runTournamentTasks(tasks: readonly TournamentTask[], options: TaskPoolOptions): Promise<TaskOutcome[]> {
  const alarm = options.alarm ?? (() => () => {});
  const cutOff: TaskOutcome = { status: 'timeout', problem: `cut off after ${options.runTimeMs} ms of wall clock (a strategy that does not answer?)` };
  const out: TaskOutcome[] = new Array(tasks.length);
  const done = (k: number, outcome: TaskOutcome) => {
    out[k] = outcome;
    options.onTask?.(k, outcome);
  };
  if (options.workers === 0) {
    for (const [k, task] of tasks.entries()) {
      let stop = () => {};
      const limit = new Promise<TaskOutcome>((resolve) => (stop = alarm(options.runTimeMs, () => resolve(cutOff))));
      done(k, await Promise.race([runTournamentTask(task), limit]));
      stop();
    }
    return out;
  }
  const pool = new Piscina({ filename: workerScript('tournament-worker.js'), minThreads: options.workers, maxThreads: options.workers, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  // At most one task per thread is handed over at a time, so a task's clock starts when it does.
  let next = 0;
  const runOne = async (k: number): Promise<void> => {
    const abort = new AbortController();
    let stop = () => {};
    const limit = new Promise<TaskOutcome>((resolve) => {
      stop = alarm(options.runTimeMs, () => {
        resolve(cutOff);
        abort.abort();
      });
    });
    try {
      const running = pool.run(tasks[k], { signal: abort.signal }) as Promise<RunFigures>;
      running.catch(() => undefined);
      done(k, await Promise.race([running, limit]));
    } catch (err) {
      done(k, abort.signal.aborted ? cutOff : { status: 'error', problem: `worker thread failed: ${err instanceof Error ? err.message : String(err)}`, strategies: [] });
    } finally {
      stop();
    }
  };
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await runOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.workers, tasks.length) }, lane));
    return out;
  } finally {
    await pool.destroy();
  }
}
