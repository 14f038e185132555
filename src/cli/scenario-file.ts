/** Reads and validates a scenario file, turning every problem into a UsageError listing them all. */
import { readFileSync, statSync } from 'node:fs';
import { formatProblems, parseScenarioText } from '../scenario/load.js';
import { SEED_HINT, SEED_WORD, type SimulationPlan } from '../scenario/schema.js';
import { loadStrategyModules, resolveStrategyModules } from '../run/strategy-modules.js';
import { UsageError } from './exit-codes.js';
import { fileKind } from './file-kind.js';

/** Scenario files are text of a few MB at most; this keeps a device or a huge file from being read whole. */
const MAX_SCENARIO_BYTES = 64 * 1024 * 1024;

export function loadScenarioFile(file: string): SimulationPlan {
  if (file.trim() === '') throw new UsageError('expected a scenario file, got an empty path');
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`${file}: is a folder, not a scenario file`);
    if (!stat.isFile()) throw new UsageError(`${file}: is not a regular file (a device or a pipe?)`);
    if (stat.size > MAX_SCENARIO_BYTES) throw new UsageError(`${file}: ${Math.round(stat.size / 1048576)} MiB, more than a scenario file may be (${MAX_SCENARIO_BYTES / 1048576} MiB)`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(err as Error).message})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${file}: is not UTF-8 text (save it as UTF-8)`);
  }
  const parsed = parseScenarioText(text, file);
  if (!parsed.ok) {
    if (fileKind(text) === 'tournament') throw new UsageError(`${file}: is a tournament file (it lists competitors), not a scenario: run it with a2a-sim tournament ${file}`);
    const n = parsed.count ?? parsed.problems.length;
    throw new UsageError(`${file}: invalid scenario, ${n} problem${n === 1 ? '' : 's'}:\n${formatProblems(file, parsed.problems)}`);
  }
  return parsed.plan;
}

/** `--seed` (or `option`) accepts a non-negative integer or a word, as a scenario's `seed` does. */
export function parseSeed(text: string, option = '--seed'): string | number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new UsageError(`${option} ${text}: too large for an integer seed`);
    return n;
  }
  if (SEED_WORD.test(text)) return text;
  throw new UsageError(`${option} ${text}: ${SEED_HINT}`);
}

/**
 * Reads a scenario file and loads the plug-in strategies it names (paths relative to the file):
 * a module that is missing, does not load or breaks the contract is a problem of the file.
 */
export async function loadScenarioWithStrategies(file: string, options: { readonly refuseExternal?: string } = {}): Promise<SimulationPlan> {
  const plan = resolveStrategyModules(loadScenarioFile(file), file);
  // Runs of many seeds cannot wait for agent processes: external organisations join `run` only.
  if (options.refuseExternal !== undefined && plan.external.length > 0) {
    throw new UsageError(`${file}: ${options.refuseExternal} runs the scenario many times, which its external organisations (${plan.external.map((e) => e.organisation).join(', ')}) cannot join: run it with a2a-sim run --listen (or --replay)`);
  }
  const problems = await loadStrategyModules(plan);
  if (problems.length > 0) {
    const n = problems.length;
    throw new UsageError(`${file}: invalid scenario, ${n} problem${n === 1 ? '' : 's'}:\n${formatProblems(file, problems)}`);
  }
  return plan;
}
