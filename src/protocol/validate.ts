/**
 * Validating a message against the protocol schemas, fast. The zod schemas in schemas.ts are the
 * definition. In a run, messages of seven types interleave and zod's generic parse costs 5–13 µs
 * per message here; so the structure is checked by ajv, compiled from the JSON Schema that zod
 * derives from the same schemas (one validator per type), and the value rules are the very
 * functions the zod schemas run. A message that fails either is re-checked by zod, whose issues
 * (with paths) are what callers see. Tests check that both paths agree.
 *
 * Compiling a validator costs milliseconds, ~0.1 s for the types of a run, in every process and
 * worker thread. So the build also writes them ahead of time as one module of ajv's standalone
 * code (build-validators.ts), with the JSON Schema each was built from: a type whose schema
 * still reads the same uses the code written ahead, any other is compiled here (and only then
 * is ajv loaded).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { RuleContext } from './rules.js';
import { CommerceMessage, MESSAGE_TYPES, envelopeParts, type CommerceMessage as Message } from './schemas.js';

// CommonJS beside this module: the validators written by the build, and ajv when one must be compiled.
const requireHere = createRequire(import.meta.url);

export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type ValidationResult = { ok: true; message: Message } | { ok: false; issues: ValidationIssue[] };

interface CompiledType {
  readonly structure: ValidateFunction;
  readonly rules: (r: RuleContext, message: unknown) => void;
}

let ajv: import('ajv').default | undefined;
const compiled = new Map<string, CompiledType>();
const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

/** The options every structure validator is built with, here or ahead of time. */
export const AJV_OPTIONS = { strict: false, allErrors: false, validateFormats: false } as const;

/** The file the build writes the validators to, beside this module. */
export const PREBUILT_FILE = 'structure-validators.cjs';
/**
 * Where this module finds it: by way of the parent folder, so that a bundle of this module built
 * into a sibling folder (run/worker.bundle.js) finds the same file.
 */
const PREBUILT_PATH = `../protocol/${PREBUILT_FILE}`;

/** The validators written by the build: one per type, and the JSON Schema text each was built from. */
export interface Prebuilt {
  readonly [type: string]: unknown;
  readonly schemas: Readonly<Record<string, string>>;
}

let prebuilt: Prebuilt | null | undefined;

function loadPrebuilt(): Prebuilt | null {
  try {
    return requireHere(PREBUILT_PATH) as Prebuilt;
  } catch (err) {
    // Not built (running from the sources): every validator is compiled here.
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/** The JSON Schema of a message type's structure, derived from its zod schema. */
export function structureSchema(type: string): object {
  return z.toJSONSchema(envelopeParts(type)!.structure, { io: 'input', target: 'draft-7' });
}

/**
 * The structure validator of one message type: the one written by the build when it was built
 * from the same schema, else compiled now.
 */
export function structureValidator(type: string): ValidateFunction {
  const schema = structureSchema(type);
  prebuilt ??= loadPrebuilt();
  const ready = prebuiltFor(prebuilt, type, schema);
  if (ready !== undefined) return ready;
  // ajv is CommonJS; its default export is the class.
  ajv ??= new (requireHere('ajv') as typeof import('ajv').default)(AJV_OPTIONS);
  return ajv.compile(schema);
}

/** The validator of `type` written by the build, if there is one and it was built from `schema`. */
export function prebuiltFor(built: Prebuilt | null, type: string, schema: object): ValidateFunction | undefined {
  const ready = built?.[type];
  return typeof ready === 'function' && built!.schemas[type] === JSON.stringify(schema) ? (ready as ValidateFunction) : undefined;
}

/**
 * The validator of one message type, made when a message of that type is first seen: a run
 * uses a few of the fourteen types.
 */
function compiledFor(type: string): CompiledType | undefined {
  let entry = compiled.get(type);
  if (entry === undefined && KNOWN_TYPES.has(type)) {
    entry = { structure: structureValidator(type), rules: envelopeParts(type)!.rules };
    compiled.set(type, entry);
  }
  return entry;
}

/**
 * The fast path needs a yes or no, not the issues (a message that fails is checked again by zod
 * for them): so the value rules of every message report to this one context, emptied after each.
 */
const fastIssues: z.core.$ZodRawIssue[] = [];
const fastContext = new RuleContext(fastIssues as never, undefined);

/**
 * A validator's second argument (ajv's data context): given, so that its default (a new empty
 * object per call) is not made for every message. Empty, so every field takes its default.
 */
const NO_DATA_CONTEXT = Object.freeze({}) as Parameters<ValidateFunction>[1];

/** The compiled verdict alone (exported for the tests that hold it to zod's). */
export function passesCompiledCheck(message: unknown): boolean {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  const entry = typeof type === 'string' ? compiledFor(type) : undefined;
  if (entry === undefined || !entry.structure(message, NO_DATA_CONTEXT)) return false;
  // (emptied before as well: a rule that threw on the last message left its issues there)
  if (fastIssues.length !== 0) fastIssues.length = 0;
  entry.rules(fastContext, message);
  if (fastIssues.length === 0) return true;
  fastIssues.length = 0;
  return false;
}

/** Validates one message; on failure the issues are zod's, with paths. */
export function validateMessage(message: unknown): ValidationResult {
  if (passesCompiledCheck(message)) return { ok: true, message: message as Message };
  const parsed = CommerceMessage.safeParse(message);
  if (parsed.success) return { ok: true, message: message as Message };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) };
}
