/** Reads and validates a scenario file, turning every problem into a UsageError listing them all. */
import { readFileSync } from 'node:fs';
import { formatProblems, parseScenarioText } from '../scenario/load.js';
import { SEED_HINT, SEED_WORD, type SimulationPlan } from '../scenario/schema.js';
import { UsageError } from './exit-codes.js';

export function loadScenarioFile(file: string): SimulationPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(err as Error).message})`);
  }
  const parsed = parseScenarioText(text, file);
  if (!parsed.ok) {
    const n = parsed.problems.length;
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
