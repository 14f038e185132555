/**
 * RFC 8785 (JCS) canonical JSON, fast. The `canonicalize` package is the reference (see
 * protocol/hash.ts); for the plain trees of strings, numbers, booleans, nulls, arrays and objects
 * that messages are, this gives the same text at a fraction of the cost, which matters because
 * every message is canonicalised by its signer, its verifier and both audit chains. Tests hold
 * the two to the same output, and to the RFC's examples. Anything else (a toJSON method, a
 * non-finite number, a lone surrogate, undefined at the top) goes to the reference.
 */
import { canonicalJson as referenceCanonicalJson } from '../protocol/hash.js';

class NeedsReference extends Error {}

/** String.prototype.isWellFormed (ES2024; Node 20 has it): no lone surrogates. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw new NeedsReference();
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NeedsReference();
      // ECMAScript's Number-to-String is RFC 8785's number serialisation (and -0 becomes 0).
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > 64) throw new NeedsReference();
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v = value[i] as unknown;
          if (i > 0) out += ',';
          out += v === undefined || typeof v === 'symbol' || typeof v === 'function' ? 'null' : write(v, depth + 1);
        }
        return `${out}]`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new NeedsReference();
      // Keys sorted by UTF-16 code units: the default sort order of strings.
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined || typeof v === 'symbol' || typeof v === 'function') continue;
        if (!wellFormed(k)) throw new NeedsReference();
        out += `${first ? '' : ','}${JSON.stringify(k)}:${write(v, depth + 1)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new NeedsReference();
  }
}

/** RFC 8785 canonical JSON of a JSON value. */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0);
  } catch (err) {
    if (err instanceof NeedsReference) return referenceCanonicalJson(value);
    throw err;
  }
}
