/** Records that are not messages but appear in a trace: discovery results and executions. */
import { z } from 'zod';
import { AgentIdentifier, BusinessProfile, QuoteItem, Totals } from './schemas.js';

/** Step 1: what a buyer found when it looked for stores selling a category. */
export const DiscoveryRecord = z.object({
  agent: AgentIdentifier,
  category: z.string().min(1),
  profiles: z.array(BusinessProfile),
});

/** Step 6: a store executed an accepted quote (inventory reserved, order created). */
export const ExecutionRecord = z.object({
  order_id: z.string().min(1),
  quote_id: z.string().min(1),
  store: AgentIdentifier,
  buyer: AgentIdentifier,
  transaction_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  items: z.array(QuoteItem).min(1),
  totals: Totals,
});

export type DiscoveryRecord = z.infer<typeof DiscoveryRecord>;
export type ExecutionRecord = z.infer<typeof ExecutionRecord>;
