import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, isEmptyOrMissing, loadScenarioData, makeTmp, readJson, runCli, writeYaml, type CliResult } from './helpers.js';

/** The code each kind of attempt must be refused with. */
const EXPECTED: Record<string, string[]> = {
  forger: ['signature_invalid'],
  replayer: ['replay_detected', 'message_expired'],
  impersonator: ['key_not_found'],
  stale_key: ['key_not_found'],
  mandate_exceeder: ['mandate_exceeded'],
  tamperer: ['signature_invalid'],
  flooder: ['rate_limited'],
};

describe('scenarios/hostile-agents.yaml', () => {
  let dir: string;
  let run: CliResult;
  let report: any;

  beforeAll(async () => {
    dir = makeTmp('hostile');
    run = await runCli(['run', 'scenarios/hostile-agents.yaml', '--out', dir, '--no-progress']);
    report = readJson(join(dir, 'report.json'));
  });
  afterAll(() => cleanup(dir));

  it('passes its budgets (no hostile action accepted)', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('sees every hostile kind attempt, and refuses every attempt with the right code', () => {
    const s = report.results.security;
    expect(Object.keys(s.attempts).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [kind, codes] of Object.entries(EXPECTED)) {
      const rejected = s.hostile_rejections[kind] as Record<string, number>;
      expect(Object.keys(rejected).every((c) => codes.includes(c)), `${kind}: ${JSON.stringify(rejected)}`).toBe(true);
      const total = Object.values(rejected).reduce((a, b) => a + b, 0);
      // A flooder's messages within the per-sender limit are admitted (they are ordinary intents);
      // the network loses one message in a thousand, so a few attempts never arrive.
      const answered = total + (kind === 'flooder' ? s.flood_admitted_within_rate_limit : 0);
      expect(answered, kind).toBeLessThanOrEqual(s.attempts[kind]);
      expect(answered, kind).toBeGreaterThanOrEqual(Math.floor(s.attempts[kind] * 0.99) - 1);
    }
    expect(s.accepted_hostile_total).toBe(0);
    expect(s.honest_rejections).toEqual({});
    expect(s.hostile_rejections.replayer.replay_detected).toBeGreaterThan(0);
    expect(s.hostile_rejections.replayer.message_expired).toBeGreaterThan(0);
  });

  it('reports the honest success rate beside a run without the adversaries', () => {
    expect(report.baseline.without_adversaries.success_rate).toBeGreaterThan(0.5);
    expect(report.results.negotiation.success_rate).toBeGreaterThan(0.5);
    expect(run.stdout).toMatch(/honest buyers' success rate [\d.]+% \(\d+ negotiations\); without the adversaries [\d.]+%/);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('## Security');
  });

  it('flags the hostile senders as anomalies, and no honest one', () => {
    const flagged = report.results.security.anomalies.map((a: { agent: string }) => a.agent);
    expect(flagged).toContain('agent:hostile-1-forger-1');
    expect(flagged.every((a: string) => a.startsWith('agent:hostile-'))).toBe(true);
  });
});

describe('bad security settings', () => {
  it('exit 2 with every problem and its path, nothing run', async () => {
    const dir = makeTmp('bad-security');
    try {
      const data = loadScenarioData('scenarios/hostile-agents.yaml');
      data.security.signing = 'rsa';
      data.adversaries[0].kind = 'thief';
      const file = writeYaml(dir, 'bad.yaml', data);
      const out = join(dir, 'out');
      const r = await runCli(['run', file, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/security\.signing: expected signing: es256, eddsa or off/);
      expect(r.stderr).toMatch(/adversaries\[0\]\.kind: expected kind: forger/);
      expect(isEmptyOrMissing(out)).toBe(true);
    } finally {
      cleanup(dir);
    }
  });
});
