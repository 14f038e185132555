/** `a2a-sim run scenarios/volatility-spike.yaml`: success falls in the spike, the breaker opens there and closes after. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, loadScenarioData, makeTmp, readJson, runCli, volatilityFile, type CliResult } from './helpers.js';

let tmp: string;
let run: CliResult;
let report: any;
let results: any;
let byRegime: any[];
let spike: any;
let calms: any[];
let breaker: any;

beforeAll(async () => {
  tmp = makeTmp('volatility');
  run = await runCli(['run', volatilityFile, '--out', join(tmp, 'out'), '--json']);
  if (run.status !== 0 && run.status !== 1) throw new Error(`run exited ${run.status} (${run.signal}):\n${run.stderr}`);
  report = JSON.parse(run.stdout);
  results = report.results;
  byRegime = results.negotiation.by_regime;
  spike = byRegime.find((r) => r.regime === 'spike');
  calms = byRegime.filter((r) => r.regime !== 'spike');
  const buyerOrg: string = loadScenarioData(volatilityFile).buyers[0].organisation;
  breaker = results.breakers.find((b: any) => b.organisation === buyerOrg);
});

afterAll(() => cleanup(tmp));

describe('run scenarios/volatility-spike.yaml', () => {
  it('exits 0 (its budgets pass) and --json matches the report.json written', () => {
    expect(run.stderr).not.toMatch(/budget breached/);
    expect(run.status).toBe(0);
    expect(readJson(join(tmp, 'out', 'report.json')).results).toEqual(results);
  });

  it('reports the regimes calm → spike → calm, laid end to end', () => {
    expect(byRegime.map((r) => r.regime)).toEqual(['calm', 'spike', 'calm-after']);
    expect(byRegime[0].start_us).toBe(0);
    for (let i = 1; i < byRegime.length; i++) expect(byRegime[i].start_us).toBe(byRegime[i - 1].end_us);
    for (const r of byRegime) expect(r.count).toBeGreaterThan(0);
  });

  it('success rate in the spike is lower than in both calm regimes', () => {
    expect(spike).toBeDefined();
    expect(calms).toHaveLength(2);
    for (const calm of calms) expect(spike.success_rate).toBeLessThan(calm.success_rate);
  });

  it("the buyer organisation's breaker first opens inside the spike [start_us, end_us)", () => {
    expect(breaker, 'no breaker for the buyer organisation').toBeDefined();
    expect(breaker.opens).toBeGreaterThan(0);
    const firstOpen = breaker.transitions.find((t: any) => t.to === 'open');
    expect(firstOpen).toBeDefined();
    expect(firstOpen.from).toBe('closed');
    expect(firstOpen.time_us).toBeGreaterThanOrEqual(spike.start_us);
    expect(firstOpen.time_us).toBeLessThan(spike.end_us);
  });

  it('the breaker ends closed, with a transition to closed after the spike', () => {
    expect(breaker.final_state).toBe('closed');
    const closes = breaker.transitions.filter((t: any) => t.to === 'closed');
    expect(closes.length).toBeGreaterThan(0);
    expect(closes.some((t: any) => t.time_us >= spike.end_us)).toBe(true);
    expect(breaker.transitions[breaker.transitions.length - 1].to).toBe('closed');
  });

  it('breaker transitions form a chain in time order, and time open is accounted', () => {
    let state = 'closed';
    let previous = -1;
    for (const t of breaker.transitions) {
      expect(t.from).toBe(state);
      expect(t.time_us).toBeGreaterThanOrEqual(previous);
      expect(t.reason).toBeTypeOf('string');
      state = t.to;
      previous = t.time_us;
    }
    expect(breaker.opens).toBe(breaker.transitions.filter((t: any) => t.to === 'open').length);
    expect(breaker.time_open_us).toBeGreaterThan(0);
    // Time open and half-open are the sums of the intervals between transitions.
    const spent: Record<string, number> = { open: 0, half_open: 0, closed: 0 };
    for (let i = 1; i < breaker.transitions.length; i++) {
      const t = breaker.transitions[i];
      spent[t.from] = (spent[t.from] ?? 0) + t.time_us - breaker.transitions[i - 1].time_us;
    }
    expect(breaker.time_open_us).toBe(spent.open);
    expect(breaker.time_half_open_us).toBe(spent.half_open);
  });

  it('intents are held back while the breaker is open', () => {
    expect(results.negotiation.held_intents).toBeGreaterThan(0);
  });
});
