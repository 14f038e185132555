/**
 * Scenario text (YAML or JSON) → SimulationPlan, or the full list of problems, each with the
 * path of what was wrong and, for YAML, its line and column. Reading files is the caller's job.
 */
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, isMap, isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { NetworkModel } from '../broker/network.js';
import { limitProblems } from './limits.js';
import { ScenarioSchema, type SimulationPlan } from './schema.js';
import { closest, didYouMean, knownKeys } from './suggest.js';
import { withExternalStandIns } from './external.js';
import { escapeLoneSurrogates, textProblems } from './text.js';

export interface ScenarioProblem {
  /** e.g. "buyers[0].strategy.e", or "" for the whole file */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * A failure lists at most MAX_PROBLEMS problems, then a line saying how many more there are;
 * `count` is then the number of problems found (else it is the number listed).
 */
export type ScenarioParseResult = { ok: true; plan: SimulationPlan } | { ok: false; problems: ScenarioProblem[]; count?: number };

/** "buyers", 0, "strategy", "e" → "buyers[0].strategy.e" */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Line and column (from 1) of a character offset in `text`. */
function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Parses and validates scenario text; `fileName` decides between JSON and YAML. */
export function parseScenarioText(text: string, fileName: string): ScenarioParseResult {
  const lines = new LineCounter();
  if (/\.json$/i.test(fileName)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const at = /at position (\d+)/.exec(message);
      // Without a position in the message, the YAML reader (JSON is YAML) may tell where it stops.
      const yamlError = at ? undefined : parseDocument(text, { lineCounter: lines, prettyErrors: false }).errors[0];
      const where = at ? positionIn(text, Number(at[1])) : yamlError ? { line: lines.linePos(yamlError.pos[0]).line, column: lines.linePos(yamlError.pos[0]).col } : {};
      return { ok: false, problems: [{ path: '', message: `invalid JSON: ${message}`, ...where }] };
    }
    // JSON is YAML 1.2: the same text read as YAML gives each problem its line (when it reads
    // the same; else the problems go without lines).
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
    // JSON.parse keeps the last of two equal keys without a word; a scenario may not have them.
    const duplicates = doc.errors.length === 0 ? duplicateKeys(doc, lines) : [];
    if (duplicates.length > 0) return { ok: false, problems: duplicates.map((p) => ({ ...p, message: p.message.replace('invalid YAML', 'invalid JSON') })) };
    const same = doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), data);
    return same ? validate(data, doc, lines) : validate(data);
  }
  // Duplicate keys are found below in one pass (the parser's own check is quadratic in a map's size).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length === 0) {
    const duplicates = duplicateKeys(doc, lines);
    if (duplicates.length > 0) return { ok: false, problems: duplicates };
  }
  if (doc.errors.length > 0) {
    return capped(
      doc.errors.slice(0, MAX_PROBLEMS).map((e) => ({
        path: '',
        message: `invalid YAML: ${e.code === 'MULTIPLE_DOCS' ? 'more than one document ("---"): a scenario file holds one' : e.message.split('\n')[0]}`,
        line: lines.linePos(e.pos[0]).line,
        column: lines.linePos(e.pos[0]).col,
      })),
      doc.errors.length,
    );
  }
  let data: unknown;
  try {
    // Aliases may be reused freely; an expansion past this is an attack ("billion laughs").
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `invalid YAML: its aliases expand past ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes (${(err as Error).message})` }] };
  }
  return validate(data, doc, lines);
}

/** Keys given twice in one map (YAML forbids it), each with its line. */
function duplicateKeys(doc: Document, lines: LineCounter): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        if (problems.length >= MAX_PROBLEMS) return visit.BREAK;
        const at = isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]) : undefined;
        problems.push({ path: '', message: `invalid YAML: the key ${JSON.stringify(String(key))} is given twice in one map`, ...(at ? { line: at.line, column: at.col } : {}) });
      }
      return undefined;
    },
  });
  return problems;
}

