/** Scenario files of the project, parsed into plans (a test fails loudly if one does not parse). */
import { readFileSync } from 'node:fs';
import { parseScenarioText } from '../src/scenario/load.js';
import type { SimulationPlan } from '../src/scenario/schema.js';

export function planOf(file: string): SimulationPlan {
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.problems)}`);
  return parsed.plan;
}
