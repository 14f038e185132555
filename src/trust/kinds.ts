/** The kinds of hostile agent a scenario can field (`adversaries:`). */
export const ADVERSARY_KINDS = ['forger', 'replayer', 'impersonator', 'stale_key', 'mandate_exceeder', 'tamperer', 'flooder'] as const;
export type AdversaryKind = (typeof ADVERSARY_KINDS)[number];
