/** Creating an output folder one level at a time, so a path the system refuses fails instead of looping. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A folder that cannot be created, with why in words (the message). */
export class PathRefused extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PathRefused';
  }
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a file further up; walking up finds it
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new PathRefused(`cannot look at ${path}: ${code ?? (err as Error).message}`, code);
  }
}

/**
 * Creates `dir` and any missing parents. Node 20's recursive mkdir loops forever on a path such
 * as /proc/nope (ENOENT on the child, EEXIST on the parent), so each level is created here on
 * its own and the first refusal ends it.
 */
export function createDirectory(dir: string): void {
  const missing: string[] = [];
  let path = resolve(dir);
  for (;;) {
    const kind = kindOf(path);
    if (kind === 'directory') break;
    if (kind === 'other') throw new PathRefused(missing.length === 0 ? 'a file is in the way of the folder' : `a file is in the way of the folder (${path})`, 'ENOTDIR');
    missing.push(path);
    const parent = dirname(path);
    if (parent === path) throw new PathRefused('no existing folder to create it in', 'ENOENT');
    path = parent;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process may have created it meanwhile: a folder there is what was wanted.
      if (code === 'EEXIST' && kindOf(level) === 'directory') continue;
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : `the system refused to create ${level}: ${code ?? (err as Error).message}`;
      throw new PathRefused(why, code);
    }
  }
}
