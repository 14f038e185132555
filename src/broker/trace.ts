/** Trace lines: one per message delivered, dropped or rejected, plus discovery and execution steps. */
import { z } from 'zod';
import { CommerceMessage } from '../protocol/schemas.js';
import { DiscoveryRecord, ExecutionRecord } from '../protocol/records.js';
import type { AuditLine } from '../trust/audit.js';

export type TraceEvent = 'delivered' | 'dropped' | 'rejected' | 'discovery' | 'execution' | 'audit';

export type TraceLine =
  | { vt_us: number; event: 'delivered' | 'dropped'; message: unknown }
  | { vt_us: number; event: 'rejected'; reason: string; message: unknown }
  | { vt_us: number; event: 'discovery'; discovery: DiscoveryRecord }
  | { vt_us: number; event: 'execution'; execution: ExecutionRecord }
  | { vt_us: number; event: 'audit'; audit: AuditLine };

/** Receives trace lines in virtual-time order; the CLI's writer turns them into NDJSON. */
export interface TraceSink {
  record(line: TraceLine): void;
}

const VirtualTime = z.number().int().nonnegative();

/** Schema for a trace line whose content must be valid protocol data (rejected lines are not). */
export const ValidTraceLine = z.discriminatedUnion('event', [
  z.object({ vt_us: VirtualTime, event: z.literal('delivered'), message: CommerceMessage }),
  z.object({ vt_us: VirtualTime, event: z.literal('dropped'), message: CommerceMessage }),
  z.object({ vt_us: VirtualTime, event: z.literal('discovery'), discovery: DiscoveryRecord }),
  z.object({ vt_us: VirtualTime, event: z.literal('execution'), execution: ExecutionRecord }),
]);
