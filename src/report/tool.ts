/**
 * What ran: the package's version and the commit its build was made from. The build writes
 * dist/build-info.json (src/report/html/build-page.ts); without it the commit is unknown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
  /** the commit the build was made from, when it was built from a git checkout */
  readonly commit?: string;
  /** true when the checkout had uncommitted changes to tracked files at build time */
  readonly dirty?: boolean;
}

/** The folder of a2a-market-sim's package.json, found upwards from this module (a bundle or not). */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'a2a-market-sim') return dir;
      } catch {
        // not ours: keep looking upwards
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

let cached: ToolInfo | undefined;

/** The tool's name, version and, when the build recorded them, commit and dirty flag. */
export function toolInfo(): ToolInfo {
  if (cached) return cached;
  const root = packageRoot();
  let version = 'unknown';
  let build: { commit?: string; dirty?: boolean } = {};
  if (root !== undefined) {
    try {
      version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      build = JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')) as typeof build;
    } catch {
      // no build info: the commit stays unknown
    }
  }
  cached = {
    name: 'a2a-market-sim',
    version,
    ...(typeof build.commit === 'string' ? { commit: build.commit } : {}),
    ...(typeof build.dirty === 'boolean' ? { dirty: build.dirty } : {}),
  };
  return cached;
}
