/**
 * The reference workload of ../shared/reference/negmas at scale: 10,000 bilateral negotiations
 * (scenarios/bench-bilateral.yaml: NegMAS's time-based Boulware buyer against its Conceder seller, 20 steps), each a full A2A
 * conversation of validated messages (intent, quotes, counters, accept, confirmations), inline.
 * Prints one JSON line. Every negotiation must end as the reference run does (agreement at 26
 * cents): the count of such deals is checked, so the figure is of the real work.
 *
 *   node dist/bench/negmas.js [negotiations]
 */
import { readFileSync } from 'node:fs';
import { parseScenarioText } from '../src/scenario/load.js';
import { runSimulation } from '../src/simulation.js';
import { startAllocationMeter } from './allocation.js';

const file = 'scenarios/bench-bilateral.yaml';
const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
if (!parsed.ok) throw new Error(`${file} does not parse`);
const negotiations = Number(process.argv[2] ?? parsed.plan.buyers[0]!.burst!.negotiations);
const plan = { ...parsed.plan, buyers: parsed.plan.buyers.map((b) => ({ ...b, burst: { at: 0, negotiations } })) };

const t0 = performance.now();
const meter = startAllocationMeter();
const { results: r } = runSimulation(plan);
const allocated = meter.stop();
const seconds = (performance.now() - t0) / 1000;
const expectedValue = (negotiations * 26) / 100;
if (r.negotiation.count !== negotiations || r.negotiation.succeeded !== negotiations || Number(r.settlement.value) !== expectedValue) {
  throw new Error(`expected ${negotiations} deals at 0.26 each, got ${r.negotiation.succeeded} of ${r.negotiation.count} worth ${r.settlement.value}`);
}
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({
    negotiations,
    validated_messages: r.messages.delivered + r.messages.invalid,
    seconds,
    cpu_seconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    negotiations_per_s: negotiations / seconds,
    bytes_per_message: allocated.bytes / (r.messages.delivered + r.messages.invalid),
  })}\n`,
);
