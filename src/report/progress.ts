/** A progress line on stderr for runs longer than a couple of seconds, only on a terminal. */
import type { Progress, Reporter } from '../simulation.js';

const QUIET_MS = 2000;

export class ProgressReporter implements Reporter {
  private readonly startedMs = performance.now();
  private lastDrawMs = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  onProgress(p: Progress): void {
    const now = performance.now();
    if (now - this.startedMs < QUIET_MS || now - this.lastDrawMs < 200) return;
    this.lastDrawMs = now;
    const share = Math.min(1, p.virtualUs / p.durationUs);
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const phase = p.virtualUs > p.durationUs ? 'draining' : `${(share * 100).toFixed(0)}%`;
    this.stream.write(`\r${bar} ${phase}  virtual ${(p.virtualUs / 1e6).toFixed(1)}s  ${p.negotiations.toLocaleString('en-US')} negotiations  ${((now - this.startedMs) / 1000).toFixed(1)}s`);
    this.drawn = true;
  }

  onEnd(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
  }
}
