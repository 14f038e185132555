/** `a2a-sim report <report.json> [--out FILE]`: (re)writes the HTML report of an earlier run from its report.json. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Report } from '../report/report.js';
import { PageNotBuilt, writeHtml } from '../report/html/write.js';
import { ExitCode, UsageError } from './exit-codes.js';

/** The report.json at `file`, checked enough to draw: its format and the sections the page reads. */
export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${file}: cannot read it (${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
  const report = data as Partial<Report> | null;
  if (report === null || typeof report !== 'object' || report.format !== 'a2a-market-sim/report@1') {
    throw new UsageError(`${file}: not a report of a run (expected "format": "a2a-market-sim/report@1", as run writes in report.json)`);
  }
  const missing = (['results', 'budgets', 'wallclock'] as const).filter((k) => report[k] === undefined || report[k] === null);
  if (missing.length > 0) throw new UsageError(`${file}: the report has no ${missing.join(', ')}`);
  return report as Report;
}

export function reportCommand(file: string, opts: { out?: string }): number {
  if (opts.out !== undefined && opts.out.trim() === '') throw new UsageError('--out: expected a path, got an empty one');
  const report = readReport(file);
  const out = opts.out ?? join(dirname(file), 'report.html');
  try {
    writeHtml(report, out);
  } catch (err) {
    if (err instanceof PageNotBuilt) {
      process.stderr.write(`${err.message}\n`);
      return ExitCode.internalError;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES' || e.code === 'ENOTDIR') {
      throw new UsageError(`--out ${out}: cannot write there (${e.code === 'ENOENT' ? 'its folder does not exist' : e.code === 'EISDIR' ? 'it is a folder' : e.code === 'EACCES' ? 'permission denied' : 'a file is in the way of the folder'})`);
    }
    throw err;
  }
  process.stdout.write(`report: ${out}\n`);
  return ExitCode.ok;
}
