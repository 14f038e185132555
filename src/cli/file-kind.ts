/**
 * Tells a scenario file from a tournament file by its top-level keys, so that a file given to the
 * wrong command is named for what it is instead of being listed as a dozen missing fields.
 */
import { parse } from 'yaml';

export type FileKind = 'scenario' | 'tournament';

/** What `text` (YAML or JSON) looks like: a tournament has `competitors`, a scenario `market` and no `competitors`. */
export function fileKind(text: string): FileKind | undefined {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  if ('competitors' in doc) return 'tournament';
  if ('market' in doc) return 'scenario';
  return undefined;
}
