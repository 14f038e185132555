/** `a2a-sim compare`: a candidate scenario against a baseline over the same seeds, metric by metric, with a verdict. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSuite, junitXml } from '../report/junit.js';
import { markdownCompare, renderCompare } from '../report/compare-report.js';
import { BASELINE_FORMAT, compareScenarios, savedBaseline, type SavedBaseline, type ScenarioSide } from '../study/compare.js';
import { parseRegression, type RegressionThreshold } from '../scenario/regression.js';
import { checkCiPaths, writeCiOutputs } from './ci-output.js';
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

export async function compareCommand(baselineFile: string, candidateFile: string, opts: CompareCommandOptions): Promise<number> {
  const isSaved = baselineFile.endsWith('.json') && readFileSync(baselineFile, 'utf8').includes(BASELINE_FORMAT);
  const baseline: ScenarioSide | SavedBaseline = isSaved ? readSavedBaseline(baselineFile) : { plan: await loadScenarioWithStrategies(baselineFile, { refuseExternal: 'compare' }), file: baselineFile };
  const candidate: ScenarioSide = { plan: await loadScenarioWithStrategies(candidateFile, { refuseExternal: 'compare' }), file: candidateFile };
  if (isSaved && (opts.seeds !== undefined || opts.firstSeed !== undefined)) throw new UsageError(`${baselineFile} is a saved baseline: the comparison runs its seeds; --seeds and --first-seed do not apply`);
  const n = count('--seeds', opts.seeds, 30, 100_000);
  const firstText = opts.firstSeed ?? '1';
  if (!/^\d+$/.test(firstText) || !Number.isSafeInteger(Number(firstText) + (n - 1))) throw new UsageError(`--first-seed ${firstText}: expected a non-negative integer (seeds count up from it)`);
  const seeds = Array.from({ length: n }, (_, i) => Number(firstText) + i);
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
  const showProgress = opts.progress !== false && process.stderr.isTTY && !opts.json;
  const t0 = performance.now();
  const comparison = await compareScenarios(baseline, candidate, {
    ...(isSaved ? {} : { seeds }),
    workers,
    thresholds,
    confidence,
    ...(showProgress ? { onSeed: (side: string, done: number, total: number) => process.stderr.write(`\rcompare: ${side} ${done}/${total} seeds   `) } : {}),
  });
  if (showProgress) process.stderr.write('\n');
  const elapsedMs = performance.now() - t0;
  const report = { ...comparison, wallclock: { elapsed_ms: Math.round(elapsedMs), workers, node: process.versions.node } };
  if (opts.saveBaseline !== undefined) writable('--save-baseline', opts.saveBaseline, (path) => writeFileSync(path, `${JSON.stringify(savedBaseline(comparison, isSaved ? (baseline as SavedBaseline).regression : (baseline as ScenarioSide).plan.regression), null, 2)}\n`));
  if (opts.out !== undefined) {
    writeFileSync(join(opts.out, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(opts.out, 'summary.md'), markdownCompare(comparison));
  }
  writeCiOutputs(opts, () => junitXml([compareSuite(comparison)]), () => markdownCompare(comparison));
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${renderCompare(comparison, terminalWidth())}\n${comparison.seeds.length} seeds × 2 in ${(elapsedMs / 1000).toFixed(1)}s on ${workers === 0 ? 'the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`}\n`);
  if (comparison.failures.some((f) => f.status === 'violation')) return ExitCode.invariantViolated;
  if (comparison.failures.length > 0) return ExitCode.internalError;
  return comparison.regressed.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}
