/** `a2a-sim tournament` as a user runs it: outputs, a resumed tournament, a stuck strategy, bad files. */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cliPath, loadScenarioData, makeTmp, readJson, root, runCli, writeText, writeYaml } from './helpers.js';

let tmp: string;
let scenario: string;

/** A tournament file in tmp over the small market, with `extra` settings. */
function tournamentFile(name: string, competitors: string[], extra = ''): string {
  return writeText(tmp, `${name}.yaml`, `name: ${name}\ncompetitors:\n${competitors.map((c) => `  - ${c}`).join('\n')}\nscenarios:\n  - { file: ${scenario} }\n${extra}`);
}

const withoutWallclock = (r: any) => {
  const { wallclock: _w, ...rest } = r;
  return rest;
};

beforeAll(() => {
  tmp = makeTmp('tournament');
  const s = loadScenarioData('scenarios/tournament/calm-market.yaml');
  s.duration = '10s';
  s.market.regimes[0].duration = '10s';
  scenario = writeYaml(tmp, 'small-market.yaml', s);
});

afterAll(() => cleanup(tmp));

const THREE = ['{ name: boulware, strategy: { kind: boulware } }', '{ name: conceder, strategy: { kind: conceder } }', '{ name: tft, strategy: { kind: tit_for_tat } }'];

