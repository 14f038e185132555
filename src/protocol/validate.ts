/**
 * Validating a message against the protocol schemas, fast. The zod schemas in schemas.ts are the
 * definition. In a run, messages of seven types interleave and zod's generic parse costs 5–13 µs
 * per message here; so the structure is checked by ajv, compiled from the JSON Schema that zod
 * derives from the same schemas (one validator per type), and the value rules are the very
 * functions the zod schemas run. A message that fails either is re-checked by zod, whose issues
 * (with paths) are what callers see. Tests check that both paths agree.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { RuleContext } from './rules.js';
import { CommerceMessage, MESSAGE_TYPES, envelopeParts, type CommerceMessage as Message } from './schemas.js';

// ajv is CommonJS; its default export is the class.
const AjvClass = createRequire(import.meta.url)('ajv') as typeof import('ajv').default;

export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type ValidationResult = { ok: true; message: Message } | { ok: false; issues: ValidationIssue[] };

interface CompiledType {
  readonly structure: ValidateFunction;
  readonly rules: (r: RuleContext, message: unknown) => void;
}

let ajv: InstanceType<typeof AjvClass> | undefined;
const compiled = new Map<string, CompiledType>();
const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

/**
 * The validator of one message type, compiled when a message of that type is first seen: a run
 * uses a few of the fourteen types, and compiling one costs milliseconds (in every worker thread).
 */
function compiledFor(type: string): CompiledType | undefined {
  let entry = compiled.get(type);
  if (entry === undefined && KNOWN_TYPES.has(type)) {
    const parts = envelopeParts(type)!;
    const jsonSchema = z.toJSONSchema(parts.structure, { io: 'input', target: 'draft-7' });
    ajv ??= new AjvClass({ strict: false, allErrors: false, validateFormats: false });
    entry = { structure: ajv.compile(jsonSchema), rules: parts.rules };
    compiled.set(type, entry);
  }
  return entry;
}

/** The compiled verdict alone (exported for the tests that hold it to zod's). */
export function passesCompiledCheck(message: unknown): boolean {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  const entry = typeof type === 'string' ? compiledFor(type) : undefined;
  if (entry === undefined || !entry.structure(message)) return false;
  const issues: z.core.$ZodRawIssue[] = [];
  entry.rules(new RuleContext(issues as never, message), message);
  return issues.length === 0;
}

/** Validates one message; on failure the issues are zod's, with paths. */
export function validateMessage(message: unknown): ValidationResult {
  if (passesCompiledCheck(message)) return { ok: true, message: message as Message };
  const parsed = CommerceMessage.safeParse(message);
  if (parsed.success) return { ok: true, message: message as Message };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) };
}