/** How far aliases may expand (yaml's maxAliasCount: uses of an alias times the nodes it holds). */
const MAX_ALIAS_EXPANSION = 100_000;

/** Problems listed at most: past this a file is rarely worth reading line by line. */
export const MAX_PROBLEMS = 200;

/**
 * Why `workers` threads cannot run this plan, or undefined when they can: more than one thread
 * needs a lookahead, a minimum one-way latency above zero (the file's `workers` and `run
 * --workers` are held to the same rule).
 */
export function workersRefusal(plan: SimulationPlan, workers: number, seed: string | number = plan.seed): string | undefined {
  if (workers <= 1 || new NetworkModel(plan, seed).minimumLatencyUs() > 0) return undefined;
  return `${workers} worker threads need a minimum one-way latency above zero (the lookahead between shards): give network.latency (and every network.links entry) a "min"`;
}

/** Validates already-parsed data (e.g. a scenario built in code or a test). */
export function validate(data: unknown, doc?: Document, lines?: LineCounter): ScenarioParseResult {
  // Text that cannot be signed, hashed or written is a problem wherever it is (text.ts).
  const textual: ScenarioProblem[] = textProblems(data, MAX_PROBLEMS).map((p) => ({
    path: escapeLoneSurrogates(formatPath(p.path)),
    message: p.message,
    ...position(doc, lines, p.path),
  }));
  const shaped = validateShape(data, doc, lines);
  if (textual.length === 0) return shaped;
  const others = shaped.ok ? [] : shaped.problems.filter((p) => !p.message.startsWith('… and'));
  const total = textual.length + (shaped.ok ? 0 : (shaped.count ?? shaped.problems.length));
  return capped([...textual, ...others].slice(0, MAX_PROBLEMS), total);
}

/** The schema, the cross-references, and what a run can hold (limits.ts). */
function validateShape(data: unknown, doc?: Document, lines?: LineCounter): ScenarioParseResult {
  const result = ScenarioSchema.safeParse(data, { reportInput: true });
  if (result.success) {
    const plan = withExternalStandIns(result.data);
    // (external organisations run inline, whatever workers says: the run notes it)
    const refusal = typeof plan.workers === 'number' && plan.external.length === 0 ? workersRefusal(plan, plan.workers) : undefined;
    if (refusal !== undefined) return { ok: false, problems: [{ path: 'workers', message: `${refusal}, or use workers: 0 or 1`, ...position(doc, lines, ['workers']) }] };
    const limits = limitProblems(plan);
    if (limits.length > 0) return capped(limits.slice(0, MAX_PROBLEMS).map((p) => ({ path: formatPath(p.path), message: p.message, ...position(doc, lines, p.path) })), limits.length);
    return { ok: true, plan };
  }
  const problems: ScenarioProblem[] = [];
  let total = 0;
  // A mistyped field also leaves the field it meant missing: that is reported once, as the slip.
  const meant = slips(result.error.issues, data);
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys' && meant.missing.has(formatPath(issue.path))) continue;
    const count = issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
    total += count;
    // Positions are found only for the problems listed (finding one is a walk of the document).
    if (problems.length < MAX_PROBLEMS) problems.push(...toProblems(issue, doc, lines, MAX_PROBLEMS - problems.length, meant.suggestions));
  }
  return capped(problems, total);
}

/**
 * For each unknown field, the known field of its object it is closest to (by path of the unknown
 * field), and the paths of those meant fields that the data lacks.
 */
function slips(issues: readonly z.core.$ZodIssue[], data: unknown): { suggestions: Map<string, string>; missing: Set<string> } {
  const suggestions = new Map<string, string>();
  const missing = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeys(ScenarioSchema, issue.path);
    let at: unknown = data;
    for (const k of issue.path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[k] : undefined;
    const present = at !== null && typeof at === 'object' ? new Set(Object.keys(at)) : new Set<string>();
    for (const key of issue.keys) {
      const field = closest(key, [...known].filter((k) => !present.has(k)));
      if (field === undefined) continue;
      suggestions.set(formatPath([...issue.path, key]), field);
      missing.add(formatPath([...issue.path, field]));
    }
  }
  return { suggestions, missing };
}

