/** `a2a-sim compare`: a candidate scenario against a baseline over the same seeds, metric by metric, with a verdict. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSuite, junitXml } from '../report/junit.js';
import { markdownCompare, renderCompare, type CompareReport } from '../report/compare-report.js';
import { writeReportHtml } from '../report/html/write.js';
import { toolInfo } from '../report/tool.js';
import { analyzeComparison, BASELINE_FORMAT, compareScenarios, runSide, savedBaseline, type Comparison, type SavedBaseline, type ScenarioSide, type SeedFigures } from '../study/compare.js';
import { gridDigestOf } from '../study/partials.js';
import { parseShard, shardPositions } from '../study/partition.js';
import { writePartial } from './partial-file.js';
import { parseRegression, type RegressionThreshold } from '../scenario/regression.js';
import { checkCiFolders, checkCiPaths, writeCiOutputs, type CiOutputOptions } from './ci-output.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { createDirectory } from './output-dir.js';
import { resolveWorkers, writable } from './run.js';
import { loadScenarioWithStrategies } from './scenario-file.js';
import { terminalWidth } from './terminal.js';

export interface CompareCommandOptions {
  seeds?: string;
  firstSeed?: string;
  workers?: string;
  threshold?: string[];
  confidence?: string;
  saveBaseline?: string;
  junit?: string;
  markdown?: string;
  json?: boolean;
  out?: string;
  progress?: boolean;
  shard?: string;
  html?: boolean;
}

/** A saved baseline (`--save-baseline`), checked as far as a comparison relies on it. */
export function readSavedBaseline(file: string): SavedBaseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not a saved baseline (${(err as Error).message})`);
  }
  const b = data as Partial<SavedBaseline>;
  if (b.format !== BASELINE_FORMAT || !Array.isArray(b.seeds) || b.seeds.length === 0 || typeof b.scenario !== 'string') {
    throw new UsageError(`${file}: not a saved baseline (expected "format": "${BASELINE_FORMAT}" and its seeds, as compare --save-baseline writes)`);
  }
  for (const [i, s] of b.seeds.entries()) {
    if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.seed) || typeof s.metrics !== 'object' || s.metrics === null) throw new UsageError(`${file}: seeds[${i}] is not a seed's figures`);
  }
  const regression = (b.regression ?? []).map((t, i) => {
    const parsed = parseRegression(typeof t === 'string' ? t : (t as RegressionThreshold).expression);
    if ('error' in parsed) throw new UsageError(`${file}: regression[${i}]: ${parsed.error}`);
    return parsed;
  });
  return { format: BASELINE_FORMAT, scenario: b.scenario, file: b.file ?? file, seeds: b.seeds, regression };
}

function count(option: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`${option} ${text}: expected a whole number from 1 to ${max}`);
  return Number(text);
}

/** What a compare partial carries beside its seeds: enough to compare them all. */
export interface CompareContext {
  readonly baseline: Comparison['baseline'];
  readonly candidate: Comparison['candidate'];
  readonly seeds: readonly number[];
  readonly thresholds: readonly RegressionThreshold[];
  readonly confidence: number;
}

/** One seed of a comparison: both sides' figures. */
export interface CompareItem {
  readonly baseline: SeedFigures;
  readonly candidate: SeedFigures;
}

