/** Scenario files of the project, parsed into plans (a test fails loudly if one does not parse). */
import { readFileSync } from 'node:fs';
import { resolveStrategyModules } from '../src/run/strategy-modules.js';
import { parseScenarioText } from '../src/scenario/load.js';
import type { SimulationPlan } from '../src/scenario/schema.js';

export function planOf(file: string): SimulationPlan {
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.problems)}`);
  // Plug-in strategy modules are named relative to the file, as the command line reads them.
  return resolveStrategyModules(parsed.plan, file);
}

/** A one-agent buyer group with the fewest settings a scenario needs; tests override what they care about. */
export function minimalBuyer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organisation: 'globex',
    agents: 1,
    categories: ['widgets'],
    intent_rate: '1/m',
    quantity: { min: 1, max: 1 },
    budget_margin: 0.2,
    target_margin: 0,
    stores_per_intent: 1,
    quote_timeout: '100ms',
    confirmation_timeout: '100ms',
    strategy: { kind: 'linear', max_rounds: 3 },
    mandate: { max_per_purchase: 100 },
    ...overrides,
  };
}
