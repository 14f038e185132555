/**
 * The minimal cases a fuzz of the scenario files found (../shared/reproducers/scenario-fuzz/,
 * beside the repository): each behaves as the "expected" column of that folder's README says.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, type ScenarioParseResult } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation } from '../../src/simulation.js';
import { verifyAuditLog } from '../../src/trust/audit-verify.js';

const folder = resolve(fileURLToPath(new URL('../..', import.meta.url)), '..', 'shared', 'reproducers', 'scenario-fuzz');
const read = (name: string) => readFileSync(join(folder, name), 'utf8');
const parsed = (name: string): ScenarioParseResult => parseScenarioText(read(name), name);

/** The one problem a refused reproducer gets: its path and the start of its message. */
function refusal(name: string): { path: string; message: string } {
  const result = parsed(name);
  if (result.ok) throw new Error(`${name} validated`);
  expect(result.problems.length).toBeGreaterThanOrEqual(1);
  return { path: result.problems[0]!.path, message: result.problems[0]!.message };
}

function plan(name: string): SimulationPlan {
  const result = parsed(name);
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
  return result.plan;
}

describe('scenario-fuzz reproducers', () => {
  it('base.yaml and burst-6s.yaml (the controls) validate and run', () => {
    for (const name of ['base.yaml', 'burst-6s.yaml']) expect(runSimulation(plan(name)).results.negotiation.count).toBeGreaterThan(0);
  });

  it('no-mandate.yaml is refused with the missing mandate, not a crash', () => {
    expect(refusal('no-mandate.yaml')).toEqual({ path: 'buyers[0].mandate', message: 'required field is missing (expected object)' });
  });

  it.each([
    ['sku-name-surrogate.yaml', 'market.categories[0].skus[0].name'],
    ['sku-name-surrogate-signed.yaml', 'market.categories[0].skus[0].name'],
    ['sku-name-surrogate-noaudit.yaml', 'market.categories[0].skus[0].name'],
    ['sku-id-surrogate.yaml', 'market.categories[0].skus[0].sku'],
    ['desc-surrogate.yaml', 'description'],
  ])('%s is refused at validation: a lone surrogate at %s', (name, path) => {
    const r = refusal(name);
    expect(r.path).toBe(path);
    expect(r.message).toMatch(/lone surrogate .*cannot be signed, hashed or written/);
  });

  it('duration-100000d.yaml is refused: its price path would not fit in memory', () => {
    const r = refusal('duration-100000d.yaml');
    expect(r.path).toBe('duration');
    expect(r.message).toMatch(/price paths would hold 8,640,000,122 points .* more than the 10,000,000/);
  });

  it('ts-bucket-exposure-20us.yaml runs, its exposure series holding a peak per bucket', () => {
    const result = runSimulation(plan('ts-bucket-exposure-20us.yaml')).results;
    expect(result.risk.exposure).toHaveLength(1);
    expect(result.risk.exposure[0]!.peaks.length).toBe(result.timeseries.buckets.length);
    expect(result.timeseries.buckets.length).toBeGreaterThan(200_000);
  });

  it('ts-bucket-exposure.yaml, ts-bucket-1us.yaml and ts-bucket-1us-20s.yaml are refused: too many buckets', () => {
    for (const name of ['ts-bucket-exposure.yaml', 'ts-bucket-1us.yaml', 'ts-bucket-1us-20s.yaml']) {
      const r = refusal(name);
      expect(r.path).toBe('report.timeseries_bucket');
      expect(r.message).toMatch(/buckets over the run, more than the 250,000 a report holds: use a bucket of at least/);
    }
  });

  it('tick-1us.yaml is refused: a price path of 125 million ticks', () => {
    const r = refusal('tick-1us.yaml');
    expect(r.path).toBe('market.tick');
    expect(r.message).toMatch(/125,000,002 points/);
  });

  it.each([
    ['service-time-1h.yaml', 'stores[0].capacity.service_time'],
    ['service-time-huge.yaml', 'stores[0].capacity.service_time'],
    ['quote-timeout-24h.yaml', 'buyers[0].quote_timeout'],
    ['lognormal-p99-huge.yaml', 'network.latency.p99'],
  ])('%s is refused: %s is a wait longer than a run can drain', (name, path) => {
    const r = refusal(name);
    expect(r.path).toBe(path);
    expect(r.message).toMatch(/^expected at most 10m, got .*a single wait may be at most 10m/);
  });

  it('burst-past-end.yaml is refused: a burst long after the end of the run', () => {
    const r = refusal('burst-past-end.yaml');
    expect(r.path).toBe('buyers[0].burst.at');
    expect(r.message).toMatch(/^expected at most .* drain horizon\), got 2400000h$/);
  });

  it.each(['settle-storm.yaml', 'settle-storm-250ms.yaml', 'settle-storm-100us.yaml'])('%s is refused: a retry wait shorter than step_timeout', (name) => {
    const r = refusal(name);
    expect(r.path).toBe('settlement.retry_backoff_max');
    expect(r.message).toMatch(/^expected at least step_timeout .*a storm of messages/);
  });

  it('settle-storm-1ms.yaml is refused: a step timeout of 1ms, shorter than a round trip to the clearing house', () => {
    const r = refusal('settle-storm-1ms.yaml');
    expect(r.path).toBe('settlement.step_timeout');
    expect(r.message).toMatch(/^must be at least twice the clearing house's slow answer, 5ms/);
  });

  it.each(['audit-surrogate.ndjson', 'audit-infinity.ndjson', 'audit-deep.ndjson'])('audit verify finds %s tampered at line 1, without a crash', (name) => {
    const finding = verifyAuditLog(read(name).split('\n'));
    expect(finding).toEqual({ ok: false, line: 1, problem: 'a entry 0 was altered: its message has no canonical JSON form' });
  });
});
