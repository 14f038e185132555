/** `--audit FILE`: the audit trail as NDJSON, one line per entry, then a trailer with chain heads and the Merkle root. */
import type { TraceLine } from '../broker/trace.js';
import type { Reporter, RunResult } from '../simulation.js';
import { NdjsonFile } from './ndjson-file.js';

export class AuditWriter implements Reporter {
  private readonly file: NdjsonFile;
  entries = 0;

  constructor(path: string) {
    this.file = new NdjsonFile(path);
  }

  onTrace(line: TraceLine): void {
    if (line.event !== 'audit') return;
    this.file.line(line.audit);
    this.entries++;
  }

  onEnd(result: RunResult): void {
    if (result.results.audit) this.file.line({ audit_end: result.results.audit });
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
