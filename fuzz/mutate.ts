/**
 * Mutated scenarios: a valid scenario with one to three changes of type, unit, extreme value,
 * Unicode or structure. A case is a pure function of (base, seed), so any case can be made again
 * from its seed alone. Used by the standing property test and by `npm run fuzz`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { parse } from 'yaml';

export interface BaseScenario {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

export interface FuzzCase {
  readonly base: string;
  readonly seed: string;
  /** what was changed, one line each ("buyers[0].intent_rate = \"1000/ms\"") */
  readonly mutations: string[];
  readonly data: unknown;
  /** JSON keeps escapes such as "\ud800" as they are; YAML is what most users write */
  readonly format: 'yaml' | 'json';
}

/**
 * The shipped scenarios small enough to run in a test (not the benchmarks, nor tournament
 * files, nor those with external organisations, whose agents are processes a run waits for), plus a tiny one.
 */
export function baseScenarios(root: string): BaseScenario[] {
  const folder = join(root, 'scenarios');
  const shipped = readdirSync(folder)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('bench-') && !f.startsWith('tournament-') && !f.startsWith('external-'))
    .sort()
    .map((f) => ({ name: f, data: absoluteModules(parse(readFileSync(join(folder, f), 'utf8')) as Record<string, unknown>, folder) }));
  return [{ name: 'tiny', data: parse(TINY) as Record<string, unknown> }, ...shipped];
}

/**
 * The scenario with its strategy modules' paths made absolute: a case is written to a folder of
 * its own, where a path relative to scenarios/ would name nothing.
 */
function absoluteModules(data: Record<string, unknown>, folder: string): Record<string, unknown> {
  for (const side of ['stores', 'buyers']) {
    const list = data[side];
    if (!Array.isArray(list)) continue;
    for (const entry of list as Array<{ strategy?: { module?: unknown } }>) {
      const module = entry?.strategy?.module;
      if (typeof module === 'string' && !isAbsolute(module)) entry.strategy!.module = resolve(folder, module);
    }
  }
  return data;
}

/** A small valid scenario: two agents, five seconds. */
export const TINY = `name: tiny
duration: 5s
market:
  categories:
    - { name: c, reference_price: 10.00, skus: [{ sku: S1, name: s }] }
  regimes:
    - { name: calm, duration: 5s, volatility_per_minute: 0.005 }
network:
  latency: 2ms
stores:
  - organisation: st
    agents: 1
    categories: [c]
    margin: 0.2
    floor_margin: 0.05
    quote_validity: 5s
    stock: { S1: 1000 }
    strategy: { kind: linear, max_rounds: 5 }
    capacity: { servers: 1, service_time: 1ms }
buyers:
  - organisation: by
    agents: 1
    categories: [c]
    intent_rate: 60/m
    quantity: { min: 1, max: 1 }
    budget_margin: 0.3
    target_margin: 0.0
    stores_per_intent: 1
    quote_timeout: 300ms
    confirmation_timeout: 500ms
    strategy: { kind: linear, max_rounds: 5, deadline: 2s }
    mandate: { max_per_purchase: 100.00 }
security: { signing: off }
`;

const DURATIONS = ['0s', '1us', '7us', '100us', '999us', '1ms', '20ms', '250ms', '1s', '5s', '6s', '1m', '10m', '601s', '1h', '24h', '1000d', '100000d', '100001d', '1.5s', '-1s', '5 s', '5sec', ''];
const RATES = ['0', '1/ms', '1000/ms', '1000000/s', '20000/s', '60/m', '0.001/d', '1/s', '-1/s', '5'];
const NUMBERS = [0, -1, 1, 2, 3, 0.5, 0.999, 1e-9, 7, 64, 1000, 10_000, 100_000, 1_000_000, 1e9, 1e15, 2 ** 53, 1e308, -0.5, 1.0000001];
const STRINGS = ['', 'x', '\ud800', '\udc00\ud800', 'S\ud800', 'é', '😀', 'a'.repeat(300), 'null', '1e400', 'calm', 'c', ' '];
const MONEY = ['0', '0.001', '0.01', '10000000000.00', '10000000000.01', '-1', 1e12, 249.99, '1e3'];
const STRUCTURES: unknown[] = [null, [], {}, true, [1, 2], { a: 1 }];

