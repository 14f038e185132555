/**
 * What a fuzz case must show (the rule of issue 26): validation never crashes; what validates
 * runs to its end, with no exit 4 and no exit 3 unless the scenario switches on `defects:`; a run
 * that takes long was announced by its size estimate.
 */
import { stringify } from 'yaml';
import { estimateSize, type SizeEstimate } from '../src/scenario/estimate.js';
import { parseScenarioText } from '../src/scenario/load.js';
import type { SimulationPlan } from '../src/scenario/schema.js';
import type { FuzzCase } from './mutate.js';

/** The case as the text of a scenario file, and that file's name. */
export function caseFile(c: FuzzCase): { name: string; text: string } {
  if (c.format === 'json') return { name: 'scenario.json', text: `${JSON.stringify(c.data, null, 2)}\n` };
  return { name: 'scenario.yaml', text: stringify(c.data) };
}

export type Validation =
  | { readonly kind: 'crashed'; readonly error: string }
  | { readonly kind: 'invalid'; readonly problems: number }
  | { readonly kind: 'valid'; readonly plan: SimulationPlan; readonly estimate: SizeEstimate };

/** Validates the case in this process, as `a2a-sim validate` does; a throw is a crash. */
export function validateCase(c: FuzzCase): Validation {
  const { name, text } = caseFile(c);
  try {
    const parsed = parseScenarioText(text, name);
    if (!parsed.ok) return { kind: 'invalid', problems: parsed.count ?? parsed.problems.length };
    return { kind: 'valid', plan: parsed.plan, estimate: estimateSize(parsed.plan) };
  } catch (err) {
    return { kind: 'crashed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/** The outcome classes of the exit-code table. */
export const OUTCOMES = [
  'invalid (exit 2 at validate)',
  'validate crashed',
  'exit 0',
  'exit 1 (budget)',
  'exit 2 (refused by run)',
  'exit 3 with defects',
  'exit 3 (unexpected)',
  'exit 4',
  'time limit, announced',
  'time limit, not announced',
  'other',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** True for the outcomes that break the rule. */
export function isFailure(o: Outcome): boolean {
  return o === 'validate crashed' || o === 'exit 3 (unexpected)' || o === 'exit 4' || o === 'time limit, not announced' || o === 'other';
}

/** The class of a run's exit; `timedOut` when the fuzz killed it at its time limit. */
export function classify(status: number | null, timedOut: boolean, plan: SimulationPlan, stderr: string): Outcome {
  if (timedOut) return /a large run:/.test(stderr) ? 'time limit, announced' : 'time limit, not announced';
  if (status === null) return 'other';
  if (status === 0) return 'exit 0';
  if (status === 1) return 'exit 1 (budget)';
  if (status === 2) return 'exit 2 (refused by run)';
  if (status === 3) return plan.defects.length > 0 ? 'exit 3 with defects' : 'exit 3 (unexpected)';
  if (status === 4) return 'exit 4';
  return 'other';
}
