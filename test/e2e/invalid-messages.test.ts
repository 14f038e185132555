/** Corrupted messages fail validation, are answered with invalid_message, and the run goes on. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidTraceLine } from '../../src/broker/trace.js';
import { cleanup, loadScenarioData, makeTmp, quickstartFile, readJson, readTrace, runCli, writeYaml, type CliResult } from './helpers.js';

let tmp: string;
let run: CliResult;
let results: any;
let trace: any[];

beforeAll(async () => {
  tmp = makeTmp('corrupt');
  const scenario = loadScenarioData(quickstartFile);
  scenario.name = 'quickstart-corrupt';
  scenario.network.corrupt_probability = 0.05;
  const file = writeYaml(tmp, 'corrupt.yaml', scenario);
  run = await runCli(['run', file, '--out', join(tmp, 'out'), '--trace', join(tmp, 'trace.ndjson')]);
  results = readJson(join(tmp, 'out', 'report.json')).results;
  trace = readTrace(join(tmp, 'trace.ndjson'));
});

afterAll(() => cleanup(tmp));

describe('network.corrupt_probability: 0.05', () => {
  it('runs to completion: exit 0 or 1 (a budget), never an invariant or internal error', () => {
    expect(run.stderr).not.toMatch(/invariant|internal error/);
    expect([0, 1]).toContain(run.status);
    expect(results.negotiation.count).toBeGreaterThan(0);
    expect(results.settlement.deals).toBeGreaterThan(0);
  });

  it('counts invalid messages and invalid_message errors', () => {
    expect(results.messages.corrupted).toBeGreaterThan(0);
    expect(results.messages.invalid).toBeGreaterThan(0);
    expect(results.errors.by_code.invalid_message).toBeGreaterThan(0);
  });

  it('never delivers an invalid message: each is traced as rejected with a reason', () => {
    const rejected = trace.filter((l) => l.event === 'rejected');
    expect(rejected).toHaveLength(results.messages.invalid);
    for (const l of rejected) expect(l.reason).toMatch(/\S/);
    const delivered = trace.filter((l) => l.event === 'delivered');
    expect(delivered).toHaveLength(results.messages.delivered);
    const invalid = delivered.filter((l) => !ValidTraceLine.safeParse(l).success);
    expect(invalid.map((l) => JSON.stringify(l).slice(0, 300))).toEqual([]);
  });

  it('the sender of an invalid message is answered with a2a.commerce.error invalid_message', () => {
    const answers = trace.filter(
      (l) => l.event === 'delivered' && l.message.type === 'a2a.commerce.error' && l.message.payload.code === 'invalid_message',
    );
    expect(answers.length).toBeGreaterThan(0);
    const rejectedSenders = new Set(trace.filter((l) => l.event === 'rejected').map((l) => l.message?.from?.identifier));
    expect(answers.some((l) => rejectedSenders.has(l.message.to.identifier))).toBe(true);
  });
});