/** Whole sections a mutation may add or replace, with values drawn from the pools above. */
const SECTIONS: readonly ((r: Pick) => [(string | number)[], unknown])[] = [
  (r) => [['settlement'], { step_timeout: r(DURATIONS.slice(3, 14)), retry_backoff_max: r(DURATIONS.slice(1, 14)), saga_bound: r(['6s', '10s', '30s', '1m']), funding: { buyer_cash: 20000 } }],
  (r) => [['faults'], { message_loss_probability: r([0, 0.01, 0.5, 1]), duplicate_probability: r([0, 0.1, 1]), crashes: [] }],
  (r) => [['buyers', 0, 'burst'], { at: r(DURATIONS.slice(0, 16)), negotiations: r([1, 10, 1000, 10_000, 100_000]) }],
  (r) => [['buyers', 0, 'exposure_limit'], r(MONEY)],
  (r) => [['buyers', 0, 'breaker'], { window: r(['1s', '20s', '1ms']), failure_threshold: r([0.1, 0.8, 1]), min_volume: r([1, 20]), cooldown: r(DURATIONS.slice(1, 16)), half_open_trials: r([1, 3]) }],
  (r) => [['report'], { timeseries_bucket: r(DURATIONS.slice(1, 14)) }],
  (r) => [['market', 'tick'], r(DURATIONS.slice(1, 14))],
  (r) => [['security'], { signing: r(['es256', 'eddsa', 'off']), audit: r([true, false]) }],
  (r) => [['network', 'latency'], { distribution: r(['lognormal', 'exponential', 'uniform']), median: r(DURATIONS.slice(3, 14)), p99: r(DURATIONS.slice(5, 18)), mean: r(DURATIONS.slice(3, 14)), min: '0s', max: r(DURATIONS.slice(5, 14)) }],
  (r) => [['adversaries'], [{ kind: r(['flooder', 'replayer', 'forger', 'impersonator', 'mandate_exceeder', 'tamperer']), rate: r(RATES) }]],
  (r) => [['defects'], [r(['ledger_double_post', 'saga_skips_compensation', 'buyer_records_cancelled'])]],
  (r) => [['workers'], r([0, 1, 2, 'auto'])],
];

type Pick = <T>(list: readonly T[]) => T;

/** The leaves of `data` with their paths (arrays and objects are walked, the rest are leaves). */
function leaves(data: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(data)) data.forEach((v, i) => leaves(v, [...path, i], out));
  else if (typeof data === 'object' && data !== null) for (const [k, v] of Object.entries(data)) leaves(v, [...path, k], out);
  else out.push(path);
  return out;
}

function containers(data: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof data !== 'object' || data === null) return out;
  out.push(path);
  if (Array.isArray(data)) data.forEach((v, i) => containers(v, [...path, i], out));
  else for (const [k, v] of Object.entries(data)) containers(v, [...path, k], out);
  return out;
}

function getAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

/** Sets `value` at `path`, creating objects on the way; false when a step is not an object. */
function setAt(data: unknown, path: readonly (string | number)[], value: unknown): boolean {
  let node = data as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  if (typeof node !== 'object' || node === null) return false;
  node[path[path.length - 1]!] = value;
  return true;
}

const show = (path: readonly (string | number)[]) => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '');

/** A value of the same kind as `old` most of the time, else any. */
function valueLike(old: unknown, pick: Pick, chance: () => number): unknown {
  const pools: unknown[][] = [DURATIONS, RATES, NUMBERS, STRINGS, MONEY, STRUCTURES];
  if (chance() < 0.7) {
    if (typeof old === 'number') return pick<unknown>(chance() < 0.5 ? NUMBERS : MONEY);
    if (typeof old === 'string' && /^\s*[\d.]+\s*(us|µs|ms|s|m|h|d)\s*$/.test(old)) return pick<unknown>(DURATIONS);
    if (typeof old === 'string' && old.includes('/')) return pick<unknown>(RATES);
    if (typeof old === 'string') return pick<unknown>(STRINGS);
  }
  return pick(pick(pools));
}

/** Case `seed` of base scenario `base`: one to three mutations. */
export function mutateCase(base: BaseScenario, seed: string): FuzzCase {
  const rng = seedrandom(seed);
  const chance = () => rng.quick();
  const pick: Pick = (list) => list[Math.floor(chance() * list.length)]!;
  const data = structuredClone(base.data) as Record<string, unknown>;
  const mutations: string[] = [];
  const n = 1 + Math.floor(chance() * 3);
  for (let i = 0; i < n; i++) {
    const kind = chance();
    if (kind < 0.4) {
      const path = pick(leaves(data));
      if (path.length === 0) continue;
      const value = valueLike(getAt(data, path), pick, chance);
      setAt(data, path, value);
      mutations.push(`${show(path)} = ${JSON.stringify(value)}`);
    } else if (kind < 0.55) {
      const path = pick(containers(data).filter((p) => p.length > 0));
      if (!path) continue;
      const parent = getAt(data, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete parent[path[path.length - 1]!];
      mutations.push(`delete ${show(path)}`);
    } else if (kind < 0.85) {
      const [path, value] = pick(SECTIONS)(pick);
      if (setAt(data, path, value)) mutations.push(`${show(path)} = ${JSON.stringify(value)}`);
    } else if (kind < 0.95) {
      // Scale a size: agents, a rate, the duration.
      const factor = pick([10, 100, 1000]);
      const groups = [...((data.buyers as unknown[]) ?? []), ...((data.stores as unknown[]) ?? [])].filter((g): g is Record<string, unknown> => typeof g === 'object' && g !== null);
      const group = groups.length > 0 ? pick(groups) : undefined;
      if (group && typeof group.agents === 'number') {
        group.agents *= factor;
        mutations.push(`agents × ${factor}`);
      }
    } else {
      const arrays = containers(data).filter((p) => Array.isArray(getAt(data, p)) && (getAt(data, p) as unknown[]).length > 0);
      if (arrays.length === 0) continue;
      const path = pick(arrays);
      const list = getAt(data, path) as unknown[];
      list.push(structuredClone(pick(list)));
      mutations.push(`duplicate an entry of ${show(path)}`);
    }
  }
  return { base: base.name, seed, mutations, data, format: chance() < 0.3 ? 'json' : 'yaml' };
}
