/** The scenario library: every file runs from the command line and shows what scenarios/README.md says it shows. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_SCENARIO, cleanup, edit, loadScenarioData, makeTmp, problemLines, readTrace, root, runCli, writeText, type CliResult } from './helpers.js';

const S = 1_000_000;
const LIBRARY = ['pilot-calm', 'flash-crash', 'supplier-outage', 'procurement-burst', 'multi-category', 'ucp-extension', 'parallel-system'];

let tmp: string;
const runs = new Map<string, CliResult>();
const reports = new Map<string, any>();

beforeAll(async () => {
  tmp = makeTmp('library');
  // One at a time: the machine's cores are shared with the worker-thread tests running alongside.
  for (const name of LIBRARY) {
    const extra = name === 'supplier-outage' ? ['--trace', join(tmp, `${name}.ndjson`)] : [];
    const run = await runCli(['run', `scenarios/${name}.yaml`, '--out', join(tmp, name), '--json', ...extra], 120_000);
    if (run.status !== 0 && run.status !== 1) throw new Error(`${name} exited ${run.status}:\n${run.stderr}`);
    runs.set(name, run);
    reports.set(name, JSON.parse(run.stdout));
  }
}, 300_000);

afterAll(() => cleanup(tmp));

const results = (name: string) => reports.get(name).results;

describe('scenarios/README.md', () => {
  const readme = readFileSync(join(root, 'scenarios', 'README.md'), 'utf8');
  const files = readdirSync(join(root, 'scenarios')).filter((f) => /\.ya?ml$/.test(f));

  it.each(files)('%s has a line in the README and a header comment naming it', (file) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${file.replace('.', '\\.')}\` \\| .+ \\|$`, 'm'));
    const text = readFileSync(join(root, 'scenarios', file), 'utf8');
    const name = loadScenarioData(`scenarios/${file}`).name as string;
    expect(text.split('\n')[0]).toMatch(new RegExp(`^# ${name} — `));
  });

  it('lists no file that does not exist', () => {
    const listed = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    for (const f of listed) expect(files).toContain(f);
  });
});

describe('pilot-calm', () => {
  it('succeeds at least 90% of the time, with no breaker opening, no halt, no intent held, exposure below its limit; exits 0', () => {
    const r = results('pilot-calm');
    expect(runs.get('pilot-calm')!.status).toBe(0);
    expect(r.negotiation.success_rate).toBeGreaterThanOrEqual(0.9);
    expect(r.breakers.map((b: any) => b.opens)).toEqual([0]);
    expect(r.halts).toEqual([]);
    expect(r.negotiation.held_intents).toBe(0);
    expect(r.risk.exposure).toHaveLength(1);
    const e = r.risk.exposure[0];
    expect(e.limit).toBe('4000.00');
    expect(Number(e.peak)).toBeGreaterThan(0);
    expect(Number(e.peak)).toBeLessThan(4000);
    expect(r.timeseries.buckets.length).toBeGreaterThan(10);
  });
});

describe('flash-crash', () => {
  it('fires a level 1 halt at 30s and a level 2 halt at 45s, 15s each, and never level 3', () => {
    const r = results('flash-crash');
    expect(runs.get('flash-crash')!.status).toBe(0);
    expect(r.halts.map((h: any) => [h.kind, h.category, h.start_us / S, h.end_us / S])).toEqual([
      ['level_1', null, 30, 45],
      ['level_2', null, 45, 60],
    ]);
    expect(r.halts[0].move).toBeLessThanOrEqual(-0.07);
    expect(r.halts[1].move).toBeLessThanOrEqual(-0.13);
    expect(r.halts[1].move).toBeGreaterThan(-0.2);
  });

  it('answers requests in a halt with market_halted; those negotiations end market_halted, and none succeeds inside a halt', () => {
    const r = results('flash-crash');
    expect(r.errors.by_code.market_halted).toBeGreaterThan(0);
    expect(r.risk.refused_by_reason.market_halted).toBe(r.errors.by_code.market_halted);
    expect(r.negotiation.outcomes.market_halted).toBeGreaterThan(0);
    const inHalt = r.timeseries.buckets.filter((b: any) => b.start_us >= 30 * S && b.end_us <= 60 * S);
    expect(inHalt.length).toBeGreaterThan(0);
    for (const b of inHalt) {
      expect(b.halts.length).toBe(1);
      expect(b.succeeded).toBe(0);
    }
    const outside = r.timeseries.buckets.filter((b: any) => b.end_us <= 30 * S || b.start_us >= 61 * S);
    for (const b of outside) expect(b.halts).toEqual([]);
  });
});

describe('supplier-outage', () => {
  it('refuses with service_unavailable only between 30s and 1m, and success is lower there', () => {
    const r = results('supplier-outage');
    expect(runs.get('supplier-outage')!.status).toBe(0);
    expect(r.risk.refused_by_reason.outage).toBeGreaterThan(0);
    const unavailable = readTrace(join(tmp, 'supplier-outage.ndjson')).filter((l) => l.event === 'delivered' && l.message?.payload?.code === 'service_unavailable');
    expect(unavailable.length).toBeGreaterThan(0);
    for (const l of unavailable) {
      expect(l.message.from.identifier).toMatch(/^agent:ansell-direct-/);
      expect(Date.parse(l.message.timestamp) - Date.parse('2025-01-15T10:30:00Z')).toBeGreaterThanOrEqual(30_000);
      expect(Date.parse(l.message.timestamp) - Date.parse('2025-01-15T10:30:00Z')).toBeLessThan(60_000);
    }
    const [before, during, after] = r.negotiation.by_regime;
    expect(during.regime).toBe('outage');
    expect(during.success_rate).toBeLessThan(before.success_rate);
    expect(during.success_rate).toBeLessThan(after.success_rate);
  });
});

describe('procurement-burst', () => {
  it('holds the burst: exposure limit first (tripping the breaker on exposure at 40s), then the open breaker', () => {
    const r = results('procurement-burst');
    expect(runs.get('procurement-burst')!.status).toBe(0);
    expect(r.risk.held_by_reason.exposure_limit).toBeGreaterThanOrEqual(1);
    expect(r.risk.held_by_reason.breaker_open).toBeGreaterThanOrEqual(900);
    const hooli = r.breakers.find((b: any) => b.organisation === 'hooli-procurement');
    expect(hooli.trips_by_cause.exposure).toBeGreaterThanOrEqual(1);
    const first = hooli.transitions.find((t: any) => t.to === 'open');
    expect(first).toMatchObject({ time_us: 40 * S, cause: 'exposure' });
  });

  it('suppliers refuse the excess with rate_limited, counted by reason', () => {
    const r = results('procurement-burst');
    expect(r.risk.refused_by_reason.counterparty_share).toBeGreaterThan(0);
    const limited = (r.risk.refused_by_reason.counterparty_share ?? 0) + (r.risk.refused_by_reason.open_value ?? 0) + (r.risk.refused_by_reason.capacity ?? 0);
    expect(r.errors.by_code.rate_limited).toBe(limited);
  });

  it('exposure never exceeds its limit, and the burst brings it close', () => {
    const r = results('procurement-burst');
    for (const e of r.risk.exposure) {
      expect(Number(e.peak)).toBeLessThanOrEqual(Number(e.limit));
      for (const p of e.peaks) expect(Number(p)).toBeLessThanOrEqual(Number(e.limit));
    }
    const hooli = r.risk.exposure.find((e: any) => e.organisation === 'hooli-procurement');
    expect(Number(hooli.peak)).toBeGreaterThan(0.9 * Number(hooli.limit));
  });
});

describe('multi-category', () => {
  it('trades three categories; only batteries pause, on their band, and do worse for it', () => {
    const r = results('multi-category');
    expect(runs.get('multi-category')!.status).toBe(0);
    expect(Object.keys(r.negotiation.by_category)).toEqual(['batteries', 'fasteners', 'sensors']);
    expect(r.halts.length).toBe(2);
    expect(r.halts.map((h: any) => [h.kind, h.category])).toEqual([
      ['limit_up', 'batteries'],
      ['limit_down', 'batteries'],
    ]);
    for (const h of r.halts) expect(h.end_us - h.start_us).toBe(20 * S);
    const { batteries, fasteners, sensors } = r.negotiation.by_category;
    expect(batteries.success_rate).toBeLessThan(fasteners.success_rate);
    expect(batteries.success_rate).toBeLessThan(sensors.success_rate);
  });

  it('outside counterparties trade too', () => {
    const r = results('multi-category');
    const buyers = new Set(r.negotiation.top_pairs.map((p: any) => p.buyer.replace(/-\d+$/, '')));
    expect([...buyers].some((b) => String(b).startsWith('agent:outside-buyers-'))).toBe(true);
  });
});

describe('ucp-extension versus parallel-system', () => {
  it('the same demand runs 10-20 rounds in both', () => {
    const u = results('ucp-extension');
    const p = results('parallel-system');
    expect(u.negotiation.count).toBe(p.negotiation.count);
    for (const r of [u, p]) {
      expect(r.negotiation.rounds.mean).toBeGreaterThanOrEqual(10);
      expect(r.negotiation.rounds.mean).toBeLessThanOrEqual(20);
    }
  });

  it('REST round trips with human approval breach the one-second budget and exit 1', () => {
    const run = runs.get('ucp-extension')!;
    expect(run.status).toBe(1);
    // The value is given with its unit, as in the table.
    expect(run.stderr).toMatch(/budget breached: negotiation_latency\.p90 < 1s \(value: \d+(\.\d+)?(s|ms)\)/);
    expect(results('ucp-extension').negotiation.latency.p90_us).toBeGreaterThan(S);
  });

  it('streaming and autonomous agents meet it and exit 0', () => {
    const run = runs.get('parallel-system')!;
    expect(run.status).toBe(0);
    expect(results('parallel-system').negotiation.latency.p90_us).toBeLessThan(S);
    expect(reports.get('parallel-system').budgets.every((b: any) => b.passed)).toBe(true);
  });
});

describe('opponent-model', () => {
  it('learns from the stores\' asks, walks away from hopeless negotiations and lowers counters; without the model deals cost more and take more rounds', async () => {
    const run = await runCli(['run', 'scenarios/opponent-model.yaml', '--out', join(tmp, 'opponent-model'), '--json'], 120_000);
    expect(run.status).toBe(0);
    const withModel = JSON.parse(run.stdout).results;
    const text = readFileSync(join(root, 'scenarios', 'opponent-model.yaml'), 'utf8');
    const file = writeText(tmp, 'no-model.yaml', edit(text, ', opponent_model: { floor_steps: 64, exponent_steps: 16, walk_away: 0.95 }', ''));
    const plain = JSON.parse((await runCli(['run', file, '--out', join(tmp, 'no-model'), '--json'], 120_000)).stdout).results;
    const m = withModel.negotiation.opponent_model;
    expect(m.updates).toBeGreaterThan(1000);
    expect(m.walked_away).toBeGreaterThan(0);
    expect(m.proposals_lowered).toBeGreaterThan(0);
    expect(plain.negotiation.opponent_model).toBeUndefined();
    // The same intents. Walking away at 95% certainty may give up a deal the plain buyers made,
    // rarely; the deals made cost less, in fewer rounds.
    expect(withModel.negotiation.count).toBe(plain.negotiation.count);
    expect(withModel.settlement.deals).toBeGreaterThanOrEqual(0.97 * plain.settlement.deals);
    expect(Number(withModel.settlement.value) / withModel.settlement.deals).toBeLessThan(Number(plain.settlement.value) / plain.settlement.deals);
    expect(withModel.negotiation.rounds.mean).toBeLessThan(plain.negotiation.rounds.mean);
    // summary.md has a section for the models, only when there are some.
    expect(readFileSync(join(tmp, 'opponent-model', 'summary.md'), 'utf8')).toMatch(/### Opponent models\n\n\| asks learned from \| walked away \| counters lowered \|\n\|---\|---\|---\|\n\| [\d,]+ \| [\d,]+ \| [\d,]+ \|/);
    expect(readFileSync(join(tmp, 'no-model', 'summary.md'), 'utf8')).not.toContain('Opponent models');
    const table = await runCli(['run', 'scenarios/opponent-model.yaml', '--out', join(tmp, 'opponent-model-table')], 120_000);
    expect(table.stdout).toMatch(/│ opponent model │ asks learned from │ walked away │ counters lowered │/);
    expect(table.stdout).toContain(`│ buyers         │ ${m.updates.toLocaleString('en-US')}`);
    // walk_away: 1 keeps the model but never walks away.
    const stay = writeText(tmp, 'never-walk.yaml', edit(text, 'walk_away: 0.95', 'walk_away: 1'));
    const stayed = JSON.parse((await runCli(['run', stay, '--out', join(tmp, 'never-walk'), '--json'], 120_000)).stdout).results;
    expect(stayed.negotiation.opponent_model.walked_away).toBe(0);
    expect(stayed.negotiation.opponent_model.updates).toBeGreaterThan(m.updates);
  }, 240_000);
});

describe('bad risk settings from the command line', () => {
  it('exits 2 and names every bad field with its path', async () => {
    let text = edit(BASE_SCENARIO, '  regimes:\n', '  halts: { levels: [{ drop: 0.13, duration: 15m }, { drop: 0.07, duration: 15m }] }\n  regimes:\n');
    text = edit(text, '    shipping: 1.50\n', '    shipping: 1.50\n    limits: { max_open_value: 100.00, counterparty_share: 2 }\n');
    text = edit(text, '    mandate: { max_per_purchase: 500.00 }\n', '    mandate: { max_per_purchase: 500.00 }\n    exposure_limit: -5\n');
    const file = writeText(tmp, 'bad-risk.yaml', text);
    const run = await runCli(['validate', file]);
    expect(run.status).toBe(2);
    const lines = problemLines(run.stderr);
    expect(lines).toHaveLength(3);
    expect(run.stderr).toMatch(/market\.halts\.levels: level drops must increase/);
    expect(run.stderr).toMatch(/stores\[0\]\.limits\.counterparty_share/);
    expect(run.stderr).toMatch(/buyers\[0\]\.exposure_limit/);
  });
});
