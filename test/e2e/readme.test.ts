/** The scenario reference in README.md is a scenario that runs, within its own budgets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, makeTmp, root, runCli, writeText } from './helpers.js';

describe('README.md scenario reference', () => {
  const tmp = makeTmp('readme');
  afterAll(() => cleanup(tmp));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const reference = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.startsWith('name: my-scenario'));

  it('validates and runs with exit 0: every budget it sets holds', async () => {
    expect(reference).toBeDefined();
    const file = writeText(tmp, 'reference.yaml', reference!);
    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.status).toBe(0);
    const run = await runCli(['run', file, '--out', join(tmp, 'out'), '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
