/**
 * `a2a-sim run scenarios/quickstart.yaml`: the summary, report files, determinism, --json and the
 * NDJSON trace of all seven flow steps. The scenario runs three times (in parallel) and every
 * test reads from those runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidTraceLine } from '../../src/broker/trace.js';
import { allKeys, allStrings, cleanup, loadScenarioData, makeTmp, quickstartFile, readJson, readTrace, runCli, type CliResult } from './helpers.js';

const OTHER_SEED = '43';

let tmp: string;
/** run A: tables on stdout, --trace */
let a: CliResult;
/** run B: same scenario and seed as A, with --json and --trace */
let b: CliResult;
/** run C: --seed OTHER_SEED */
let c: CliResult;
let reportA: any;
let reportB: any;
let reportC: any;
let traceA: any[];

const outA = () => join(tmp, 'out-a');
const outB = () => join(tmp, 'out-b');
const outC = () => join(tmp, 'out-c');
const traceFileA = () => join(tmp, 'trace-a.ndjson');
const traceFileB = () => join(tmp, 'trace-b.ndjson');

beforeAll(async () => {
  tmp = makeTmp('quickstart');
  [a, b, c] = await Promise.all([
    runCli(['run', quickstartFile, '--out', outA(), '--trace', traceFileA()]),
    runCli(['run', quickstartFile, '--out', outB(), '--trace', traceFileB(), '--json']),
    runCli(['run', quickstartFile, '--out', outC(), '--seed', OTHER_SEED]),
  ]);
  for (const [name, r] of [['A', a], ['B', b], ['C', c]] as const) {
    if (r.status !== 0 && r.status !== 1) throw new Error(`run ${name} exited ${r.status} (${r.signal}):\n${r.stderr}`);
  }
  reportA = readJson(join(outA(), 'report.json'));
  reportB = readJson(join(outB(), 'report.json'));
  reportC = readJson(join(outC(), 'report.json'));
  traceA = readTrace(traceFileA());
});

afterAll(() => cleanup(tmp));

describe('run scenarios/quickstart.yaml --out DIR', () => {
  it('exits 0 with no budget breached', () => {
    expect(a.stderr).not.toMatch(/budget breached/);
    expect(a.status).toBe(0);
  });

  it('prints the summary tables on stdout', () => {
    expect(a.stdout).toContain('quickstart');
    expect(a.stdout).toMatch(/negotiations/);
    expect(a.stdout).toMatch(/settlement/);
    expect(a.stdout).toMatch(/breaker/);
    expect(a.stdout).toContain('report.json');
  });

  it('writes report.json and summary.md into the --out folder', () => {
    expect(existsSync(join(outA(), 'report.json'))).toBe(true);
    const md = readFileSync(join(outA(), 'summary.md'), 'utf8');
    expect(md.length).toBeGreaterThan(0);
    expect(md).toContain('quickstart');
    expect(md).toMatch(/settlement/i);
  });

  it('report.json holds results and, apart, wallclock', () => {
    expect(reportA.results).toBeTypeOf('object');
    expect(reportA.wallclock).toBeTypeOf('object');
    expect(reportA.results.scenario).toBe('quickstart');
    expect(reportA.results.seed).toBe(42);
    expect(reportA.results.negotiation.count).toBeGreaterThan(0);
    expect(reportA.wallclock.elapsed_ms).toBeTypeOf('number');
    expect(reportA.wallclock.node).toBe(process.versions.node);
    expect(Array.isArray(reportA.budgets)).toBe(true);
    expect(reportA.passed).toBeTypeOf('boolean');
  });

  it('results contain no wall-clock figures', () => {
    const keys = allKeys(reportA.results);
    for (const k of Object.keys(reportA.wallclock)) expect(keys, `results has wallclock key "${k}"`).not.toContain(k);
    for (const k of keys) {
      expect(k, `results key "${k}" looks like a wall-clock figure`).not.toMatch(/(^|_)(elapsed|rss|started|wall|per_s)(_|$)/);
    }
    // No timestamp of the real day of the run leaks into results.
    const today = String(reportA.wallclock.started_at).slice(0, 10);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(allStrings(reportA.results).filter((s) => s.includes(today))).toEqual([]);
  });

  it('records every step of the flow in results', () => {
    const r = reportA.results;
    expect(r.flow.discoveries).toBeGreaterThan(0);
    expect(r.flow.executions).toBeGreaterThan(0);
    expect(r.settlement.deals).toBeGreaterThan(0);
    expect(r.negotiation.succeeded).toBe(r.negotiation.outcomes.succeeded);
    expect(r.negotiation.succeeded + r.negotiation.failed).toBe(r.negotiation.count);
    // The quickstart runs SKUs short on purpose.
    expect(r.errors.by_code.out_of_stock).toBeGreaterThan(0);
  });

  it('latency summaries are consistent: p50 <= p90 <= p99 <= max, and counts match', () => {
    const r = reportA.results;
    for (const [name, l] of [['negotiation', r.negotiation.latency], ['settlement', r.settlement.latency]] as const) {
      expect(l.count, name).toBeGreaterThan(0);
      expect(l.p50_us, name).toBeLessThanOrEqual(l.p90_us);
      expect(l.p90_us, name).toBeLessThanOrEqual(l.p99_us);
      expect(l.p99_us, name).toBeLessThanOrEqual(l.max_us);
      expect(l.mean_us, name).toBeLessThanOrEqual(l.max_us);
    }
    expect(r.negotiation.latency.count).toBe(r.negotiation.count);
    expect(r.settlement.latency.count).toBe(r.settlement.deals);
  });
});