describe('a2a-sim tournament', () => {
  it('writes the ranking, the pair matrix, every run as CSV and JSON, JUnit and Markdown; a failing threshold exits 1', async () => {
    const file = tournamentFile('outputs', THREE, 'seeds: 2\nthresholds: ["boulware rank <= 3", "conceder advantage >= 0.99"]\n');
    const out = join(tmp, 'outputs');
    const r = await runCli(['tournament', file, '--workers', '0', '--out', out, '--junit', join(tmp, 'outputs.xml'), '--markdown', join(tmp, 'outputs.md')], 120_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ranked by advantage/);
    expect(r.stdout).toMatch(/FAIL {2}conceder advantage >= 0\.99/);
    const report = readJson(join(out, 'tournament.json'));
    expect(report.format).toBe('a2a-market-sim/tournament@1');
    expect(report.run_count).toBe(3 * 2 * 2);
    expect(report.ranking.map((s: any) => s.rank)).toEqual([1, 2, 3]);
    const means = report.ranking.map((s: any) => s.figures.advantage.mean);
    expect([...means].sort((a: number, b: number) => b - a)).toEqual(means);
    expect(report.matrix.rows).toHaveLength(3);
    expect(report.thresholds.map((t: any) => t.passed)).toEqual([true, false]);
    const csv = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 12 * 2);
    expect(csv[0]).toMatch(/^position,key,scenario,seed,repetition,status,competitor,role,opponent,/);
    expect(readFileSync(join(tmp, 'outputs.xml'), 'utf8')).toMatch(/<failure message="conceder advantage &gt;= 0.99/);
    expect(readFileSync(join(tmp, 'outputs.md'), 'utf8')).toMatch(/## Ranking/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/## advantage per pair/);
  }, 180_000);

  it('gives the same results inline and on 2 worker threads', async () => {
    const file = tournamentFile('threads', THREE.slice(0, 2), 'seeds: 3\n');
    const [inline, threads] = await Promise.all([
      runCli(['tournament', file, '--workers', '0', '--out', join(tmp, 'threads-0'), '--json'], 120_000),
      runCli(['tournament', file, '--workers', '2', '--out', join(tmp, 'threads-2'), '--json'], 120_000),
    ]);
    expect([inline.status, threads.status]).toEqual([0, 0]);
    expect(withoutWallclock(JSON.parse(threads.stdout))).toEqual(withoutWallclock(JSON.parse(inline.stdout)));
  }, 180_000);

  it('resumes a tournament killed halfway: the same final results, and the runs already done are not run again', async () => {
    const file = tournamentFile('resume', THREE, 'seeds: 4\n');
    const whole = await runCli(['tournament', file, '--workers', '0', '--out', join(tmp, 'resume-whole'), '--json'], 180_000);
    expect(whole.status).toBe(0);
    const expected = withoutWallclock(JSON.parse(whole.stdout));
    const out = join(tmp, 'resume-killed');
    const runsFile = join(out, 'runs.ndjson');
    const lines = () => (existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter((l) => l !== '').length - 1 : 0);
    const child = spawn(process.execPath, [cliPath, 'tournament', file, '--workers', '0', '--out', out, '--json'], { cwd: root, stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    while (lines() < 6 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await ended).toBe('SIGKILL');
    const done = lines();
    expect(done).toBeGreaterThanOrEqual(6);
    expect(done).toBeLessThan(expected.run_count);
    // A line cut short by the kill is run again.
    appendFileSync(runsFile, '{"index":3,"key":"0|bo');
    const resumed = await runCli(['tournament', file, '--workers', '0', '--out', out, '--json'], 180_000);
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(withoutWallclock(report)).toEqual(expected);
    expect(report.wallclock.runs_resumed).toBe(done);
    expect(report.wallclock.runs_run).toBe(expected.run_count - done);
    const keys = readFileSync(runsFile, 'utf8').split('\n').slice(1).filter((l) => l.startsWith('{"index"') && l.endsWith('}')).map((l) => JSON.parse(l).key);
    expect(keys).toHaveLength(expected.run_count);
    expect(new Set(keys).size).toBe(expected.run_count);
    // Once everything is done, a rerun runs nothing.
    const again = await runCli(['tournament', file, '--workers', '0', '--out', out, '--json'], 60_000);
    expect(JSON.parse(again.stdout).wallclock.runs_run).toBe(0);
    expect(withoutWallclock(JSON.parse(again.stdout))).toEqual(expected);
  }, 300_000);

  it('refuses a runs file of another tournament in --out', async () => {
    const file = tournamentFile('resume', THREE.slice(0, 2), 'seeds: 4\n');
    const r = await runCli(['tournament', file, '--workers', '0', '--out', join(tmp, 'resume-killed')], 60_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/runs\.ndjson: the runs of another tournament/);
  }, 60_000);

  it('cuts off a strategy that never answers and counts it, inline (a Promise left pending) and on a thread (a loop)', async () => {
    const stuck = join(root, 'test/fixtures/tournament/stuck.mjs');
    const spinning = join(root, 'test/fixtures/tournament/spinning.mjs');
    const inlineFile = tournamentFile('stuck', ['{ name: linear, strategy: { kind: linear } }', `{ name: stuck, strategy: { module: ${stuck} } }`], 'seeds: 1\nlimits: { run_time: 1s }\n');
    const inline = await runCli(['tournament', inlineFile, '--workers', '0', '--out', join(tmp, 'stuck'), '--json'], 60_000);
    expect(inline.status).toBe(0);
    const a = JSON.parse(inline.stdout);
    expect(a.problems.map((p: any) => p.status)).toEqual(['timeout', 'timeout']);
    expect(a.ranking.find((s: any) => s.competitor === 'stuck').runs_cut_off).toBe(2);
    const threadFile = tournamentFile('spinning', ['{ name: linear, strategy: { kind: linear } }', `{ name: spinning, strategy: { module: ${spinning} } }`], 'seeds: 1\nlimits: { run_time: 1s }\n');
    const thread = await runCli(['tournament', threadFile, '--workers', '1', '--out', join(tmp, 'spinning'), '--json'], 60_000);
    expect(thread.status).toBe(0);
    const b = JSON.parse(thread.stdout);
    expect(b.problems.map((p: any) => p.status)).toEqual(['timeout', 'timeout']);
    expect(b.ranking.find((s: any) => s.competitor === 'spinning').runs_cut_off).toBe(2);
  }, 120_000);

  it('lists every problem of a bad tournament file with its path, exit 2, nothing run', async () => {
    const file = writeText(tmp, 'bad.yaml', `name: bad\ncompetitors:\n  - { name: a, strategy: { kind: bolware } }\n  - { name: b, strategy: { module: ./missing.mjs } }\nscenarios:\n  - { file: nowhere.yaml, roles: [seller] }\n`);
    const r = await runCli(['tournament', file, '--out', join(tmp, 'bad')], 30_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/competitors\[0\]\.strategy\.kind: unknown strategy kind "bolware"/);
    expect(r.stderr).toMatch(/scenarios\[0\]\.roles\[0\]/);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
    const file2 = writeText(tmp, 'bad2.yaml', `name: bad2\ncompetitors:\n  - { name: a, strategy: { kind: boulware } }\n  - { name: b, strategy: { module: ./missing.mjs } }\nscenarios:\n  - { file: nowhere.yaml }\n`);
    const r2 = await runCli(['tournament', file2, '--out', join(tmp, 'bad2')], 30_000);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/scenarios\[0\]\.file: .*nowhere\.yaml: no such file/);
    expect(r2.stderr).toMatch(/competitors\[1\]\.strategy\.module: no such file: .*missing\.mjs/);
  }, 30_000);
});
