/**
 * report.html: one self-contained file, the report data, the page's script (with the charting
 * library) and its styles inline; one page script for every kind of report (kinds.ts). Nothing is fetched: the page's Content-Security-Policy allows
 * no source but its own inline script and styles, so it reads the same offline or as a CI
 * artifact. The page is drawn in the browser from the embedded data alone, so the HTML of an
 * earlier run, swarm or comparison can be rewritten from its JSON (`a2a-sim report`).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../tool.js';
import { pageDataOf, titleOf, type ReportDocument } from './kinds.js';

/** Where the built page lives, under the package root (written by build-page.ts). */
export const PAGE_FOLDER = join('dist', 'report-page');

/** The built page's script and styles are missing (an install without the dev dependencies, or a build not run). */
export class PageNotBuilt extends Error {}

export interface PageAssets {
  readonly script: string;
  readonly styles: string;
}

let cached: PageAssets | undefined;

/** The page's script and styles, as built into dist/report-page/. */
export function pageAssets(): PageAssets {
  if (cached) return cached;
  const root = packageRoot();
  const folder = root === undefined ? undefined : join(root, PAGE_FOLDER);
  try {
    if (folder === undefined) throw new Error('package root not found');
    cached = { script: readFileSync(join(folder, 'page.js'), 'utf8'), styles: readFileSync(join(folder, 'page.css'), 'utf8') };
    return cached;
  } catch {
    throw new PageNotBuilt(`the report page is not built (${folder ?? 'dist/report-page'}): run npm run build`);
  }
}

/** JSON that cannot end the <script> element holding it, nor open a comment in it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The HTML of a report (a run, a swarm, a comparison, a tournament): a pure function of the report and the page's assets; it embeds the report's page document (kinds.ts). */
export function renderHtml(report: ReportDocument, assets: PageAssets = pageAssets()): string {
  const data = pageDataOf(report);
  if (data === undefined) throw new Error(`no page for a report of format ${JSON.stringify(report.format)}`);
  // A "</script" inside the library's strings would end the element early; "<\/" means the same in JS.
  const script = assets.script.replace(/<\/(script)/gi, '<\\/$1');
  const hash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="a2a-market-sim">
<title>${escapeHtml(titleOf(data))}</title>
<style>
${assets.styles}</style>
</head>
<body>
<div id="report"><noscript><p>This report draws its charts with JavaScript; the same figures are in its JSON file and summary.md beside it.</p></noscript></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Writes the HTML of `report` to `file`. */
export function writeHtml(report: ReportDocument, file: string): void {
  writeFileSync(file, renderHtml(report));
}

/**
 * For `run`, `swarm`, `compare` and `tournament`: writes DIR/report.html and returns its path; when the page is
 * not built, says so on stderr and returns undefined (the other outputs and the exit code stand).
 */
export function writeReportHtml(report: ReportDocument, outDir: string): string | undefined {
  const file = join(outDir, 'report.html');
  try {
    writeHtml(report, file);
    return file;
  } catch (err) {
    if (!(err instanceof PageNotBuilt)) throw err;
    process.stderr.write(`report.html not written: ${err.message}\n`);
    return undefined;
  }
}