describe('determinism', () => {
  it('the same scenario and seed give byte-identical results', () => {
    expect(JSON.stringify(reportB.results)).toBe(JSON.stringify(reportA.results));
    expect(reportB.budgets).toEqual(reportA.budgets);
  });

  it('the same scenario and seed give byte-identical traces', () => {
    const ta = readFileSync(traceFileA());
    const tb = readFileSync(traceFileB());
    expect(ta.length).toBeGreaterThan(0);
    expect(ta.equals(tb)).toBe(true);
  });

  it('a different --seed gives different results', () => {
    expect(reportC.results.seed).toBe(Number(OTHER_SEED));
    expect(JSON.stringify(reportC.results)).not.toBe(JSON.stringify(reportA.results));
    const { seed: _a, ...restA } = reportA.results;
    const { seed: _c, ...restC } = reportC.results;
    expect(JSON.stringify(restC)).not.toBe(JSON.stringify(restA));
  });
});

describe('--json', () => {
  it('prints the whole report as parsable JSON on stdout and nothing else', () => {
    const printed = JSON.parse(b.stdout);
    expect(printed.format).toBe(reportB.format);
    expect(printed.results).toEqual(reportB.results);
    expect(printed.budgets).toEqual(reportB.budgets);
    expect(printed.wallclock).toBeTypeOf('object');
    expect(b.stdout).not.toContain('┌');
  });
});

