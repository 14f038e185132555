/** The size of a run, known before it starts: `validate` prints it, `run` refuses what would not fit. */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanup, isEmptyOrMissing, loadScenarioData, makeTmp, quickstartFile, runCli, writeYaml } from './helpers.js';

describe('size estimate', () => {
  const tmp = makeTmp('size');
  afterAll(() => cleanup(tmp));

  it('validate prints the expected negotiations, messages, memory and wall time', async () => {
    const r = await runCli(['validate', quickstartFile]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}estimate: about [\d,]+ negotiations, [\d,]+ messages, \d+ MB of memory, [\d.]+ s of wall time inline$/m);
  });

  it('run refuses, with exit 2, the figures and how to go ahead, a run that would not fit in memory (intent_rate 1000000/s)', async () => {
    const data = loadScenarioData(quickstartFile);
    data.buyers[0].intent_rate = '1000000/s';
    const file = writeYaml(tmp, 'huge.yaml', data);
    const out = join(tmp, 'out');
    const r = await runCli(['run', file, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/would not fit in memory: about 600\.0 million negotiations, [\d.]+ (million|billion) messages, [\d.]+ GB of memory/);
    expect(r.stderr).toMatch(/--allow-large/);
    expect(isEmptyOrMissing(out)).toBe(true);
    const v = await runCli(['validate', file]);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/estimate: about 600\.0 million negotiations/);
  });
});

describe('swarm and the size estimate', () => {
  const tmp = makeTmp('size-swarm');
  afterAll(() => cleanup(tmp));

  it('refuses, with exit 2 and before any seed runs, a scenario whose run would not fit in memory', async () => {
    const data = loadScenarioData(quickstartFile);
    data.buyers[0].intent_rate = '1000000/s';
    const r = await runCli(['swarm', writeYaml(tmp, 'huge.yaml', data), '--seeds', '2', '--workers', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/would not fit in memory: .*--allow-large/s);
    expect(r.stdout).toBe('');
  });
});
