import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { cleanup, loadScenarioData, makeTmp, readJson, runCli, writeYaml } from './helpers.js';

let dir: string;
const SEEDS = '10';

/** quickstart for 30 s, with its buyers' budget margin set to `margin` (0.35 in the file), and a network `faster` (a share of its latency cut). */
function market(name: string, margin: number, faster = 0): string {
  const data = loadScenarioData('scenarios/quickstart.yaml');
  data.network.latency = { distribution: 'lognormal', median: `${Math.round(2000 * (1 - faster))}us`, p99: `${Math.round(12000 * (1 - faster))}us`, min: '500us' };
  data.duration = '30s';
  data.regimes = undefined;
  data.market.regimes = [{ name: 'calm', duration: '30s', volatility_per_minute: 0.005 }];
  data.budgets = [];
  data.buyers[0].budget_margin = margin;
  return writeYaml(dir, `${name}.yaml`, data);
}

/** Failures in a JUnit document, read back with an XML parser (which also proves it is well formed). */
function junitFailures(file: string): { testcases: number; failures: string[] } {
  const doc = create(readFileSync(file, 'utf8')).end({ format: 'object' }) as any;
  const suite = doc.testsuites.testsuite;
  const cases = Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
  const text = (x: string) => x.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  return { testcases: cases.length, failures: cases.filter((c: any) => c.failure).map((c: any) => text(c['@name'])) };
}

beforeAll(() => {
  dir = makeTmp('compare');
});
afterAll(() => cleanup(dir));

describe('a2a-sim compare', () => {
  it('finds a scenario unchanged against itself on every metric: exit 0', async () => {
    const file = market('same', 0.35);
    const r = await runCli(['compare', file, file, '--seeds', SEEDS, '--workers', '0', '--json'], 180_000);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.format).toBe('a2a-market-sim/compare@1');
    expect(c.seeds).toHaveLength(10);
    expect(c.metrics.length).toBeGreaterThanOrEqual(10);
    for (const m of c.metrics) expect([m.metric, m.verdict, m.change ?? 0]).toEqual([m.metric, 'unchanged', 0]);
    expect(c.regressed).toEqual([]);
  }, 200_000);

  it('finds buyers with a much smaller budget margin regressed in success rate: exit 1, named on stdout, in the JUnit file and the Markdown', async () => {
    const junit = join(dir, 'regressed.xml');
    const markdown = join(dir, 'regressed.md');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await runCli(['compare', market('base', 0.35), market('tight', 0.08), '--seeds', SEEDS, '--workers', '0', '--junit', junit, '--markdown', markdown], 180_000, { GITHUB_STEP_SUMMARY: summary });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/regressed: negotiation\.success_rate −\d+\.\d+% \[−\d+\.\d+%, −\d+\.\d+%\], beyond −1\.0%/);
    expect(r.stdout).toMatch(/a2a-sim run \S+tight\.yaml --seed \d+/);
    const { testcases, failures } = junitFailures(junit);
    expect(testcases).toBeGreaterThanOrEqual(10);
    expect(failures).toContain('negotiation.success_rate');
    const md = readFileSync(markdown, 'utf8');
    expect(md).toMatch(/\| negotiation\.success_rate \| higher \| [^|]+ \| [^|]+ \| −[^|]+ \| [^|]+ \| −1\.0% \| REGRESSED \|/);
    // The same Markdown is appended to GitHub's step summary, after what was there.
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}\n`);
  }, 200_000);

  it('finds a slightly better candidate improved: exit 0; and compares a saved baseline the same way without running it', async () => {
    const saved = join(dir, 'baseline.json');
    const base = market('base2', 0.35);
    // A slightly faster network: the same negotiations, each a little quicker.
    const better = market('better', 0.35, 0.1);
    const r = await runCli(['compare', base, better, '--seeds', SEEDS, '--workers', '0', '--json', '--save-baseline', saved], 180_000);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.improved).toContain('negotiation_latency.p50');
    expect(c.regressed).toEqual([]);
    const stored = readJson(saved);
    expect(stored.format).toBe('a2a-market-sim/baseline@1');
    expect(stored.seeds.map((s: { seed: number }) => s.seed)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const again = await runCli(['compare', saved, better, '--workers', '0', '--json'], 180_000);
    expect(again.status, again.stderr).toBe(0);
    const d = JSON.parse(again.stdout);
    expect(d.baseline.saved).toBe(true);
    expect(d.metrics).toEqual(c.metrics);
  }, 300_000);

  it('refuses bad input with exit 2 before running anything', async () => {
    const file = market('bad', 0.35);
    for (const args of [
      ['compare', file, file, '--threshold', 'negotiation.success_rate < 1%'],
      ['compare', file, file, '--seeds', '0'],
      ['compare', file, file, '--confidence', '1.5'],
      ['compare', file, join(dir, 'missing.yaml')],
    ]) {
      const r = await runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).not.toBe('');
    }
  });
});

describe('CI outputs of run and swarm', () => {
  it('run --junit has a testcase per budget, failing with the value and the replay command; --markdown is the summary', async () => {
    const data = loadScenarioData('scenarios/quickstart.yaml');
    data.budgets = ['negotiation.success_rate >= 0.99', 'settlement_latency.p99 < 1s'];
    const file = writeYaml(dir, 'budgets.yaml', data);
    const junit = join(dir, 'run.xml');
    const markdown = join(dir, 'run.md');
    const r = await runCli(['run', file, '--out', join(dir, 'run-out'), '--junit', junit, '--markdown', markdown]);
    expect(r.status).toBe(1);
    expect(junitFailures(junit)).toEqual({ testcases: 2, failures: ['negotiation.success_rate >= 0.99'] });
    expect(readFileSync(junit, 'utf8')).toMatch(/replay: a2a-sim run \S+budgets\.yaml --seed 42/);
    expect(readFileSync(markdown, 'utf8')).toBe(readFileSync(join(dir, 'run-out', 'summary.md'), 'utf8'));
  });

  it('swarm --junit has a testcase for the invariants and one per budget', async () => {
    const junit = join(dir, 'swarm.xml');
    const r = await runCli(['swarm', 'scenarios/quickstart.yaml', '--seeds', '3', '--workers', '0', '--junit', junit]);
    expect([0, 1]).toContain(r.status);
    const { testcases, failures } = junitFailures(junit);
    expect(testcases).toBe(3);
    expect(failures.every((f) => f !== 'every seed finished without breaking an invariant')).toBe(true);
  });
});
