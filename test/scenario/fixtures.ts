/** The quickstart scenario as text and as plain data, and helpers to break it in one place. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ScenarioParseResult, ScenarioProblem } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';

export const quickstartPath = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));
export const quickstartText = readFileSync(quickstartPath, 'utf8');

/** A fresh copy of the quickstart scenario as the object a YAML parser yields. */
export function quickstart(): Record<string, any> {
  return parse(quickstartText) as Record<string, any>;
}

/** `quickstartText` with `from` replaced once by `to`; fails loudly when `from` is absent. */
export function editQuickstart(from: string, to: string): string {
  if (!quickstartText.includes(from)) throw new Error(`quickstart.yaml no longer contains ${JSON.stringify(from)}`);
  return quickstartText.replace(from, to);
}

/** 1-based number of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return index + 1;
}

export function planOf(result: ScenarioParseResult): SimulationPlan {
  if (!result.ok) throw new Error(`scenario did not validate:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return result.plan;
}

export function problemsOf(result: ScenarioParseResult): ScenarioProblem[] {
  if (result.ok) throw new Error('scenario validated, expected problems');
  return result.problems;
}
