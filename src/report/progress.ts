/**
 * Progress on stderr for runs longer than a couple of seconds: a line redrawn in place on a
 * terminal, else (a long run announced by its size estimate) a plain line every 10 s.
 */
import type { Progress, Reporter } from '../simulation.js';

const QUIET_MS = 2000;
const LINE_EVERY_MS = 10_000;

export class ProgressReporter implements Reporter {
  private readonly startedMs = performance.now();
  private lastDrawMs = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** plain lines (stderr is a file or a pipe) instead of one line redrawn */
    private readonly lines = false,
  ) {}

  onProgress(p: Progress): void {
    const now = performance.now();
    if (now - this.startedMs < QUIET_MS || now - this.lastDrawMs < (this.lines ? LINE_EVERY_MS : 200)) return;
    this.lastDrawMs = now;
    const share = Math.min(1, p.virtualUs / p.durationUs);
    if (this.lines) {
      const phase = p.virtualUs > p.durationUs ? 'draining' : `${(share * 100).toFixed(0)}% of virtual time`;
      this.stream.write(`progress: ${phase}, virtual ${(p.virtualUs / 1e6).toFixed(1)}s, ${p.negotiations.toLocaleString('en-US')} negotiations, ${p.events.toLocaleString('en-US')} events, ${((now - this.startedMs) / 1000).toFixed(0)}s\n`);
      return;
    }
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const phase = p.virtualUs > p.durationUs ? 'draining' : `${(share * 100).toFixed(0)}%`;
    this.stream.write(`\r${bar} ${phase}  virtual ${(p.virtualUs / 1e6).toFixed(1)}s  ${p.negotiations.toLocaleString('en-US')} negotiations  ${((now - this.startedMs) / 1000).toFixed(1)}s`);
    this.drawn = true;
  }

  onEnd(): void {
    if (this.drawn && !this.lines) this.stream.write('\r\x1b[2K');
  }
}
