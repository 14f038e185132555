/** `--audit FILE`: the audit trail as NDJSON, one line per entry, then a trailer with chain heads and the Merkle root. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceLine } from '../broker/trace.js';
import type { Reporter, RunResult } from '../simulation.js';

const FLUSH_BYTES = 1 << 16;

export class AuditWriter implements Reporter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  entries = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  onTrace(line: TraceLine): void {
    if (line.event !== 'audit') return;
    this.write(`${JSON.stringify(line.audit)}\n`);
    this.entries++;
  }

  onEnd(result: RunResult): void {
    if (result.results.audit) this.write(`${JSON.stringify({ audit_end: result.results.audit })}\n`);
  }

  private write(text: string): void {
    this.buffer.push(text);
    this.bytes += text.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
