/** `--trace FILE`: NDJSON, one line per delivered, dropped or rejected message and per flow step. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceLine } from '../broker/trace.js';
import type { Reporter } from '../simulation.js';

const FLUSH_BYTES = 1 << 16;

export class TraceWriter implements Reporter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  lines = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  onTrace(line: TraceLine): void {
    const text = `${JSON.stringify(line)}\n`;
    this.buffer.push(text);
    this.bytes += text.length;
    this.lines++;
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
