/**
 * Runs one scenario inline in this process and prints one JSON line of figures. Used by
 * bench/run.ts, which starts a fresh process per measurement so peak RSS belongs to one run.
 */
import { readFileSync } from 'node:fs';
import { parseScenarioText, formatProblems } from '../src/scenario/load.js';
import { runSimulation } from '../src/simulation.js';

const [file, seedArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/measure.js <scenario> [seed]\n');
  process.exit(2);
}
const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
if (!parsed.ok) {
  process.stderr.write(`${formatProblems(file, parsed.problems)}\n`);
  process.exit(2);
}
const t0 = performance.now();
const { results } = runSimulation(parsed.plan, seedArg !== undefined ? { seed: Number(seedArg) } : {});
const seconds = (performance.now() - t0) / 1000;
const validated = results.messages.delivered + results.messages.invalid;
process.stdout.write(
  `${JSON.stringify({
    scenario: results.scenario,
    negotiations: results.negotiation.count,
    success_rate: results.negotiation.success_rate,
    validated_messages: validated,
    events: results.events,
    seconds,
    messages_per_s: validated / seconds,
    negotiations_per_s: results.negotiation.count / seconds,
    events_per_s: results.events / seconds,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
