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
