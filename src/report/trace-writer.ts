/** `--trace FILE`: NDJSON, one line per delivered, dropped or rejected message and per flow step. */
import type { TraceLine } from '../broker/trace.js';
import type { Reporter } from '../simulation.js';
import { NdjsonFile } from './ndjson-file.js';

export class TraceWriter implements Reporter {
  private readonly file: NdjsonFile;
  lines = 0;

  constructor(path: string) {
    this.file = new NdjsonFile(path);
  }

  onTrace(line: TraceLine): void {
    this.file.line(line);
    this.lines++;
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
