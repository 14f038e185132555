/**
 * Plug-in strategies: finding the modules a scenario names, resolving them against the scenario
 * file, and loading them into this thread (every worker thread loads them too). `.js`, `.mjs`
 * and `.cjs` load as they are; `.ts` and `.mts` are transpiled on the way in (ts-hooks.ts). A
 * module that cannot be loaded, or whose default export is not a negotiator factory, is a
 * problem of the scenario, reported with the path of the strategy that names it.
 */
import { existsSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NegotiatorFactory, NegotiatorInfo, Role } from '../agents/strategies/contract.js';
import { registerStrategyModule, strategyModuleLoaded, type StrategyPlan } from '../agents/strategies/registry.js';
import type { ScenarioProblem } from '../scenario/load.js';
import type { SimulationPlan } from '../scenario/schema.js';

/** Where a plug-in module is named in a scenario. */
export interface StrategyModuleUse {
  /** e.g. "buyers[0].strategy.module" */
  readonly path: string;
  readonly role: Role;
  readonly strategy: StrategyPlan;
  readonly category: string;
}

export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

/** Every use of a plug-in module in the scenario. */
export function strategyModuleUses(plan: SimulationPlan): StrategyModuleUse[] {
  const uses: StrategyModuleUse[] = [];
  plan.stores.forEach((s, i) => {
    if (s.strategy.module !== undefined) uses.push({ path: `stores[${i}].strategy.module`, role: 'store', strategy: s.strategy, category: s.categories[0]! });
  });
  plan.buyers.forEach((b, i) => {
    if (b.strategy.module !== undefined) uses.push({ path: `buyers[${i}].strategy.module`, role: 'buyer', strategy: b.strategy, category: b.categories[0]! });
  });
  return uses;
}

/** The plan with every module path made absolute, relative to `baseDir` (the scenario file's folder). */
export function resolveStrategyModules(plan: SimulationPlan, scenarioFile: string): SimulationPlan {
  if (strategyModuleUses(plan).length === 0) return plan;
  const base = dirname(resolve(scenarioFile));
  const fix = <T extends { strategy: StrategyPlan }>(x: T): T =>
    x.strategy.module === undefined || isAbsolute(x.strategy.module) ? x : { ...x, strategy: { ...x.strategy, module: resolve(base, x.strategy.module) } };
  return { ...plan, stores: plan.stores.map(fix), buyers: plan.buyers.map(fix) };
}

let tsHooks = false;

/** Registers the TypeScript hooks in this thread, once. Tests run from sources, where TypeScript already loads. */
function ensureTypeScript(): void {
  if (tsHooks) return;
  tsHooks = true;
  const here = import.meta.url;
  if (here.endsWith('.ts')) return;
  register(new URL('../run/ts-hooks.js', here));
}

function factoryOf(mod: Record<string, unknown>): NegotiatorFactory | undefined {
  const candidate = mod.default ?? mod.createNegotiator;
  if (typeof candidate === 'function') return candidate as NegotiatorFactory;
  // A CommonJS module's exports arrive as the default export.
  const inner = (candidate as Record<string, unknown> | undefined)?.default ?? (candidate as Record<string, unknown> | undefined)?.createNegotiator;
  return typeof inner === 'function' ? (inner as NegotiatorFactory) : undefined;
}

/** Calls the factory once, as the engine will, to check that it keeps the contract. */
function probe(factory: NegotiatorFactory, use: StrategyModuleUse): string | undefined {
  const info: NegotiatorInfo = { role: use.role, agent: 'probe', organisation: 'probe', conversationId: 'probe', category: use.category, strategy: use.strategy.name };
  let made: unknown;
  try {
    made = factory(structuredClone(use.strategy.options) as Record<string, unknown>, info);
  } catch (err) {
    return `createNegotiator(options, info) threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  const n = made as { respond?: unknown; propose?: unknown } | null;
  if (typeof n !== 'object' || n === null || typeof n.respond !== 'function' || typeof n.propose !== 'function') {
    return 'createNegotiator(options, info) must return an object with respond(state, offer) and propose(state) methods';
  }
  return undefined;
}

const loading = new Map<string, Promise<string | NegotiatorFactory>>();

async function importModule(file: string): Promise<string | NegotiatorFactory> {
  if (!existsSync(file)) return `no such file: ${file}`;
  if (!statSync(file).isFile()) return `not a file: ${file}`;
  const ext = MODULE_EXTENSIONS.find((e) => file.endsWith(e));
  if (ext === undefined) return `${file}: a strategy module is ${MODULE_EXTENSIONS.join(', ')}`;
  if (ext === '.ts' || ext === '.mts') ensureTypeScript();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error;
    return `${file} cannot be loaded: ${e.name === 'SyntaxError' || e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]}`;
  }
  const factory = factoryOf(mod);
  if (factory === undefined) return `${file} does not export a negotiator factory: its default export must be createNegotiator(options, info)`;
  return factory;
}

/**
 * Loads every plug-in module the plan names into this thread (once per module) and checks each
 * against the contract. Returns the problems, each with the path of the strategy naming it.
 */
export async function loadStrategyModules(plan: SimulationPlan): Promise<ScenarioProblem[]> {
  const problems: ScenarioProblem[] = [];
  for (const use of strategyModuleUses(plan)) {
    const file = use.strategy.module!;
    let pending = loading.get(file);
    if (pending === undefined) {
      pending = importModule(file);
      loading.set(file, pending);
    }
    const loaded = await pending;
    if (typeof loaded === 'string') {
      problems.push({ path: use.path, message: loaded });
      continue;
    }
    const broken = probe(loaded, use);
    if (broken !== undefined) {
      problems.push({ path: use.path, message: `${file}: ${broken}` });
      continue;
    }
    if (!strategyModuleLoaded(file)) registerStrategyModule(file, loaded);
  }
  return problems;
}
