/** "Did you mean": the declared name closest to a mistyped one, and the fields a schema knows at a path. */
import type { z } from 'zod';

/** Edits (insert, delete, substitute, swap two neighbours) between two strings. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** The candidate closest to `name`, when close enough to be a slip (a third of its letters at most), else undefined. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase().replace(/-/g, '_');
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const distance = editDistance(wanted, c.toLowerCase().replace(/-/g, '_'));
    if (distance <= limit && distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` for the closest candidate, or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } })?._zod?.def;

/** The object schemas `schema` can be, looking through wrappers, pipes, unions and lazies. */
function objects(schema: unknown, depth = 0): Def[] {
  const def = defOf(schema);
  if (def === undefined || depth > 20) return [];
  switch (def.type) {
    case 'object':
      return [def];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return objects(def.innerType, depth + 1);
    case 'pipe':
      return [...objects(def.in, depth + 1), ...objects(def.out, depth + 1)];
    case 'union':
      return (def.options as unknown[]).flatMap((o) => objects(o, depth + 1));
    case 'intersection':
      return [...objects(def.left, depth + 1), ...objects(def.right, depth + 1)];
    case 'lazy':
      return objects((def.getter as () => unknown)(), depth + 1);
    default:
      return [];
  }
}

/** What an element at `key` of `schema` may be: a field of an object, an item of an array, a value of a record. */
function children(schema: unknown, key: PropertyKey, depth = 0): unknown[] {
  const def = defOf(schema);
  if (def === undefined || depth > 20) return [];
  switch (def.type) {
    case 'array':
      return [def.element];
    case 'record':
      return [def.valueType];
    case 'tuple':
      return typeof key === 'number' ? [(def.items as unknown[])[key]] : [];
    default: {
      const fields = objects(schema).map((o) => (o.shape as Record<string, unknown>)[String(key)]).filter((f) => f !== undefined);
      if (fields.length > 0) return fields;
      // A wrapped array or record.
      const inner = def.innerType ?? def.in ?? (def.type === 'lazy' ? (def.getter as () => unknown)() : undefined);
      const options = def.type === 'union' ? (def.options as unknown[]) : inner !== undefined ? [inner] : [];
      return options.flatMap((o) => children(o, key, depth + 1));
    }
  }
}

/** The field names the schema accepts in the object at `path` (every shape it may have). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): Set<string> {
  let at: unknown[] = [schema];
  for (const key of path) at = at.flatMap((s) => children(s, key));
  return new Set(at.flatMap((s) => objects(s).flatMap((o) => Object.keys(o.shape as object))));
}
