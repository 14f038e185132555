/** A file written line by line, buffered: what the trace and audit writers share. */
import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_BYTES = 1 << 16;

export class NdjsonFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends one value as a JSON line. */
  line(value: unknown): void {
    const text = `${JSON.stringify(value)}\n`;
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
