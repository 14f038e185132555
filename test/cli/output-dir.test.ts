import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectory, PathRefused } from '../../src/cli/output-dir.js';

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('createDirectory', () => {
  it('creates every missing level, and accepts a folder that exists', () => {
    tmp = mkdtempSync(join(tmpdir(), 'a2a-out-'));
    const deep = join(tmp, 'a', 'b', 'c');
    createDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(() => createDirectory(deep)).not.toThrow();
  });

  it('refuses a path with a file on the way, naming where, and creates nothing', () => {
    tmp = mkdtempSync(join(tmpdir(), 'a2a-out-'));
    writeFileSync(join(tmp, 'f'), 'x');
    expect(() => createDirectory(join(tmp!, 'f'))).toThrow('a file is in the way of the folder');
    expect(() => createDirectory(join(tmp!, 'f', 'sub', 'deeper'))).toThrow(`a file is in the way of the folder (${join(tmp, 'f')})`);
    expect(existsSync(join(tmp, 'f', 'sub'))).toBe(false);
  });

  it('ends with the refusal when the system will not create a level (/proc)', () => {
    let caught: unknown;
    try {
      createDirectory('/proc/nope/deeper');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PathRefused);
    expect((caught as PathRefused).message).toBe('the system refused to create /proc/nope: ENOENT');
  });
});
