/** The first place two JSON values differ, as a path ("negotiation.outcomes.succeeded") and both values. */
export interface Difference {
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

/** Walks both values in key order; undefined when they are the same. */
export function firstDifference(a: unknown, b: unknown, path = ''): Difference | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return { path, a, b };
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], join(path, i));
      if (d) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const d = firstDifference(ra[key], rb[key], join(path, key));
    if (d) return d;
  }
  return undefined;
}
