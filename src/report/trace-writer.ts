/**
 * `--trace FILE`: NDJSON, one line per delivered, dropped or rejected message and per flow step;
 * with signing on, also the keys every organisation publishes (`keys` lines): at the start, and on
 * each rotation the new ones, so that the trace alone lets an outside verifier check every message.
 */
import type { TraceLine } from '../broker/trace.js';
import { keyPublisherFor } from '../run/published-keys.js';
import type { SimulationPlan } from '../scenario/schema.js';
import type { Reporter } from '../simulation.js';
import type { KeyPublisher } from '../trust/publication.js';
import { NdjsonFile } from './ndjson-file.js';

export class TraceWriter implements Reporter {
  private readonly file: NdjsonFile;
  private publisher: KeyPublisher | undefined;
  /** the next rotation epoch whose keys are still to be written */
  private nextEpoch = 0;
  lines = 0;

  constructor(path: string) {
    this.file = new NdjsonFile(path);
  }

  onStart(plan: SimulationPlan, seed: string | number): void {
    this.publisher = keyPublisherFor({ ...plan, seed });
    this.nextEpoch = 0;
    this.publishUntil(0);
  }

  onTrace(line: TraceLine): void {
    this.publishUntil(line.vt_us);
    this.file.line(line);
    this.lines++;
  }

  /** Writes the keys of every epoch that has started by `atUs`. */
  private publishUntil(atUs: number): void {
    const p = this.publisher;
    if (p === undefined) return;
    while (p.epochStartUs(this.nextEpoch) <= atUs) {
      for (const l of p.traceLines(this.nextEpoch)) {
        this.file.line(l);
        this.lines++;
      }
      this.nextEpoch++;
    }
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
