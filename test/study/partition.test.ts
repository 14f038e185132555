import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardPositions } from '../../src/study/partition.js';
import { joinPartials, PARTIAL_FORMAT, type Partial } from '../../src/study/partials.js';

describe('parseShard', () => {
  it('reads I/N and refuses the rest', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('0/3')).toHaveProperty('error');
    expect(parseShard('4/3')).toHaveProperty('error');
    expect(parseShard('1-3')).toHaveProperty('error');
  });
});

describe('shardPositions', () => {
  it('gives every position of the grid to exactly one shard, shards differing by at most one', () => {
    for (const [size, n] of [[40, 3], [7, 7], [5, 8], [1, 1]] as const) {
      const all = Array.from({ length: n }, (_, i) => shardPositions(size, { index: i + 1, count: n }));
      expect(all.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
      const sizes = all.map((a) => a.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      all.forEach((positions, i) => positions.forEach((p) => expect(inShard(p, { index: i + 1, count: n })).toBe(true)));
    }
  });
});

const partial = (index: number, count: number, size = 5, grid = 'g'): { file: string; partial: Partial<string, number> } => ({
  file: `p${index}.json`,
  partial: { format: PARTIAL_FORMAT, command: 'swarm', shard: { index, count }, grid, grid_size: size, context: 'ctx', items: shardPositions(size, { index, count }).map((position) => ({ position, value: position * 10 })), wallclock: { elapsed_ms: 1, workers: 0 } },
});

describe('joinPartials', () => {
  it('joins a complete set in grid order, given in any order', () => {
    const joined = joinPartials([partial(2, 2), partial(1, 2)]);
    expect(joined).toMatchObject({ context: 'ctx', values: [0, 10, 20, 30, 40] });
  });

  it('names missing and duplicated shards', () => {
    const r = joinPartials([partial(1, 3), partial(1, 3)]);
    expect('problems' in r && r.problems).toEqual(['shard 1/3 given 2 times: p1.json, p1.json', 'missing shards 2/3, 3/3']);
  });

  it('refuses partials of another grid or another N', () => {
    expect(joinPartials([partial(1, 2), partial(2, 2, 5, 'other')])).toHaveProperty('problems');
    expect(joinPartials([partial(1, 2), partial(2, 3)])).toHaveProperty('problems');
  });
});