/** A failure with the problems listed, and a last line for the `total - listed` more not listed. */
function capped(listed: ScenarioProblem[], total: number): ScenarioParseResult {
  if (total <= listed.length) return { ok: false, problems: listed };
  const more = { path: '', message: `… and ${(total - listed.length).toLocaleString('en-US')} more problems (the first ${listed.length} are listed)` };
  return { ok: false, problems: [...listed, more], count: total };
}

function toProblems(issue: z.core.$ZodIssue, doc: Document | undefined, lines: LineCounter | undefined, room: number, suggestions: ReadonlyMap<string, string>): ScenarioProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.slice(0, room).map((key) => ({
      path: formatPath([...issue.path, key]),
      message: `unknown field "${key}"${suggestions.has(formatPath([...issue.path, key])) ? ` (did you mean "${suggestions.get(formatPath([...issue.path, key]))}"?)` : ''}`,
      ...position(doc, lines, issue.path, key),
    }));
  }
  return [{ path: formatPath(issue.path), message: describe(issue), ...position(doc, lines, issue.path) }];
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value' && typeof issue.input === 'string') {
    return `${issue.message}${didYouMean(issue.input, issue.values.filter((v): v is string => typeof v === 'string'))}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required field is missing (expected ${issue.expected})`;
  if (issue.code === 'invalid_type' && typeof issue.input === 'number' && !Number.isFinite(issue.input)) return `expected a finite number, got ${String(issue.input)}`;
  if (issue.code === 'too_small' && issue.origin === 'array' && issue.message.startsWith('Too small')) return `expected at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}, got ${Array.isArray(issue.input) ? issue.input.length : 'fewer'}`;
  if (issue.code === 'invalid_type') {
    // Our own hints (e.g. for durations) say more than zod's default wording.
    const expected = issue.message.startsWith('Invalid input') ? `expected ${article(issue.expected === 'int' ? 'integer' : issue.expected)}` : issue.message;
    return `${expected}, got ${typeName(issue.input)}`;
  }
  // Bounds on numbers in our wording (zod's is "Too small: expected number to be >0").
  const numeric = (origin: string) => origin === 'number' || origin === 'int';
  if (issue.code === 'too_small' && numeric(issue.origin) && issue.message.startsWith('Too small')) return `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, got ${String(issue.input)}`;
  if (issue.code === 'too_big' && numeric(issue.origin) && issue.message.startsWith('Too big')) return `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}, got ${String(issue.input)}`;
  return issue.message;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // A long string is quoted by its start: the problem line stays readable.
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 80 ? value.slice(0, 60) : value)}${value.length > 80 ? `… (${value.length.toLocaleString('en-US')} characters)` : ''}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Line and column of the node at `path` (or of `key` inside it) in the YAML source. */
function position(doc: Document | undefined, lines: LineCounter | undefined, path: readonly PropertyKey[], key?: string): { line?: number; column?: number } {
  if (!doc || !lines) return {};
  // Walk down as far as the document goes: a missing field points at its parent.
  const keys = path.map((k) => (typeof k === 'number' ? k : String(k)));
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    if (!isNode(node)) continue;
    let offset = node.range?.[0];
    if (key !== undefined && depth === keys.length && isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
      if (pair && isNode(pair.key)) offset = pair.key.range?.[0];
    }
    if (offset === undefined) continue;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
  return {};
}

/** One problem per line: "file:line:col path: message". */
export function formatProblems(fileName: string, problems: readonly ScenarioProblem[]): string {
  return problems
    .map((p) => {
      const where = p.line !== undefined ? `${fileName}:${p.line}:${p.column ?? 1}` : fileName;
      return `  ${where}  ${p.path ? `${p.path}: ` : ''}${p.message}`;
    })
    .join('\n');
}