export async function compareCommand(baselineFile: string, candidateFile: string, opts: CompareCommandOptions): Promise<number> {
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (shard !== undefined && 'error' in shard) throw new UsageError(shard.error);
  if (shard !== undefined && opts.saveBaseline !== undefined) throw new UsageError('--save-baseline needs every seed: save the baseline from an unsplit compare');
  if (baselineFile.endsWith('.json') && !existsSync(baselineFile)) throw new UsageError(`${baselineFile}: no such file`);
  const isSaved = baselineFile.endsWith('.json') && readFileSync(baselineFile, 'utf8').includes(BASELINE_FORMAT);
  const baseline: ScenarioSide | SavedBaseline = isSaved ? readSavedBaseline(baselineFile) : { plan: await loadScenarioWithStrategies(baselineFile, { refuseExternal: 'compare' }), file: baselineFile };
  const candidate: ScenarioSide = { plan: await loadScenarioWithStrategies(candidateFile, { refuseExternal: 'compare' }), file: candidateFile };
  if (isSaved && (opts.seeds !== undefined || opts.firstSeed !== undefined)) throw new UsageError(`${baselineFile} is a saved baseline: the comparison runs its seeds; --seeds and --first-seed do not apply`);
  const n = count('--seeds', opts.seeds, 30, 100_000);
  const firstText = opts.firstSeed ?? '1';
  if (!/^\d+$/.test(firstText) || !Number.isSafeInteger(Number(firstText) + (n - 1))) throw new UsageError(`--first-seed ${firstText}: expected a non-negative integer (seeds count up from it)`);
  const seeds = isSaved ? (baseline as SavedBaseline).seeds.map((s) => s.seed) : Array.from({ length: n }, (_, i) => Number(firstText) + i);
  const thresholds = (opts.threshold ?? []).map((t) => {
    const parsed = parseRegression(t);
    if ('error' in parsed) throw new UsageError(`--threshold ${t}: ${parsed.error}`);
    return parsed;
  });
  const confidence = opts.confidence === undefined ? 0.95 : Number(opts.confidence);
  if (!(confidence >= 0.5 && confidence < 1)) throw new UsageError(`--confidence ${opts.confidence}: expected a level from 0.5 up to (not including) 1, e.g. 0.95`);
  const workers = resolveWorkers(opts.workers ?? 'auto');
  checkCiPaths(opts);
  if (opts.out !== undefined) writable('--out', opts.out, createDirectory);
  checkCiFolders(opts, [['--save-baseline', opts.saveBaseline]]);
  const showProgress = opts.progress !== false && process.stderr.isTTY && !opts.json;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  if (shard !== undefined) {
    const positions = shardPositions(seeds.length, shard);
    const mine = positions.map((p) => seeds[p]!);
    const progress = (side: string) => (showProgress ? (d: number) => process.stderr.write(`\rcompare: ${side} ${d}/${mine.length} seeds   `) : undefined);
    const baseFigures = isSaved ? positions.map((p) => (baseline as SavedBaseline).seeds[p]!) : await runSide(baseline as ScenarioSide, mine, workers, progress('baseline'));
    const candFigures = await runSide(candidate, mine, workers, progress('candidate'));
    if (showProgress) process.stderr.write('\n');
    const elapsedMs = Math.round(performance.now() - t0);
    const context: CompareContext = {
      baseline: isSaved ? { scenario: (baseline as SavedBaseline).scenario, file: (baseline as SavedBaseline).file, saved: true } : { scenario: (baseline as ScenarioSide).plan.name, file: baselineFile, saved: false },
      candidate: { scenario: candidate.plan.name, file: candidateFile },
      seeds,
      thresholds: [...(isSaved ? (baseline as SavedBaseline).regression : (baseline as ScenarioSide).plan.regression), ...candidate.plan.regression, ...thresholds],
      confidence,
    };
    const digest = gridDigestOf({ baseline: isSaved ? (baseline as SavedBaseline).seeds : (baseline as ScenarioSide).plan, candidate: candidate.plan, seeds });
    const items = positions.map((_, k) => ({ baseline: baseFigures[k]!, candidate: candFigures[k]! }));
    const path = writePartial<CompareContext, CompareItem>('compare', opts.out, shard, digest, seeds.length, context, positions, items, { elapsed_ms: elapsedMs, workers });
    if (opts.json) process.stdout.write(`${JSON.stringify({ partial: path, shard, seeds: mine.length }, null, 2)}\n`);
    else process.stdout.write(`compare ${candidate.plan.name} against ${context.baseline.scenario}, shard ${shard.index}/${shard.count}: ${mine.length} of ${seeds.length} seeds × 2 in ${(elapsedMs / 1000).toFixed(1)}s; partial: ${path}\n  join the shards with: a2a-sim merge <partial files>\n`);
    const failed = [...baseFigures, ...candFigures].filter((f) => f.status !== 'ok');
    return failed.some((f) => f.status === 'violation') ? ExitCode.invariantViolated : failed.length > 0 ? ExitCode.internalError : ExitCode.ok;
  }
  const comparison = await compareScenarios(baseline, candidate, {
    ...(isSaved ? {} : { seeds }),
    workers,
    thresholds,
    confidence,
    ...(showProgress ? { onSeed: (side: string, done: number, total: number) => process.stderr.write(`\rcompare: ${side} ${done}/${total} seeds   `) } : {}),
  });
  if (showProgress) process.stderr.write('\n');
  const elapsedMs = performance.now() - t0;
  if (opts.saveBaseline !== undefined) writable('--save-baseline', opts.saveBaseline, (path) => writeFileSync(path, `${JSON.stringify(savedBaseline(comparison, isSaved ? (baseline as SavedBaseline).regression : (baseline as ScenarioSide).plan.regression), null, 2)}\n`));
  return finishCompare(comparison, { started_at: startedAt, elapsed_ms: Math.round(elapsedMs), workers }, opts);
}

/** The comparison of a complete set of compare partials (merge), with every output written. */
export function compareFromParts(context: CompareContext, items: readonly CompareItem[], wall: { elapsed_ms: number; workers: number }, opts: { out?: string; json?: boolean; html?: boolean } & CiOutputOptions): number {
  const comparison = analyzeComparison(
    { baseline: context.baseline, candidate: context.candidate, seeds: context.seeds, candidateSeeds: context.seeds, baseSeeds: items.map((i) => i.baseline), candSeeds: items.map((i) => i.candidate), thresholds: context.thresholds },
    { confidence: context.confidence },
  );
  return finishCompare(comparison, wall, opts);
}

/** Writes every output of a comparison and returns the exit code. */
function finishCompare(comparison: Comparison, wall: { started_at?: string; elapsed_ms: number; workers: number }, opts: { out?: string; json?: boolean; html?: boolean } & CiOutputOptions): number {
  const { workers } = wall;
  const report: CompareReport = { ...comparison, tool: toolInfo(), wallclock: { ...(wall.started_at ? { started_at: wall.started_at } : {}), elapsed_ms: wall.elapsed_ms, workers, node: process.versions.node } };
  let html: string | undefined;
  if (opts.out !== undefined) {
    writeFileSync(join(opts.out, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(opts.out, 'summary.md'), markdownCompare(comparison));
    html = opts.html === false ? undefined : writeReportHtml(report, opts.out);
  }
  writeCiOutputs(opts, () => junitXml([compareSuite(comparison)]), () => markdownCompare(comparison));
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${renderCompare(comparison, terminalWidth())}\n${comparison.seeds.length} seeds × 2 in ${(wall.elapsed_ms / 1000).toFixed(1)}s on ${workers === 0 ? 'the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`}${opts.out !== undefined ? `; report: ${join(opts.out, 'compare.json')}, ${join(opts.out, 'summary.md')}${html ? `, ${html}` : ''}` : ''}\n`);
  if (comparison.failures.some((f) => f.status === 'violation')) return ExitCode.invariantViolated;
  if (comparison.failures.length > 0) return ExitCode.internalError;
  return comparison.regressed.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}
