/**
 * `--shard I/N`: which runs of a study's grid shard I of N does. A pure function of a run's place
 * in the grid (which is itself a function of the seeds and the study's definition), so shard I of
 * N does the same runs on any machine, and the N shards together do every run exactly once.
 * (Not the engine's split of agents over threads, which is run/shard.ts.)
 */

export interface ShardSpec {
  /** from 1 */
  readonly index: number;
  readonly count: number;
}

/** Parses "I/N" (1 ≤ I ≤ N ≤ 10,000), or says what is wrong. */
export function parseShard(text: string): ShardSpec | { error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return { error: `--shard ${text}: expected I/N, e.g. 2/3 (shard 2 of 3)` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 10_000) return { error: `--shard ${text}: N is from 1 to 10000` };
  if (index < 1 || index > count) return { error: `--shard ${text}: I is from 1 to N (${count})` };
  return { index, count };
}

/** Whether the run at grid position `position` (from 0) belongs to `shard`: round robin, so shards differ by at most one run. */
export function inShard(position: number, shard: ShardSpec): boolean {
  return position % shard.count === shard.index - 1;
}

/** The positions of a grid of `size` runs that `shard` does. */
export function shardPositions(size: number, shard: ShardSpec): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < size; i += shard.count) out.push(i);
  return out;
}
