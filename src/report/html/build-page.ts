/**
 * Builds what report.html inlines: the page's script (src/report/html/page/, with the charting
 * library) as one minified script in dist/report-page/page.js, its styles beside it, and
 * dist/build-info.json with the commit the build was made from (the report's header names it).
 * Run by the build after tsc (`node dist/src/report/html/build-page.js`).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../tool.js';
import { PAGE_FOLDER } from './write.js';

/** The libraries inlined in every report.html, and their licences. */
const LICENCES = '/*! a2a-market-sim report page (MIT). Includes Apache ECharts and ZRender (Apache License 2.0, see their NOTICE: developed at The Apache Software Foundation) and tslib (0BSD). */';

/** The commit HEAD of the checkout at `root`, and whether tracked files differ from it; {} outside a checkout of its own. */
export function buildInfo(root: string): { commit?: string; dirty?: boolean } {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    // Installed inside another project's checkout, the commit found would be that project's.
    if (resolve(git('rev-parse', '--show-toplevel')) !== resolve(root)) return {};
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return {};
  }
}

/** Writes the page script, its styles and build-info.json under `root`; resolves to the files written. */
export async function buildPage(root: string): Promise<string[]> {
  const { build } = await import('rolldown');
  const folder = join(root, PAGE_FOLDER);
  mkdirSync(folder, { recursive: true });
  const script = join(folder, 'page.js');
  await build({
    input: join(root, 'src', 'report', 'html', 'page', 'main.ts'),
    platform: 'browser',
    output: { file: script, format: 'iife', minify: true, banner: LICENCES },
  });
  const styles = join(folder, 'page.css');
  copyFileSync(join(root, 'src', 'report', 'html', 'page', 'page.css'), styles);
  const info = join(root, 'dist', 'build-info.json');
  writeFileSync(info, `${JSON.stringify(buildInfo(root))}\n`);
  return [script, styles, info];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = packageRoot();
  if (root === undefined) throw new Error('build-page: package.json of a2a-market-sim not found');
  try {
    const files = await buildPage(root);
    process.stdout.write(`built the report page: ${files.join(', ')}\n`);
  } catch (err) {
    // An install without the dev dependencies: run writes no report.html and says so.
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    process.stdout.write('rolldown is not installed: report.html cannot be written (run npm run build with the dev dependencies)\n');
  }
}
