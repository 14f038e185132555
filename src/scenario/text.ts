/**
 * Text a run can carry. Scenario strings end up in signed messages, digests, audit logs, traces
 * and reports, all of which need well-formed Unicode: a lone surrogate (a half of a UTF-16 pair,
 * as "\ud800" in YAML or JSON) has no UTF-8 form and no canonical JSON, so it is refused with its
 * path wherever it is, key or value.
 */

/** String.prototype.isWellFormed (ES2024; Node 20 has it): no lone surrogates. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Where in `s` the first lone surrogate is, and its code unit as \uXXXX. */
function loneSurrogate(s: string): { index: number; unit: string } {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const high = c >= 0xd800 && c <= 0xdbff;
    const low = c >= 0xdc00 && c <= 0xdfff;
    if (high && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      i++;
      continue;
    }
    if (high || low) return { index: i, unit: `\\u${c.toString(16).padStart(4, '0')}` };
  }
  return { index: -1, unit: '' };
}

const MESSAGE = (what: string, s: string) => {
  const { index, unit } = loneSurrogate(s);
  return `${what} holds a lone surrogate (${unit} at character ${index + 1}): it has no UTF-8 form, so it cannot be signed, hashed or written; use whole characters`;
};

/** A lone surrogate shown as its escape, so that the path of a problem can be printed. */
export const escapeLoneSurrogates = (s: string): string => s.replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every string (and key) of parsed scenario data that is not well-formed Unicode, at most `max`. */
export function textProblems(data: unknown, max: number): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const walk = (value: unknown, path: PropertyKey[], depth: number): void => {
    if (problems.length >= max || depth > 256) return;
    if (typeof value === 'string') {
      if (!wellFormed(value)) problems.push({ path, message: MESSAGE('the text', value) });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i], depth + 1));
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (!wellFormed(key)) problems.push({ path: [...path, key], message: MESSAGE('the key', key) });
      walk(v, [...path, key], depth + 1);
    }
  };
  walk(data, [], 0);
  return problems.slice(0, max);
}
