/**
 * RFC 8785 (JCS) canonical JSON, fast. The `canonicalize` package is the reference; for the plain
 * trees of strings, numbers, booleans, nulls, arrays and objects that messages are, this gives the
 * same text at a fraction of the cost, which matters because every accepted quote is hashed by
 * both sides, and with signing on every message is canonicalised by its signer, its verifier and
 * both audit chains. Tests hold the two to the same output, and to the RFC's examples.
 *
 * Two fast paths. A tree whose every object already has its keys in RFC 8785's order (agents
 * build their payloads that way) is written by JSON.stringify, whose numbers and strings are
 * RFC 8785's; a scan checks the order and everything else JSON.stringify would write differently.
 * Other plain trees are written key-sorted by our own writer. Anything else (a toJSON method, a
 * non-finite number, a lone surrogate, undefined at the top) goes to the reference.
 */
import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON by the `canonicalize` package: the reference the fast paths are held to. */
export function referenceCanonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

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

/** An object JSON.stringify writes by its own keys: Object's prototype (or none), and no toJSON. */
export function plainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * True when JSON.stringify(value) is RFC 8785's text for it: plain objects whose keys are in
 * ascending UTF-16 order with no undefined, function or symbol values, dense arrays, finite
 * numbers, well-formed strings (keys included), no toJSON.
 */
function stringifiesCanonically(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const v = value[i] as unknown;
          if (v === undefined || !stringifiesCanonically(v, depth + 1)) return false;
        }
        return true;
      }
      if (!plainObject(value)) return false;
      let previous = '';
      let first = true;
      for (const k in value) {
        if (!first && !(previous < k)) return false;
        if (!wellFormed(k) || !stringifiesCanonically((value as Record<string, unknown>)[k], depth + 1)) return false;
        previous = k;
        first = false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** RFC 8785 canonical JSON of a JSON value. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && stringifiesCanonically(value, 0)) return JSON.stringify(value);
  try {
    return write(value, 0);
  } catch (err) {
    if (err instanceof NeedsReference) return referenceCanonicalJson(value);
    throw err;
  }
}
