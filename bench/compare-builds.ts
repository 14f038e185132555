/**
 * Two builds side by side: this checkout and another (built: `npm ci && npm run build` there),
 * run in turn on the same benchmarks, so that both see the same fast and slow spells of a shared
 * machine. Prints each pair and the median of the pairs' ratios (this build's figure over the
 * other's; above 1 is better for this build, on every row), and each build's best run against the
 * other's (on a machine that slows down in spells, the best run is the least disturbed one).
 *
 *   node dist/bench/compare-builds.js <other checkout> [pairs]
 *
 * BENCH_COMPARE=bilateral,100k,pipeline (the default) picks the benchmarks: bench/negmas.ts
 * (negotiations/s), bench-100k inline (validated messages/s) and the message path floor of
 * bench/pipeline.ts (µs per message over a run of 2,000,000 messages, its warm-up included, as builds
 * before the warm-up was timed apart measured it). Each run is a fresh process with
 * the flags `npm run bench` uses; the order within a pair alternates, so neither build always
 * runs first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { benchNodeFlags } from './node-flags.js';

/** One benchmark: the script (relative to a checkout) and how to read its figure from what it prints. */
export interface Benchmark {
  readonly name: string;
  readonly unit: string;
  readonly args: readonly string[];
  /** true when a larger figure is better */
  readonly higherIsBetter: boolean;
  readonly read: (stdout: string) => number;
}

const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'bilateral', unit: 'negotiations/s', args: ['dist/bench/negmas.js'], higherIsBetter: true, read: (out) => Number(lastJson(out).negotiations_per_s) },
  { name: '100k', unit: 'msgs/s', args: ['dist/bench/measure.js', 'scenarios/bench-100k.yaml', '0'], higherIsBetter: true, read: (out) => Number(lastJson(out).messages_per_s) },
  { name: 'pipeline', unit: 'µs/msg', args: ['dist/bench/pipeline.js', '2000000', '0'], higherIsBetter: false, read: readPipeline },
];

/** The µs per message bench/pipeline.ts prints on its last line (JSON). */
export function readPipeline(out: string): number {
  return Number(lastJson(out).us_per_message);
}

/** This build's advantage in one pair: its figure over the other's, turned so that above 1 is better. */
export function ratio(b: Benchmark, mine: number, other: number): number {
  return b.higherIsBetter ? mine / other : other / mine;
}

/** Each build's best figure of the sitting (the run least slowed by the machine), and this build's advantage between them. */
export function bestOfEach(b: Benchmark, mine: readonly number[], other: readonly number[]): { mine: number; other: number; ratio: number } {
  const best = (xs: readonly number[]) => (b.higherIsBetter ? Math.max(...xs) : Math.min(...xs));
  const m = best(mine);
  const o = best(other);
  return { mine: m, other: o, ratio: ratio(b, m, o) };
}

export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

/** Which benchmarks BENCH_COMPARE names; throws on a name that is none of them. */
export function pick(names: string | undefined): Benchmark[] {
  if (names === undefined || names.trim() === '') return [...BENCHMARKS];
  return names.split(',').map((n) => {
    const b = BENCHMARKS.find((x) => x.name === n.trim());
    if (b === undefined) throw new Error(`BENCH_COMPARE: no benchmark "${n.trim()}" (there are ${BENCHMARKS.map((x) => x.name).join(', ')})`);
    return b;
  });
}

function runIn(checkout: string, b: Benchmark): number {
  const out = execFileSync(process.execPath, [...benchNodeFlags(), ...b.args], { cwd: checkout, encoding: 'utf8', maxBuffer: 1 << 20 });
  const figure = b.read(out);
  if (!(figure > 0)) throw new Error(`${checkout}: ${b.args.join(' ')} printed no ${b.unit} figure`);
  return figure;
}

function main(): void {
  const [otherArg, pairsArg] = process.argv.slice(2);
  const mine = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  if (otherArg === undefined || otherArg === '--help' || otherArg === '-h') {
    process.stdout.write('usage: node dist/bench/compare-builds.js <other checkout, built> [pairs, default 3]\n  BENCH_COMPARE=bilateral,100k,pipeline picks the benchmarks\n');
    process.exit(otherArg === undefined ? 2 : 0);
  }
  const other = resolve(otherArg);
  const pairs = pairsArg === undefined ? 3 : Number(pairsArg);
  if (!Number.isInteger(pairs) || pairs < 1) {
    process.stderr.write(`pairs must be a positive whole number, got ${pairsArg}\n`);
    process.exit(2);
  }
  let benchmarks: Benchmark[];
  try {
    benchmarks = pick(process.env.BENCH_COMPARE);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  for (const b of benchmarks) {
    if (!existsSync(join(other, b.args[0]!))) {
      process.stderr.write(`${other} has no ${b.args[0]}: build it first (cd ${other} && npm ci && npm run build)\n`);
      process.exit(2);
    }
  }
  const load = loadavg()[0]!;
  process.stdout.write(`this build: ${mine}\nother build: ${other}\nload average at the start: ${load.toFixed(2)}\n`);
  if (load >= 0.5) process.stdout.write('(something else is running: the figures will move with it)\n');
  for (const b of benchmarks) {
    const table = new Table({ head: ['pair', `other, ${b.unit}`, `this, ${b.unit}`, 'this / other'], style: { head: [], border: [] } });
    const ratios: number[] = [];
    const mineFigures: number[] = [];
    const otherFigures: number[] = [];
    for (let i = 1; i <= pairs; i++) {
      process.stderr.write(`${b.name}: pair ${i} of ${pairs}…\n`);
      // Alternate which build goes first, so that a trend in the machine's speed favours neither.
      let a: number;
      let m: number;
      if (i % 2 === 1) {
        a = runIn(other, b);
        m = runIn(mine, b);
      } else {
        m = runIn(mine, b);
        a = runIn(other, b);
      }
      const r = ratio(b, m, a);
      ratios.push(r);
      mineFigures.push(m);
      otherFigures.push(a);
      table.push([String(i), fmt(a), fmt(m), `${r.toFixed(2)}x`]);
    }
    const best = bestOfEach(b, mineFigures, otherFigures);
    process.stdout.write(
      `\n${b.name} (${b.higherIsBetter ? 'higher' : 'lower'} is better)\n${table.toString()}\nmedian of the ratios: ${median(ratios).toFixed(2)}x\n` +
        `best of each: ${fmt(best.mine)} against ${fmt(best.other)} ${b.unit}, ${best.ratio.toFixed(2)}x\n`,
    );
  }
  process.stdout.write(`\nload average at the end: ${loadavg()[0]!.toFixed(2)}\n`);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
