/**
 * The external-agent benchmark: scenarios/bench-external.yaml (1,000 concurrent negotiations of
 * up to 20 rounds) over the loopback gateway against a store process that answers at once
 * (bench/external-store.ts), beside the same market with that store in process (a linear store
 * of 20 rounds). Prints wall seconds, messages/s, and the wall-clock round trip and reply latency
 * of the gateway (p50, p99).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Gateway } from '../src/gateway/server.js';
import { validate } from '../src/scenario/load.js';
import { runSimulationAsync } from '../src/simulation.js';

const file = process.argv[2] ?? 'scenarios/bench-external.yaml';
const data = parse(readFileSync(file, 'utf8')) as Record<string, any>;
const planOf = (d: unknown) => {
  const parsed = validate(d);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
};
const external = planOf(data);
const ext = data.external[0];
// The same market with the store in process: what a simulated store does in its place.
const inProcess = planOf({
  ...data,
  external: [],
  stores: [{ organisation: ext.organisation, agents: ext.agents, categories: ext.categories, margin: 0.33, floor_margin: 0.07, quote_validity: '30s', stock: { 'W-1': 1_000_000 }, strategy: { kind: 'linear', max_rounds: 20 }, capacity: { servers: 1000, service_time: '0us' } }],
});

const t0 = performance.now();
const local = await runSimulationAsync(inProcess);
const localS = (performance.now() - t0) / 1000;

const gateway = await Gateway.listen({ plan: external, port: 0 });
const store = spawn(process.execPath, [fileURLToPath(new URL('./external-store.js', import.meta.url)), gateway.url, ext.organisation], { stdio: 'inherit' });
const missing = await gateway.waitForAgents(30_000);
if (missing.length > 0) throw new Error(`the benchmark store did not connect: ${missing.join(', ')}`);
const t1 = performance.now();
const remote = await runSimulationAsync(external, { external: gateway });
const remoteS = (performance.now() - t1) / 1000;
await gateway.close(remote.results.virtual_end_us, 'benchmark over');
await new Promise((resolve) => store.on('close', resolve));

const g = gateway.stats.report();
const ms = (us: number | null) => (us === null ? '–' : `${(us / 1000).toFixed(3)} ms`);
const row = (label: string, r: typeof local, s: number, rt: string, rl: string) => {
  const m = r.results.messages.delivered;
  return `${label.padEnd(26)} ${String(r.results.negotiation.count).padStart(6)} negotiations ${r.results.negotiation.rounds?.mean?.toFixed?.(1) ?? ''} ${String(m).padStart(8)} messages ${s.toFixed(2).padStart(7)} s ${Math.round(m / s).toLocaleString('en-US').padStart(9)} messages/s   ${rt}   ${rl}`;
};
process.stdout.write(`${file}: 1,000 concurrent negotiations, up to 20 rounds (figures of this machine and this run)\n`);
process.stdout.write(`${row('in process', local, localS, '', '')}\n`);
process.stdout.write(`${row('external store (loopback)', remote, remoteS, `round trip p50 ${ms(g.round_trip.p50_us)} p99 ${ms(g.round_trip.p99_us)}`, `reply latency p50 ${ms(g.reply_latency.p50_us)} p99 ${ms(g.reply_latency.p99_us)}`)}\n`);
