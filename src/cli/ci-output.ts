/**
 * The outputs CI systems read, for run, swarm, compare, tournament and merge: --junit FILE, --markdown FILE, and,
 * when GITHUB_STEP_SUMMARY names a file (GitHub Actions), the same Markdown appended to it, kept
 * under the 1 MiB GitHub allows a step.
 */
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** Why the system would refuse to create a file at `path` (its folder missing, a folder in its place), or undefined. */
function refusal(path: string): string | undefined {
  const kind = (p: string): 'file' | 'directory' | 'missing' => {
    try {
      return statSync(p).isDirectory() ? 'directory' : 'file';
    } catch {
      return 'missing';
    }
  };
  if (kind(path) === 'directory') return 'it is a folder';
  const folder = kind(dirname(path));
  return folder === 'missing' ? 'its folder does not exist' : folder === 'file' ? 'a file is in the way of the folder' : undefined;
}

/**
 * Refuses, before anything runs, an output file the run would only fail to write at its end:
 * --junit and --markdown (and `extra`, e.g. compare's --save-baseline) whose folder does not
 * exist or that name a folder. Called once the --out folder exists, so a file inside it is fine.
 */
export function checkCiFolders(opts: CiOutputOptions, extra: ReadonlyArray<readonly [string, string | undefined]> = []): void {
  for (const [option, path] of [['--junit', opts.junit], ['--markdown', opts.markdown], ...extra] as const) {
    const why = path === undefined ? undefined : refusal(path);
    if (why !== undefined) throw new UsageError(`${option} ${path}: cannot write there (${why})`);
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
