/** Running the built a2a-sim command as a user would, in fresh temporary folders. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');
export const quickstartFile = 'scenarios/quickstart.yaml';
export const volatilityFile = 'scenarios/volatility-spike.yaml';

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/src/cli/main.js ...args` from the project folder. Asynchronous so that a
 * beforeAll can start several runs at once; NO_COLOR keeps the output free of escapes.
 */
export function runCli(args: readonly string[], timeoutMs = 60_000, env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: build first with "npx tsc -p tsconfig.build.json"`);
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', GITHUB_STEP_SUMMARY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolvePromise({
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** A fresh temporary folder; remove it with `cleanup`. */
export function makeTmp(label: string): string {
  return mkdtempSync(join(tmpdir(), `a2a-sim-e2e-${label}-`));
}

export function cleanup(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** True when `dir` does not exist or holds nothing. */
export function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export function readJson<T = any>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A scenario file of the project as the plain data a YAML parser yields. */
export function loadScenarioData(file: string): Record<string, any> {
  return parse(readFileSync(join(root, file), 'utf8')) as Record<string, any>;
}

/** Writes `data` as YAML to `dir/name` and returns the path. */
export function writeYaml(dir: string, name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(data));
  return file;
}

export function writeText(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The NDJSON lines of a trace file, parsed. Throws with the line number on the first bad line. */
export function readTrace(file: string): any[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new Error(`trace line ${i + 1} is not JSON: ${(err as Error).message}: ${line.slice(0, 200)}`);
    }
  });
}

/** Every key, at any depth, of a JSON value. */
export function allKeys(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}

/** Every string, at any depth, of a JSON value. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => allStrings(v, out));
  return out;
}

/**
 * A small, valid, self-contained scenario in YAML. The bad-file tests break it one line at a
 * time, so the expected line and column of each problem can be computed from the text.
 */
export const BASE_SCENARIO = `name: e2e-base
seed: 5
duration: 10s
currency: USD

market:
  tick: 1s
  categories:
    - name: widgets
      reference_price: 20.00
      skus:
        - { sku: W-1, name: Widget }
  regimes:
    - { name: calm, duration: 10s, volatility_per_minute: 0.001 }

network:
  latency: 2ms
  loss_probability: 0

stores:
  - organisation: acme
    agents: 1
    categories: [widgets]
    margin: 0.2
    floor_margin: 0.05
    shipping: 1.50
    quote_validity: 5s
    stock: { W-1: 100 }
    strategy: { kind: linear, max_rounds: 5 }
    capacity: { servers: 1, service_time: 1ms }

buyers:
  - organisation: globex
    agents: 2
    categories: [widgets]
    intent_rate: 6/m
    quantity: { min: 1, max: 2 }
    budget_margin: 0.3
    target_margin: 0.0
    stores_per_intent: 1
    quote_timeout: 300ms
    confirmation_timeout: 500ms
    strategy: { kind: linear, max_rounds: 5, deadline: 2s }
    mandate: { max_per_purchase: 500.00 }
`;

/** `text` with `from` replaced once by `to`; throws when `from` does not occur exactly once. */
export function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first < 0 || text.indexOf(from, first + 1) >= 0) {
    throw new Error(`expected exactly one ${JSON.stringify(from)} in the scenario text`);
  }
  return text.slice(0, first) + to + text.slice(first + from.length);
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${JSON.stringify(needle)} does not occur in the scenario text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The problem lines of an "invalid scenario" message on stderr (indented, one per problem). */
export function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\s{2,}\S/.test(l));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
