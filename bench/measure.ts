/**
 * Runs one scenario in this process (inline, or on N worker threads) and prints one JSON line of
 * figures. Used by bench/run.ts, which starts a fresh process per measurement so peak RSS
 * belongs to one run.
 */
import { readFileSync } from 'node:fs';
import { parseScenarioText, formatProblems } from '../src/scenario/load.js';
import { runParallel } from '../src/run/parallel.js';
import { runSimulation } from '../src/simulation.js';
import { startAllocationMeter } from './allocation.js';

const [file, workersArg, signingArg, shareArg] = process.argv.slice(2);
const workers = Number(workersArg ?? 0);
if (!file || !Number.isInteger(workers)) {
  process.stderr.write('usage: node dist/bench/measure.js <scenario> [workers] [signing|-] [share of the run]\n');
  process.exit(2);
}
const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
if (!parsed.ok) {
  process.stderr.write(`${formatProblems(file, parsed.problems)}\n`);
  process.exit(2);
}
// An optional third argument overrides security.signing (off | eddsa | es256; - keeps it).
const SIGNING = ['off', 'eddsa', 'es256', '-'];
if (signingArg !== undefined && !SIGNING.includes(signingArg)) {
  process.stderr.write(`signing must be one of ${SIGNING.join(', ')} (- keeps the scenario's), got ${signingArg}\n`);
  process.exit(2);
}
const signed = signingArg && signingArg !== '-' ? { ...parsed.plan, security: { ...parsed.plan.security, signing: signingArg as 'off' | 'eddsa' | 'es256' } } : parsed.plan;
// An optional fourth argument runs only the first part of the scenario (0.1: its first tenth).
const share = shareArg === undefined ? 1 : Number(shareArg);
if (!(share > 0 && share <= 1)) {
  process.stderr.write(`the share of the run must be in (0, 1], got ${shareArg}\n`);
  process.exit(2);
}
const plan = share === 1 ? signed : { ...signed, duration: Math.round(signed.duration * share) };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// bytes allocated on this thread's heap: the whole run's when inline
const meter = startAllocationMeter();
// As `a2a-sim run --workers N`: threads found slower than one go inline (MEASURE_FALLBACK=0 holds them).
const fallback = process.env.MEASURE_FALLBACK !== '0';
const { results, sync, fallback: fellBack } = workers === 0 ? runSimulation(plan) : await runParallel(plan, { workers, fallback });
const allocated = meter.stop();
const seconds = (performance.now() - t0) / 1000;
// user + system time of every thread of this process: steadier than wall time on a shared machine
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const validated = results.messages.delivered + results.messages.invalid;
process.stdout.write(
  `${JSON.stringify({
    scenario: results.scenario,
    workers,
    signing: results.security.signing,
    signed: results.security.messages_signed,
    verified: results.security.signatures_verified,
    audit_root: results.audit?.merkle_root ?? null,
    negotiations: results.negotiation.count,
    success_rate: results.negotiation.success_rate,
    validated_messages: validated,
    events: results.events,
    seconds,
    cpu_seconds: cpuSeconds,
    messages_per_s: validated / seconds,
    negotiations_per_s: results.negotiation.count / seconds,
    events_per_s: results.events / seconds,
    bytes_per_message: workers === 0 ? allocated.bytes / validated : null,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    ...(sync ? { threads: sync } : {}),
    ...(fellBack ? { fallback: fellBack } : {}),
  })}\n`,
);
