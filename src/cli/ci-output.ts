/**
 * The outputs CI systems read, for run, swarm and compare: --junit FILE, --markdown FILE, and,
 * when GITHUB_STEP_SUMMARY names a file (GitHub Actions), the same Markdown appended to it, kept
 * under the 1 MiB GitHub allows a step.
 */
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/** GitHub refuses a step summary past 1 MiB. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

export interface CiOutputOptions {
  readonly junit?: string;
  readonly markdown?: string;
}

/** Refuses an empty path before anything runs. */
export function checkCiPaths(opts: CiOutputOptions): void {
  for (const [option, path] of [['--junit', opts.junit], ['--markdown', opts.markdown]] as const) {
    if (path !== undefined && path.trim() === '') throw new UsageError(`${option}: expected a path, got an empty one`);
  }
}

/** Cuts Markdown at a line so that it fits in `room` bytes, saying so. */
export function fitMarkdown(text: string, room: number): string {
  if (Buffer.byteLength(text) <= room) return text;
  const note = '\n\n*(cut to fit the 1 MiB step summary: the whole report is in the --markdown file or the report folder)*\n';
  let cut = text.slice(0, Math.max(0, room - Buffer.byteLength(note)));
  while (Buffer.byteLength(cut) > room - Buffer.byteLength(note)) cut = cut.slice(0, -1024);
  return `${cut.slice(0, cut.lastIndexOf('\n') + 1)}${note}`;
}

/** Writes the JUnit and Markdown files asked for, and appends the Markdown to GitHub's step summary. */
export function writeCiOutputs(opts: CiOutputOptions, junit: () => string, markdown: () => string): void {
  if (opts.junit !== undefined) writeFileSync(opts.junit, junit());
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (opts.markdown === undefined && !summary) return;
  const text = markdown();
  if (opts.markdown !== undefined) writeFileSync(opts.markdown, text);
  if (summary) {
    let used = 0;
    try {
      used = statSync(summary).size;
    } catch {
      used = 0;
    }
    const room = STEP_SUMMARY_LIMIT - used;
    if (room > 1024) appendFileSync(summary, fitMarkdown(`${text}\n`, room));
  }
}
