/** `a2a-sim run` and `a2a-sim swarm` on scenarios/settlement-faults.yaml, and the checker firing on deliberate defects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidTraceLine } from '../../src/broker/trace.js';
import { MESSAGE_TYPES } from '../../src/protocol/schemas.js';
import { cleanup, loadScenarioData, makeTmp, readJson, runCli, writeYaml, type CliResult } from './helpers.js';

const file = 'scenarios/settlement-faults.yaml';
let tmp: string;

beforeAll(() => {
  tmp = makeTmp('settlement');
});
afterAll(() => cleanup(tmp));

function withDefect(defect: string): string {
  return writeYaml(tmp, `${defect}.yaml`, { ...loadScenarioData(file), defects: [defect] });
}

describe('run scenarios/settlement-faults.yaml', () => {
  let result: CliResult;
  let report: any;
  beforeAll(async () => {
    result = await runCli(['run', file, '--out', join(tmp, 'run'), '--trace', join(tmp, 'trace.ndjson'), '--no-progress']);
    report = readJson(join(tmp, 'run', 'report.json'));
  });

  it('runs with every fault kind on, invariants holding (exit 0)', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const f = report.results.faults;
    expect(f.messages_duplicated).toBeGreaterThan(0);
    expect(f.messages_delayed).toBeGreaterThan(0);
    expect(f.messages_partitioned).toBeGreaterThan(0);
    expect(f.crashes).toBe(2);
    expect(f.drawn.settlement_slowdown.factor).toBeGreaterThanOrEqual(5);
  });

  it('prints no line wider than 100 columns when stdout is not a terminal (tables are split, values whole)', () => {
    const lines = result.stdout.split('\n').filter((l) => !l.startsWith('report: '));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(result.stdout).toContain(`${report.results.messages.delivered.toLocaleString('en-US')} (${report.results.faults.messages_duplicated} duplicates)`);
  });

  it('reports compensations by cause, forfeited bonds and identical records on both sides', () => {
    const s = report.results.settlement;
    expect(s.sagas.compensated).toBeGreaterThan(0);
    const byCause = Object.values(s.sagas.compensated_by_cause) as number[];
    expect(byCause.length).toBeGreaterThanOrEqual(1);
    expect(byCause.reduce((a, b) => a + b, 0)).toBe(s.sagas.compensated);
    expect(s.sagas.settled + s.sagas.compensated).toBe(s.sagas.started);
    expect(s.sagas.bonds_forfeited.count).toBeGreaterThan(0);
    expect(s.deals).toBe(s.sagas.settled);
    // A receipt is a settled deal acknowledged by its buyer; cancelled sagas are acknowledged too but are none.
    expect(report.results.flow.receipts).toBeGreaterThan(0);
    expect(report.results.flow.receipts).toBeLessThanOrEqual(s.deals);
    expect(s.in_doubt).toBe(0);
    expect(s.latency.p99_us).toBeGreaterThan(0);
  });
});

describe('the trace of a settlement run', () => {
  it('validates line by line and holds every settlement message type', () => {
    const lines = readFileSync(join(tmp, 'trace.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const checked = lines.filter((l) => ['delivered', 'dropped', 'discovery', 'execution'].includes(l.event));
    expect(checked.length).toBeGreaterThan(1000);
    const bad = checked.filter((l) => !ValidTraceLine.safeParse(l).success);
    expect(bad).toEqual([]);
    const types = new Set(lines.filter((l) => l.event === 'delivered').map((l) => l.message.type));
    expect(MESSAGE_TYPES.filter((t) => t.startsWith('a2a.settlement.') && !types.has(t))).toEqual([]);
    expect(lines.some((l) => l.event === 'delivered' && l.message.payload.status === 'cancelled')).toBe(true);
  });
});

describe('a2a-sim swarm', () => {
  it('runs many seeds, each with its own faults, and finds no violation (exit 0)', async () => {
    const r = await runCli(['swarm', file, '--seeds', '24', '--workers', '2'], 120_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/│ 24\s+│ 24\s+│ 0\s+│ 0\s+│/);
    expect(r.stdout).toMatch(/back_office_rejected/);
    expect(r.stdout).toMatch(/24 seeds in .* on 2 worker threads/);
  });

  it('gives the same report inline and on worker threads, and writes it to --out as swarm.json', async () => {
    const out = join(tmp, 'swarm-out');
    const [inline, threads] = await Promise.all([
      runCli(['swarm', file, '--seeds', '4', '--first-seed', '40', '--workers', '0', '--json', '--out', out]),
      runCli(['swarm', file, '--seeds', '4', '--first-seed', '40', '--workers', '2', '--json']),
    ]);
    const a = JSON.parse(inline.stdout);
    const b = JSON.parse(threads.stdout);
    expect({ ...a, wallclock: null }).toEqual({ ...b, wallclock: null });
    expect(readJson(join(out, 'swarm.json'))).toEqual(a);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| settlement_latency.p99 | 4 |');
    expect(a.format).toBe('a2a-market-sim/swarm@1');
    // Per seed: every budget metric (price paid, rounds, latencies among them), in snake_case.
    for (const o of a.outcomes) {
      expect(Object.keys(o).sort()).toEqual(['budgets_breached', 'deals', 'metrics', 'sagas_compensated_by_cause', 'seed', 'status']);
      for (const m of ['negotiation.rounds.mean', 'negotiation_latency.p99', 'settlement_latency.p50', 'sagas.compensated', 'errors.replay_detected']) expect(o.metrics[m]).toBeTypeOf('number');
      expect(o.deals.mean_value).toBeGreaterThan(0);
    }
    expect(a.summary.metrics['negotiation.success_rate'].seeds).toBe(4);
  });

  it('starts at --first-seed: its first seed is the run of that seed', async () => {
    const [swarm, single] = await Promise.all([
      runCli(['swarm', file, '--seeds', '2', '--first-seed', '40', '--workers', '0', '--json']),
      runCli(['run', file, '--seed', '40', '--out', join(tmp, 'seed-40'), '--json', '--no-progress']),
    ]);
    const outcomes = JSON.parse(swarm.stdout).outcomes as { seed: number; metrics: Record<string, number> }[];
    expect(outcomes.map((o) => o.seed)).toEqual([40, 41]);
    const run = JSON.parse(single.stdout).results.negotiation;
    expect([outcomes[0]!.metrics['negotiation.count'], outcomes[0]!.metrics['negotiation.succeeded']]).toEqual([run.count, run.succeeded]);
  });

  it('lists every failing seed with its replay command and exits 3', async () => {
    const broken = withDefect('saga_skips_compensation');
    const r = await runCli(['swarm', broken, '--seeds', '6', '--workers', '2'], 120_000);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/seed \d+: invariant violated: saga .* compensated .* stay in escrow/);
    expect(r.stdout).toContain(`replay: a2a-sim run ${broken} --seed `);
  });

  it('rejects a bad --seeds with exit 2', async () => {
    const r = await runCli(['swarm', file, '--seeds', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seeds many/);
  });
});

describe('the checker can fail', () => {
  it.each([
    ['ledger_double_post', /resolved twice/],
    ['saga_skips_compensation', /stay in escrow/],
    ['buyer_records_cancelled', /no store executed/],
  ])('%s is caught with exit 3, the seed, the virtual time and the replay command', async (defect, message) => {
    const broken = withDefect(defect);
    const r = await runCli(['run', broken, '--out', join(tmp, defect), '--no-progress']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/seed: 11\n\s+virtual time: \d+ µs\n\s+replay: a2a-sim run .* --seed 11/);
  });
});

describe('the evidence of a violation', () => {
  it.each([['inline', '0'], ['on 2 worker threads', '2']])('%s: --trace and --audit hold every line up to the violating event', async (_label, workers) => {
    const broken = withDefect('ledger_double_post');
    const trace = join(tmp, `evidence-${workers}.ndjson`);
    const audit = join(tmp, `evidence-audit-${workers}.ndjson`);
    const r = await runCli(['run', broken, '--workers', workers, '--out', join(tmp, `evidence-${workers}`), '--trace', trace, '--audit', audit, '--no-progress']);
    expect(r.status).toBe(3);
    const atUs = Number(/virtual time: (\d+) µs/.exec(r.stderr)![1]);
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { vt_us: number; event: string; audit?: unknown });
    // The violation comes in the run's first window (1% of it), which used to be lost whole.
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((l) => l.vt_us <= atUs)).toBe(true);
    const audited = readFileSync(audit, 'utf8').trim().split('\n');
    expect(audited.length).toBeGreaterThan(0);
    expect(audited).toEqual(lines.filter((l) => l.event === 'audit').map((l) => JSON.stringify(l.audit)));
  });
});

describe('invalid settlement and fault settings', () => {
  it('lists every problem with its path (exit 2)', async () => {
    const data = loadScenarioData(file);
    data.faults.message_loss_probability = [0.5, 0.1];
    data.faults.crashes.push({ organisation: 'nobody', at: '1s', downtime: '1s' });
    data.faults.partitions[0].between = ['globex-procurement', 'atlantis'];
    data.settlement.step_timeout = 'soon';
    data.defects = ['gremlins'];
    const r = await runCli(['validate', writeYaml(tmp, 'bad.yaml', data)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/5 problems/);
    for (const path of ['settlement.step_timeout:', 'faults.message_loss_probability:', 'faults.crashes[2].organisation:', 'faults.partitions[0].between[1]:', 'defects[0]:']) {
      expect(r.stderr).toContain(path);
    }
  });
});
