/**
 * Partial result files: what one shard of a swarm, comparison or tournament leaves, to be joined
 * by `a2a-sim merge`. A partial names its command, its shard (I of N), the digest of the grid it
 * belongs to, the grid's size, what the whole report needs beside the runs (context), and its
 * runs by grid position. Joining checks that the partials are one complete set: the same command
 * and grid, every shard 1..N exactly once, every position exactly once.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ShardSpec } from './partition.js';
import { shardPositions } from './partition.js';

export const PARTIAL_FORMAT = 'a2a-market-sim/partial@1';

export type PartialCommand = 'swarm' | 'compare' | 'tournament';

export interface Partial<Context = unknown, Item = unknown> {
  readonly format: typeof PARTIAL_FORMAT;
  readonly command: PartialCommand;
  readonly shard: ShardSpec;
  readonly grid: string;
  readonly grid_size: number;
  readonly context: Context;
  readonly items: readonly { readonly position: number; readonly value: Item }[];
  /** this shard's wall-clock figures (left out of the merged report's results) */
  readonly wallclock: { readonly elapsed_ms: number; readonly workers: number };
}

/** A file that is not a partial: what is wrong with it. */
export function checkPartial(data: unknown): string | undefined {
  const p = data as Partial | null;
  if (typeof p !== 'object' || p === null || p.format !== PARTIAL_FORMAT) return `not a partial result (expected "format": "${PARTIAL_FORMAT}", as swarm, compare and tournament write with --shard)`;
  if (!['swarm', 'compare', 'tournament'].includes(p.command)) return `unknown command "${String(p.command)}"`;
  if (typeof p.shard !== 'object' || p.shard === null || !Number.isInteger(p.shard.index) || !Number.isInteger(p.shard.count)) return 'no shard I/N';
  if (typeof p.grid !== 'string' || !Number.isInteger(p.grid_size) || !Array.isArray(p.items)) return 'no grid, grid size or items';
  return undefined;
}

/** The values of a complete set of partials in grid order, or every problem of the set (each naming its shard). */
export function joinPartials<C, I>(files: readonly { readonly file: string; readonly partial: Partial<C, I> }[]): { context: C; values: I[]; first: Partial<C, I> } | { problems: string[] } {
  const problems: string[] = [];
  if (files.length === 0) return { problems: ['no partials given'] };
  const first = files[0]!.partial;
  for (const { file, partial } of files.slice(1)) {
    if (partial.command !== first.command) problems.push(`${file}: a partial of ${partial.command}, not ${first.command} like ${files[0]!.file}`);
    else if (partial.grid !== first.grid || partial.grid_size !== first.grid_size) problems.push(`${file}: a partial of another ${first.command} than ${files[0]!.file} (its grid differs)`);
    else if (partial.shard.count !== first.shard.count) problems.push(`${file}: shard ${partial.shard.index}/${partial.shard.count}, but ${files[0]!.file} is shard ${first.shard.index}/${first.shard.count}`);
  }
  if (problems.length > 0) return { problems };
  const n = first.shard.count;
  const seen = new Map<number, string[]>();
  for (const { file, partial } of files) seen.set(partial.shard.index, [...(seen.get(partial.shard.index) ?? []), file]);
  for (const [index, list] of [...seen].sort((a, b) => a[0] - b[0])) if (list.length > 1) problems.push(`shard ${index}/${n} given ${list.length} times: ${list.join(', ')}`);
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) problems.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${n}`).join(', ')}`);
  if (problems.length > 0) return { problems };
  const values: (I | undefined)[] = new Array(first.grid_size);
  for (const { file, partial } of files) {
    const expected = shardPositions(first.grid_size, partial.shard);
    const got = partial.items.map((x) => x.position);
    if (expected.length !== got.length || expected.some((p, k) => p !== got[k])) {
      problems.push(`${file}: shard ${partial.shard.index}/${n} should hold ${expected.length} runs at its grid positions, it holds ${got.length} (an unfinished shard?)`);
      continue;
    }
    for (const item of partial.items) values[item.position] = item.value;
  }
  if (problems.length > 0) return { problems };
  return { context: first.context, values: values as I[], first };
}

/**
 * The digest of what decides a grid's runs (scenarios, seeds, competitors): partials of other
 * grids are refused. A plug-in's folder differs between machines (a CI job's checkout), so its
 * file name stands for its path.
 */
export function gridDigestOf(what: unknown): string {
  const text = JSON.stringify(what, (k, v: unknown) => (k === 'module' && typeof v === 'string' ? basename(v) : v));
  return createHash('sha256').update(text).digest('hex');
}
