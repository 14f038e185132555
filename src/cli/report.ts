/**
 * `a2a-sim report <file.json> [--out FILE]`: (re)writes the HTML page of an earlier run, swarm,
 * comparison or tournament from its JSON, recognised by its "format".
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kindOfFormat, REPORT_KINDS, type ReportDocument, type ReportKind } from '../report/html/kinds.js';
import { PageNotBuilt, writeHtml } from '../report/html/write.js';
import { ExitCode, UsageError } from './exit-codes.js';

/** What each format is, for the message naming the formats a page can be drawn for. */
function knownFormats(): string {
  return (Object.keys(REPORT_KINDS) as ReportKind[]).map((k) => `"${REPORT_KINDS[k].format}" (${REPORT_KINDS[k].writtenBy})`).join(', ');
}

/** The report at `file`, checked enough to draw: a format a page exists for, and the sections that page reads. */
export function readReport(file: string): ReportDocument {
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
  const doc = data as Record<string, unknown> | null;
  const format = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? doc.format : undefined;
  const kind = kindOfFormat(format);
  if (kind === undefined) {
    const found = format === undefined ? 'it has no "format"' : `its "format" is ${JSON.stringify(format)}`;
    throw new UsageError(`${file}: not a report this tool draws (${found}; expected one of ${knownFormats()})`);
  }
  const missing = REPORT_KINDS[kind].required.filter((k) => doc![k] === undefined || doc![k] === null);
  if (missing.length > 0) throw new UsageError(`${file}: the ${kind} report has no ${missing.join(', ')}`);
  return doc as unknown as ReportDocument;
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
