/** Writing a shard's partial result file (study/partials.ts): into --out, or the current folder. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARTIAL_FORMAT, type Partial, type PartialCommand } from '../study/partials.js';
import type { ShardSpec } from '../study/partition.js';

/** Writes the partial of `shard` and returns its path: DIR/<command>-partial-I-of-N.json. */
export function writePartial<C, I>(command: PartialCommand, out: string | undefined, shard: ShardSpec, grid: string, gridSize: number, context: C, positions: readonly number[], values: readonly I[], wallclock: { elapsed_ms: number; workers: number }): string {
  const partial: Partial<C, I> = { format: PARTIAL_FORMAT, command, shard, grid, grid_size: gridSize, context, items: positions.map((position, k) => ({ position, value: values[k]! })), wallclock };
  const path = join(out ?? '.', `${command}-partial-${shard.index}-of-${shard.count}.json`);
  writeFileSync(path, `${JSON.stringify(partial)}\n`);
  return path;
}
