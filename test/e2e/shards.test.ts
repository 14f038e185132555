/**
 * `--shard I/N` and `a2a-sim merge`: shards of a swarm, a comparison and a tournament, merged,
 * give exactly what one machine gives (wall-clock figures aside); a missing or duplicated shard
 * is named, exit 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { cleanup, loadScenarioData, makeTmp, readJson, root, runCli, writeText, writeYaml } from './helpers.js';

let tmp: string;
let scenario: string;

const withoutWallclock = (text: string) => {
  const { wallclock: _w, ...rest } = JSON.parse(text);
  return JSON.stringify(rest);
};

/** Runs `args` unsplit and as shards 1..n of n, then merges the partials; returns the JSON texts. */
async function splitAndMerge(args: string[], n: number, label: string): Promise<{ whole: string; merged: string; partials: string[] }> {
  const whole = await runCli([...args, '--workers', '0', '--json'], 180_000);
  expect(whole.stderr).toBe('');
  const partials: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(tmp, `${label}-shard-${i}`);
    const r = await runCli([...args, '--workers', '0', '--shard', `${i}/${n}`, '--out', out, '--json'], 180_000);
    expect(r.status).toBe(0);
    partials.push(JSON.parse(r.stdout).partial);
  }
  const merged = await runCli(['merge', ...partials.reverse(), '--json'], 60_000);
  expect(merged.stderr).toBe('');
  expect(merged.status).toBe(whole.status);
  return { whole: whole.stdout, merged: merged.stdout, partials };
}

beforeAll(() => {
  tmp = makeTmp('shards');
  const s = loadScenarioData('scenarios/tournament/calm-market.yaml');
  s.duration = '10s';
  s.market.regimes[0].duration = '10s';
  s.budgets = ['negotiation.success_rate >= 0.99'];
  scenario = writeYaml(tmp, 'small-market.yaml', s);
});

afterAll(() => cleanup(tmp));

describe('--shard and merge', () => {
  it('a swarm of 40 seeds as shards 1/3, 2/3 and 3/3 merged is the unsplit swarm', async () => {
    const { whole, merged, partials } = await splitAndMerge(['swarm', scenario, '--seeds', '40'], 3, 'swarm');
    expect(withoutWallclock(merged)).toBe(withoutWallclock(whole));
    expect(JSON.parse(whole).outcomes).toHaveLength(40);
    const sizes = partials.map((p) => readJson(p).items.length);
    expect(sizes).toEqual([13, 13, 14]);
  }, 300_000);

  it('a tournament as shards merged is the unsplit tournament, with every output written by merge', async () => {
    const file = writeText(tmp, 'small.yaml', `name: small\ncompetitors:\n  - { name: boulware, strategy: { kind: boulware } }\n  - { name: conceder, strategy: { kind: conceder } }\n  - { name: micro, strategy: { kind: micro } }\nscenarios:\n  - { file: ${scenario} }\nseeds: 2\nthresholds: ["micro rank <= 2"]\n`);
    const { whole, merged, partials } = await splitAndMerge(['tournament', file, '--out', join(tmp, 'small-whole')], 3, 'tournament');
    expect(withoutWallclock(merged)).toBe(withoutWallclock(whole));
    expect(JSON.parse(whole).run_count).toBe(12);
    const out = join(tmp, 'merged');
    const r = await runCli(['merge', ...partials, '--out', out, '--junit', join(out, 'junit.xml'), '--markdown', join(tmp, 'merged.md')], 60_000);
    expect(r.stdout).toMatch(/ranked by advantage/);
    for (const f of ['tournament.json', 'runs.csv', 'summary.md', 'junit.xml']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8')).toBe(readFileSync(join(tmp, 'small-whole', 'runs.csv'), 'utf8'));
  }, 300_000);

  it('a comparison as shards merged is the unsplit comparison', async () => {
    const s = parse(readFileSync(scenario, 'utf8'));
    s.stores[0].strategy = { kind: 'boulware', max_rounds: 10 };
    const cand = writeYaml(tmp, 'candidate.yaml', s);
    const { whole, merged } = await splitAndMerge(['compare', scenario, cand, '--seeds', '6'], 2, 'compare');
    expect(withoutWallclock(merged)).toBe(withoutWallclock(whole));
  }, 300_000);

  it('names missing, duplicated and foreign shards, exit 2', async () => {
    const out = join(tmp, 'odd');
    const a = await runCli(['swarm', scenario, '--seeds', '4', '--workers', '0', '--shard', '1/3', '--out', out, '--json'], 60_000);
    const other = await runCli(['swarm', scenario, '--seeds', '5', '--workers', '0', '--shard', '2/3', '--out', join(tmp, 'odd-other'), '--json'], 60_000);
    const p1 = JSON.parse(a.stdout).partial;
    const missing = await runCli(['merge', p1], 30_000);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing shards 2\/3, 3\/3/);
    const dup = await runCli(['merge', p1, p1], 30_000);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/shard 1\/3 given 2 times/);
    const foreign = await runCli(['merge', p1, JSON.parse(other.stdout).partial], 30_000);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/a partial of another swarm/);
    const notPartial = await runCli(['merge', scenario], 30_000);
    expect(notPartial.status).toBe(2);
    expect((await runCli(['swarm', scenario, '--shard', '4/3'], 30_000)).stderr).toMatch(/--shard 4\/3: I is from 1 to N/);
  }, 120_000);

  it('the CI recipes run one shard per job or pod and merge the partials the shards write', () => {
    const workflow = parse(readFileSync(join(root, 'examples/ci/github-actions-tournament-shards.yml'), 'utf8'));
    const shards: number[] = workflow.jobs.shard.strategy.matrix.shard;
    const shardRun: string = workflow.jobs.shard.steps.find((s: any) => typeof s.run === 'string' && s.run.includes('a2a-sim tournament')).run;
    expect(shardRun).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(workflow.jobs.merge.needs).toBe('shard');
    const mergeRun: string = workflow.jobs.merge.steps.find((s: any) => typeof s.run === 'string' && s.run.includes('a2a-sim merge')).run;
    expect(mergeRun).toContain('tournament-partial-*.json');
    const [, job, merge] = parseAllDocuments(readFileSync(join(root, 'examples/ci/kubernetes-tournament-job.yaml'), 'utf8')).map((d) => d.toJS());
    expect(job.spec.completionMode).toBe('Indexed');
    const n = job.spec.completions;
    expect(job.spec.template.spec.containers[0].args[0]).toContain(`--shard $((JOB_COMPLETION_INDEX + 1))/${n}`);
    expect(merge.spec.template.spec.initContainers[0].command[2]).toContain(`-ge ${n} ]`);
    expect(merge.spec.template.spec.containers[0].args[0]).toContain('a2a-sim merge /partials/shard-*/tournament-partial-*.json');
  });
});
