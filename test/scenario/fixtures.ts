/** A scenario owned by these tests, and helpers to break it in one place. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validate, type ScenarioParseResult, type ScenarioProblem } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';

export const quickstartPath = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));

/** The shipped quickstart scenario; its numbers get tuned, so tests only check its shape. */
export function readQuickstart(): string {
  return readFileSync(quickstartPath, 'utf8');
}

/**
 * Ten buyers, two supplier organisations, one category: the shape of the quickstart scenario,
 * kept here so that tuning the shipped file does not move the numbers these tests expect.
 */
export const scenarioText = `name: two-suppliers
seed: 42
duration: 1m
currency: USD

market:
  tick: 1s
  categories:
    - name: headphones
      reference_price: 150.00
      skus:
        - { sku: WH-PRO-001, name: Pro Wireless Headphones }
        - { sku: WH-PRO-002, name: Pro Wireless Headphones V2, price_factor: 1.1 }
        - { sku: WH-LITE-001, name: Lite Wireless Headphones, price_factor: 0.6 }
  regimes:
    - { name: calm, duration: 1m, volatility_per_minute: 0.005 }

network:
  latency: { distribution: lognormal, median: 2ms, p99: 12ms, min: 500us }
  loss_probability: 0.001

stores:
  - organisation: acme-audio
    agents: 2
    categories: [headphones]
    margin: 0.25
    floor_margin: 0.05
    shipping: 9.99
    tax_rate: 0.08
    quote_validity: 5s
    stock: { WH-PRO-001: 6, WH-PRO-002: 200, WH-LITE-001: 200 }
    strategy: { kind: boulware, max_rounds: 8 }
    capacity: { servers: 2, service_time: { distribution: exponential, mean: 3ms, min: 500us } }
  - organisation: soundwave-supply
    agents: 1
    categories: [headphones]
    margin: 0.30
    floor_margin: 0.08
    shipping: 4.99
    tax_rate: 0.08
    quote_validity: 5s
    stock: { WH-PRO-001: 4, WH-PRO-002: 150, WH-LITE-001: 150 }
    strategy: { kind: linear, max_rounds: 8 }
    capacity: { servers: 1, service_time: { distribution: lognormal, median: 2ms, p99: 8ms } }

buyers:
  - organisation: globex-procurement
    agents: 10
    categories: [headphones]
    intent_rate: 12/m
    quantity: { min: 1, max: 2 }
    budget_margin: 0.30
    budget_spread: 0.15
    target_margin: -0.05
    stores_per_intent: 2
    quote_timeout: 300ms
    confirmation_timeout: 500ms
    strategy: { kind: linear, max_rounds: 10, deadline: 2s }
    mandate: { max_per_purchase: 600.00 }
    breaker: { window: 20s, failure_threshold: 0.8, min_volume: 20, cooldown: 5s, half_open_trials: 3 }

budgets:
  - "negotiation.success_rate >= 0.5"
  - "settlement_latency.p99 < 1s"
`;

/** A fresh copy of `scenarioText` as the object a YAML parser yields. */
export function baseScenario(): Record<string, any> {
  return parse(scenarioText) as Record<string, any>;
}

/** `scenarioText` with `from` replaced once by `to`; fails loudly when `from` is absent. */
export function editScenario(from: string, to: string): string {
  if (!scenarioText.includes(from)) throw new Error(`the scenario no longer contains ${JSON.stringify(from)}`);
  return scenarioText.replace(from, to);
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

/** Validates `s` and returns the sorted paths of its problems. */
export function problemPaths(s: unknown): string[] {
  return problemsOf(validate(s)).map((p) => p.path).sort();
}

export function messageAt(s: unknown, path: string): string {
  const problem = problemsOf(validate(s)).find((p) => p.path === path);
  if (!problem) throw new Error(`no problem at ${path}`);
  return problem.message;
}
