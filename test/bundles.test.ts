import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { bundleName, BUNDLED_SCRIPTS, preferBundle } from '../src/bundles.js';
import { workerScript } from '../src/run/parallel.js';
import { runSeed } from '../src/run/swarm.js';
import { planOf } from './plans.js';

describe('which file a thread or a command starts from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'a2a-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'worker.js');
  const bundle = join(dir, 'worker.bundle.js');
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('names the bundle after its script', () => {
    expect(bundleName('worker.js')).toBe('worker.bundle.js');
    expect(bundleName('/a/b/swarm-worker.js')).toBe('/a/b/swarm-worker.bundle.js');
  });

  it('is the script when there is no bundle', () => {
    writeFileSync(script, '');
    expect(preferBundle(script)).toBe(script);
  });

  it('is the bundle when it is at least as new as its script', () => {
    writeFileSync(bundle, '');
    at(script, 1_000);
    at(bundle, 2_000);
    expect(preferBundle(script)).toBe(bundle);
    at(bundle, 1_000);
    expect(preferBundle(script)).toBe(bundle);
  });

  it('is the script when it was compiled after the bundle (a build that did not bundle)', () => {
    at(script, 3_000);
    at(bundle, 2_000);
    expect(preferBundle(script)).toBe(script);
  });

  it('is the bundle the build wrote, for every bundled script (so the parity and command-line tests run the bundles)', () => {
    const built = fileURLToPath(new URL('../dist/src/', import.meta.url));
    for (const script of BUNDLED_SCRIPTS) expect(preferBundle(join(built, script))).toBe(join(built, bundleName(script)));
    expect(workerScript('worker.js')).toBe(join(built, 'run', 'worker.bundle.js'));
    expect(workerScript('swarm-worker.js')).toBe(join(built, 'run', 'swarm-worker.bundle.js'));
  });
});

describe('a thread started from the bundle', () => {
  it('runs a seed as the modules do inline, with the validators the build wrote (ajv is never loaded)', async () => {
    const plan = planOf('scenarios/quickstart.yaml');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { createRequire } = require('node:module');
      import(workerData.bundle).then(async (m) => {
        const outcome = await m.default({ plan: workerData.plan, seed: 7 });
        const loaded = Object.keys(createRequire(workerData.bundle).cache);
        parentPort.postMessage({ outcome, ajv: loaded.some((f) => f.includes('/node_modules/ajv/')), prebuilt: loaded.some((f) => f.endsWith('/protocol/structure-validators.cjs')) });
      });`;
    const got = await new Promise<{ outcome: unknown; ajv: boolean; prebuilt: boolean }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { bundle: workerScript('swarm-worker.js'), plan } });
      w.once('message', (m) => {
        resolve(m as { outcome: unknown; ajv: boolean; prebuilt: boolean });
        void w.terminate();
      });
      w.once('error', reject);
    });
    expect(got.outcome).toEqual(await runSeed(plan, 7));
    expect(got.prebuilt).toBe(true);
    expect(got.ajv).toBe(false);
  }, 60_000);
});

describe('the command started from its bundle', () => {
  const built = fileURLToPath(new URL('../dist/src/cli/', import.meta.url));
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'a2a-cli-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const results = (script: string, workers: number): unknown => {
    const run = spawnSync(process.execPath, [join(built, script), 'run', 'scenarios/quickstart.yaml', '--workers', String(workers), '--no-fallback', '--json', '--out', join(dir, `${script}-${workers}`)], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { results: unknown; wallclock: { threads?: unknown[] } };
    // held to its threads: the worker bundle really ran
    expect(report.wallclock.threads?.length ?? 0).toBe(workers);
    return report.results;
  };

  it('runs a scenario on two worker threads (found from cli/) with the results of the modules run inline', () => {
    expect(preferBundle(join(built, 'program.js'))).toBe(join(built, 'program.bundle.js'));
    expect(results('main.js', 2)).toEqual(results('program.js', 0));
  }, 60_000);
});