describe('--trace FILE', () => {
  const messages = (type: string, event = 'delivered') =>
    traceA.filter((l) => l.event === event && l.message?.type === type);

  it('writes NDJSON: every line is a JSON object with an integer virtual time and a known event', () => {
    expect(traceA.length).toBeGreaterThan(0);
    const text = readFileSync(traceFileA(), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    for (const l of traceA) {
      expect(Number.isSafeInteger(l.vt_us) && l.vt_us >= 0).toBe(true);
      expect(['delivered', 'dropped', 'rejected', 'discovery', 'execution', 'audit', 'keys']).toContain(l.event);
    }
  });

  it('every delivered, dropped, discovery and execution line validates against ValidTraceLine', () => {
    const checked = traceA.filter((l) => ['delivered', 'dropped', 'discovery', 'execution'].includes(l.event));
    expect(checked.length).toBeGreaterThan(0);
    const bad = checked
      .map((l, i) => ({ i, r: ValidTraceLine.safeParse(l) }))
      .filter(({ r }) => !r.success)
      .slice(0, 3)
      .map(({ i, r }) => `${JSON.stringify(checked[i]).slice(0, 300)}\n  ${r.error?.message.slice(0, 500)}`);
    expect(bad).toEqual([]);
  });

  it('virtual times never decrease', () => {
    let previous = -1;
    const backwards: number[] = [];
    traceA.forEach((l, i) => {
      if (l.vt_us < previous) backwards.push(i + 1);
      previous = Math.max(previous, l.vt_us);
    });
    expect(backwards).toEqual([]);
  });

  it('line counts match the report (delivered, dropped, rejected, discoveries, executions)', () => {
    const r = reportA.results;
    const count = (event: string) => traceA.filter((l) => l.event === event).length;
    expect(count('delivered')).toBe(r.messages.delivered);
    expect(count('dropped')).toBe(r.messages.dropped);
    expect(count('rejected')).toBe(r.messages.invalid);
    expect(count('discovery')).toBe(r.flow.discoveries);
    expect(count('execution')).toBe(r.flow.executions);
  });

  it('step 1, discovery: buyers find store profiles whose A2A transport offers negotiation', () => {
    const discoveries = traceA.filter((l) => l.event === 'discovery');
    expect(discoveries.length).toBeGreaterThan(0);
    for (const d of discoveries) {
      expect(d.discovery.profiles.length).toBeGreaterThan(0);
      for (const p of d.discovery.profiles) {
        expect(p.categories).toContain(d.discovery.category);
        expect(p.transports.a2a.capabilities).toContain('negotiation');
      }
    }
  });

  it('step 2, intent: intents are delivered, and each buyer discovered stores before its first intent', () => {
    const intents = messages('a2a.commerce.intent');
    expect(intents.length).toBeGreaterThan(0);
    const firstDiscovery = new Map<string, number>();
    for (const l of traceA) {
      if (l.event === 'discovery' && !firstDiscovery.has(l.discovery.agent)) firstDiscovery.set(l.discovery.agent, l.vt_us);
    }
    for (const l of intents) {
      const found = firstDiscovery.get(l.message.from.identifier);
      expect(found, `${l.message.from.identifier} sent an intent without a discovery`).toBeDefined();
      expect(found!).toBeLessThanOrEqual(l.vt_us);
    }
  });

  it('step 3, quote: stores answer intents with quotes', () => {
    expect(messages('a2a.commerce.quote').length).toBeGreaterThan(0);
  });

  it('out_of_stock errors carry alternatives from the same category', () => {
    const categories: any[] = loadScenarioData(quickstartFile).market.categories;
    const categoryOf = new Map<string, string>();
    for (const c of categories) for (const k of c.skus) categoryOf.set(k.sku, c.name);
    const outOfStock = messages('a2a.commerce.error').filter((l) => l.message.payload.code === 'out_of_stock');
    expect(outOfStock.length).toBeGreaterThan(0);
    for (const l of outOfStock) {
      expect(l.message.payload.alternatives?.length).toBeGreaterThan(0);
      const cats = new Set(l.message.payload.alternatives.map((alt: any) => categoryOf.get(alt.sku)));
      expect(cats.size).toBe(1);
      expect(cats.has(undefined)).toBe(false);
    }
  });

  it('step 4, negotiation: counters are answered by quotes that replace an earlier quote', () => {
    const counters = messages('a2a.commerce.counter');
    expect(counters.length).toBeGreaterThan(0);
    const quoteIds = new Set<string>();
    let replacing = 0;
    for (const l of traceA) {
      if (l.event !== 'delivered' || l.message.type !== 'a2a.commerce.quote') continue;
      const p = l.message.payload;
      if (p.replaces !== undefined) {
        replacing++;
        expect(quoteIds.has(p.replaces), `quote ${p.quote_id} replaces unknown quote ${p.replaces}`).toBe(true);
      }
      quoteIds.add(p.quote_id);
    }
    expect(replacing).toBeGreaterThan(0);
  });

  it('step 5, accept: the transaction hash is sha256 of the canonical JSON of the accepted quote', () => {
    const accepts = messages('a2a.commerce.accept');
    expect(accepts.length).toBeGreaterThan(0);
    const quotes = new Map<string, unknown>();
    for (const l of messages('a2a.commerce.quote')) quotes.set(l.message.payload.quote_id, l.message.payload);
    let checked = 0;
    for (const l of accepts) {
      const quote = quotes.get(l.message.payload.quote_id);
      if (quote === undefined) continue; // the quote itself was lost in the network
      const hash = `sha256:${createHash('sha256').update(canonicalize(quote)!).digest('hex')}`;
      expect(l.message.payload.mandate_proof.transaction_hash).toBe(hash);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('step 6, execution: each execution follows an accept of the same quote with the same hash', () => {
    const executions = traceA.filter((l) => l.event === 'execution');
    expect(executions.length).toBeGreaterThan(0);
    const accepted = new Map<string, { vt: number; hash: string }>();
    for (const l of traceA) {
      if (l.event === 'delivered' && l.message.type === 'a2a.commerce.accept' && !accepted.has(l.message.payload.quote_id)) {
        accepted.set(l.message.payload.quote_id, { vt: l.vt_us, hash: l.message.payload.mandate_proof.transaction_hash });
      }
    }
    for (const e of executions) {
      const acc = accepted.get(e.execution.quote_id);
      expect(acc, `execution of ${e.execution.quote_id} without an accept`).toBeDefined();
      expect(acc!.vt).toBeLessThanOrEqual(e.vt_us);
      expect(e.execution.transaction_hash).toBe(acc!.hash);
    }
  });

  it('step 7, receipt: the store confirms and the buyer returns the confirmation as acknowledged', () => {
    const confirmations = messages('a2a.commerce.confirmation');
    const confirmed = confirmations.filter((l) => l.message.payload.status === 'confirmed');
    const acknowledged = confirmations.filter((l) => l.message.payload.status === 'acknowledged');
    expect(confirmed.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    const byOrder = new Map<string, any>(confirmed.map((l) => [l.message.payload.order_id, l]));
    for (const ack of acknowledged) {
      const conf = byOrder.get(ack.message.payload.order_id);
      expect(conf, `acknowledgement of unknown order ${ack.message.payload.order_id}`).toBeDefined();
      // Both sides hold it: the buyer that received the confirmation sends it back to the store.
      expect(ack.message.from.identifier).toBe(conf.message.to.identifier);
      expect(ack.message.to.identifier).toBe(conf.message.from.identifier);
      expect(ack.message.payload.totals).toEqual(conf.message.payload.totals);
      expect(ack.vt_us).toBeGreaterThanOrEqual(conf.vt_us);
    }
  });
});
