/**
 * Headless Chromium for the tests that open report.html, driven by playwright-core through the
 * system's chromium (Debian's package; .ci/run installs it when missing). No browser is
 * downloaded: playwright-core only speaks the DevTools protocol to the binary it is given.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The chromium binary on PATH (or the usual Debian path); throws when there is none. */
export function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this name
    }
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this)');
}

export function launchChromium(): Promise<Browser> {
  // As root (CI, containers) Chromium refuses to start its sandbox.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
}

/** What went wrong on a page: console errors, uncaught exceptions, failed requests, and every URL requested. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly failedRequests: string[];
  readonly requests: string[];
}

/** Records a page's problems from now on. */
export function watch(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('requestfailed', (r) => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
  page.on('request', (r) => problems.requests.push(r.url()));
  return problems;
}

/** Per chart of a page: its SVG's size and how many shapes it drew (paths with a non-empty outline). */
export function chartShapes(page: Page): Promise<{ id: string; width: number; height: number; paths: number; text: string }[]> {
  return page.$$eval('figure[data-chart]', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('.chart svg');
      const box = svg?.getBoundingClientRect();
      const paths = svg ? [...svg.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '').length > 4).length : 0;
      return { id: f.getAttribute('data-chart')!, width: box?.width ?? 0, height: box?.height ?? 0, paths, text: svg?.textContent ?? '' };
    }),
  );
}

/** Relative luminance (0 black … 1 white) of a CSS colour given as #rrggbb or rgb(…). */
export function luminance(colour: string): number {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour);
  const [r, g, b] = hex ? [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) : (colour.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}

/** What Tab reaches on a page, in order: charts by their id, links as "link:#target", other elements by tag; each must show its focus and have a name. */
export async function tabThrough(page: Page, presses: number): Promise<{ reached: string[]; problems: string[] }> {
  const reached: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ id: string; chart: boolean; outline: string; label: string | null; named: string } | undefined>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return undefined;
      const label = el.getAttribute('aria-labelledby');
      return {
        id: el.getAttribute('data-chart') ?? (el.tagName === 'A' ? 'link:' + el.getAttribute('href') : el.tagName),
        chart: el.hasAttribute('data-chart'),
        outline: getComputedStyle(el).outlineStyle,
        label,
        named: label ? (document.getElementById(label)?.textContent ?? '') : el.textContent,
      };
    })()`);
    if (!focused) continue;
    if (focused.outline === 'none') problems.push(`${focused.id} shows no focus`);
    if (focused.named.length <= 2) problems.push(`${focused.id} has no name`);
    if (focused.chart && focused.label !== `${focused.id}-title`) problems.push(`${focused.id} is not labelled by its title`);
    reached.push(focused.id);
  }
  return { reached, problems };
}
