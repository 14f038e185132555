/** Maps an external agent's proxy keeps per conversation, bounded so that memory does not grow with run length. */

/** Deals and negotiations followed per agent, at most: one its counterpart lets lapse is forgotten, oldest first. */
export const MAX_TRACKED = 100_000;

/** Sets `key` in `map`, forgetting the oldest entry past MAX_TRACKED (insertion order: deterministic). */
export function track<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
}
