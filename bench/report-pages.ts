/**
 * `node dist/bench/report-pages.js FILE.html…`: how big each report page is and how long headless
 * Chromium takes to draw it. Per file: its size and the embedded report's, its charts, and over
 * BENCH_PAGE_LOADS loads (default 3) the median time to draw (parse the data, build the page,
 * draw every chart) and to be ready from the start of navigation. Needs chromium on PATH (or
 * CHROMIUM=/path) and the dev dependency playwright-core. Indicative only on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';

function chromiumPath(): string {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this name
    }
  }
  throw new Error('chromium is not installed (apt-get install -y chromium), or set CHROMIUM=/path/to/chromium');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} kB`;

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node dist/bench/report-pages.js FILE.html…\n');
  process.exit(2);
}
const loads = Math.max(1, Number(process.env.BENCH_PAGE_LOADS ?? 3));
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
const table = new Table({ head: ['page', 'kind', 'size', 'report data', 'charts', 'draw (median)', 'ready (median)', 'loads'], style: { head: [], border: [] } });
try {
  for (const file of files) {
    const html = readFileSync(file, 'utf8');
    const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const kind = /^\{"kind":"([a-z]+)"/.exec(data)?.[1] ?? '?';
    const draw: number[] = [];
    const ready: number[] = [];
    let charts = '';
    for (let i = 0; i < loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(resolve(file)).href);
      await page.waitForSelector('#report[data-ready="true"]', { timeout: 120_000 });
      if (errors.length > 0) throw new Error(`${file}: ${errors.join('; ')}`);
      draw.push(Number(await page.getAttribute('#report', 'data-render-ms')));
      ready.push(Number(await page.getAttribute('#report', 'data-ready-ms')));
      charts = (await page.getAttribute('#report', 'data-charts')) ?? '';
      await page.close();
    }
    table.push([file, kind, kb(statSync(file).size), kb(Buffer.byteLength(data)), charts, `${median(draw)} ms`, `${median(ready)} ms`, String(loads)]);
  }
} finally {
  await browser.close();
}
process.stdout.write(`${table.toString()}\n`);
