/** Every relative link in README.md and the Markdown files beside it reaches a file, and an anchor reaches a heading. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../e2e/helpers.js';

/** The Markdown files of the project: README.md, docs/, scenarios/ and examples/. */
function markdownFiles(): string[] {
  const files = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  for (const dir of ['docs', 'scenarios', 'examples']) if (existsSync(join(root, dir))) walk(dir);
  return files;
}

/** The text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(markdown: string): Set<string> {
  const headings = [...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!));
  return new Set(headings);
}

interface Link {
  readonly file: string;
  readonly target: string;
}

function relativeLinks(file: string): Link[] {
  const text = prose(readFileSync(join(root, file), 'utf8'));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ file, target }));
}

const files = markdownFiles();
const links = files.flatMap(relativeLinks);

describe('links between the Markdown files', () => {
  it('finds the README, the docs and links among them', () => {
    expect(files).toContain('docs/scenarios.md');
    expect(links.length).toBeGreaterThan(30);
  });

  it.each(files)('every relative link in %s resolves', (file) => {
    const broken: string[] = [];
    for (const { target } of relativeLinks(file)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : relative(root, join(root, dirname(file), path));
      if (!existsSync(join(root, resolved))) {
        broken.push(`${target}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(join(root, resolved), 'utf8')).has(anchor)) {
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('turns headings into anchors as GitHub does', () => {
    expect(slug('Trust: identity, signatures, replay protection, mandates, audit')).toBe('trust-identity-signatures-replay-protection-mandates-audit');
    expect(slug('The Bayesian opponent model')).toBe('the-bayesian-opponent-model');
    expect(slug('report.json')).toBe('reportjson');
  });
});
