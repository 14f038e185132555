/** `a2a-sim run`: runs one scenario, prints the summary, writes report.json and summary.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, type Wallclock } from '../report/report.js';
import { renderMarkdown } from '../report/markdown.js';
import { ProgressReporter } from '../report/progress.js';
import { renderSummary } from '../report/table.js';
import { TraceWriter } from '../report/trace-writer.js';
import { RunInvariantViolation, runSimulation, type Reporter } from '../simulation.js';
import { ExitCode } from './exit-codes.js';
import { loadScenarioFile, parseSeed } from './scenario-file.js';

export interface RunCommandOptions {
  seed?: string;
  out?: string;
  trace?: string;
  json?: boolean;
  progress?: boolean;
}

export function runCommand(file: string, opts: RunCommandOptions): number {
  const plan = loadScenarioFile(file);
  const seed = opts.seed !== undefined ? parseSeed(opts.seed) : plan.seed;
  const outDir = opts.out ?? join('reports', plan.name);
  const reporters: Reporter[] = [];
  const trace = opts.trace ? new TraceWriter(opts.trace) : undefined;
  if (trace) reporters.push(trace);
  if (opts.progress !== false && process.stderr.isTTY) reporters.push(new ProgressReporter());

  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let result;
  try {
    result = runSimulation(plan, { seed, reporters });
  } catch (err) {
    if (err instanceof RunInvariantViolation) {
      process.stderr.write(
        `invariant violated: ${err.message}\n  seed: ${err.seed}\n  virtual time: ${err.virtualUs} µs\n  replay: a2a-sim run ${file} --seed ${err.seed}\n`,
      );
      return ExitCode.invariantViolated;
    }
    throw err;
  } finally {
    trace?.close();
  }
  const elapsedMs = performance.now() - t0;
  const r = result.results;
  const perSecond = (n: number) => Math.round(n / Math.max(elapsedMs / 1000, 1e-9));
  const wallclock: Wallclock = {
    started_at: startedAt,
    elapsed_ms: Math.round(elapsedMs),
    events_per_s: perSecond(r.events),
    messages_per_s: perSecond(r.messages.delivered + r.messages.invalid),
    negotiations_per_s: perSecond(r.negotiation.count),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    node: process.versions.node,
    workers: 0,
  };
  const report = buildReport(file, result, wallclock);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'summary.md'), renderMarkdown(report));

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderSummary(result)}\n`);
    process.stdout.write(`report: ${join(outDir, 'report.json')}, ${join(outDir, 'summary.md')}${opts.trace ? `, trace: ${opts.trace} (${trace!.lines} lines)` : ''}\n`);
    process.stdout.write(`wall clock ${(elapsedMs / 1000).toFixed(2)}s, ${wallclock.messages_per_s.toLocaleString('en-US')} messages/s\n`);
  }
  const breached = result.budgets.filter((b) => !b.passed);
  for (const b of breached) {
    process.stderr.write(`budget breached: ${b.expression} (value: ${b.value === null ? 'no data' : b.value})\n`);
  }
  return breached.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
}
