/**
 * The a2a-sim command line: a thin layer over runSimulation. Started by main.ts, which loads it
 * from its bundle when there is a current one.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { auditVerifyCommand } from './audit.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { compareCommand } from './compare.js';
import { swarmCommand } from './swarm.js';
import { tournamentCommand } from './tournament.js';
import { mergeCommand } from './merge.js';
import { validateCommand } from './validate.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  a budget was breached (run, swarm), a metric regressed (compare), a threshold failed (tournament),
     or the audit log was tampered with (audit verify)
  2  bad usage or invalid input (nothing was run)
  3  an invariant was violated (the seed and virtual time are printed)
  4  internal error`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function program(setExit: (code: number) => void): Command {
  const cli = new Command('a2a-sim')
    .description('Deterministic simulator of agent-to-agent commerce: buyer and store agents negotiate and settle over A2A messages.')
    .version(version())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  cli
    .command('run')
    .description('run a scenario: print a summary table, write report.json, summary.md and report.html')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--seed <n>', "seed (integer or word); overrides the scenario's seed")
    .option('--workers <n>', 'worker threads: 0 runs inline, N runs the organisations on N threads, auto = one per core when a lookahead holds enough work, else inline (results are identical for any value; default: the scenario\'s workers:, else 0)')
    .option('--no-fallback', 'keep the worker threads to the end (by default a run without --trace or --audit races them against inline over its first 0.3 s and goes on with the faster)')
    .option('--out <dir>', 'output folder (default: reports/<scenario name>/)')
    .option('--trace <file>', 'write an NDJSON trace with virtual time: one line per message delivered, dropped or rejected, and per discovery, execution and audit entry')
    .option('--audit <file>', 'write the audit trail as NDJSON: every entry of every agent\'s hash chain, then the chain heads and Merkle root')
    .option('--json', 'print the report as JSON instead of tables')
    .option('--strict', 'end the run at the first strategy error (exit 4) instead of ending only its negotiation')
    .option('--no-html', 'do not write report.html')
    .option('--check-determinism', 'run the scenario a second time on another number of worker threads and name the first difference in the results (exit 1 if any)')
    .option('--junit <file>', 'write JUnit XML: one testcase per budget, a failure for each breached, with its replay command')
    .option('--markdown <file>', 'write the summary as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--allow-large', 'run even when the size estimate says the run would not fit in memory')
    .option('--listen <host:port>', 'external organisations: serve the gateway there (WebSocket, loopback by default; port 0 picks one; the URL goes to stderr)')
    .option('--connect-timeout <duration>', 'external organisations: how long to wait for every agent to connect (default 30s)')
    .option('--record <file>', 'external organisations: write every answer their agents gave, with its virtual time')
    .option('--replay <file>', 'external organisations: answer for their agents from a recording (no agents needed)')
    .addOption(new Option('--no-progress', 'never show the progress line'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, opts) => setExit(await runCommand(file, opts)));

  cli
    .command('swarm')
    .description('run a scenario under many seeds (each draws its own faults from the ranges); exit 3 if any seed breaks an invariant')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--seeds <n>', 'number of seeds', '100')
    .option('--first-seed <n>', 'first seed; the others follow it', '1')
    .option('--workers <n>', 'worker threads running seeds side by side: 0 = one after another in this thread, auto = one per core', 'auto')
    .option('--out <dir>', 'write swarm.json (every seed\'s budget metrics and deals, and statistics across seeds), summary.md and report.html there')
    .option('--no-html', 'do not write report.html')
    .option('--json', 'print the swarm report (as swarm.json) instead of tables')
    .option('--junit <file>', 'write JUnit XML: one testcase per budget (failing with the seeds that breached it) and one for the invariants')
    .option('--markdown <file>', 'write the swarm summary as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--allow-large', 'run even when the size estimate says one seed\'s run would not fit in memory')
    .option('--shard <I/N>', 'run only shard I of N (a pure function of the seeds: the same runs on any machine) and write a partial result for `a2a-sim merge`')
    .addOption(new Option('--no-progress', 'never show the progress line'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, opts) => setExit(await swarmCommand(file, opts)));

  cli
    .command('compare')
    .description('compare a candidate scenario with a baseline over the same seeds: per metric the change, its confidence interval and a verdict; exit 1 if any metric regressed')
    .argument('<baseline>', 'baseline scenario file, or a saved baseline (.json, written by --save-baseline)')
    .argument('<candidate>', 'candidate scenario file')
    .option('--seeds <n>', 'number of seeds (default 30)')
    .option('--first-seed <n>', 'first seed; the others follow it (default 1)')
    .option('--workers <n>', 'worker threads running seeds side by side: 0 = one after another in this thread, auto = one per core', 'auto')
    .option('--threshold <expr>', 'a regression threshold, e.g. "negotiation.success_rate: -1%" (repeatable; beside the scenarios\' regression lists)', (v: string, all: string[] = []) => [...all, v])
    .option('--confidence <level>', 'confidence level of the intervals (default 0.95)')
    .option('--save-baseline <file>', "write the baseline's per-seed figures, to compare against later without running it")
    .option('--junit <file>', 'write JUnit XML: one testcase per compared metric, a failure for each that regressed')
    .option('--markdown <file>', 'write the comparison as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--out <dir>', 'write compare.json, summary.md and report.html there')
    .option('--no-html', 'do not write report.html')
    .option('--json', 'print the comparison as JSON instead of tables')
    .option('--shard <I/N>', 'run only shard I of N (a pure function of the seeds: the same runs on any machine) and write a partial result for `a2a-sim merge`')
    .addOption(new Option('--no-progress', 'never show the progress line'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (baseline: string, candidate: string, opts) => setExit(await compareCommand(baseline, candidate, opts)));

  cli
    .command('tournament')
    .description('run a tournament: every competitor (strategy) against every other in each scenario and seed; a ranking by NegMAS\'s scores, a per-pair matrix, every run as CSV and JSON; exit 1 if a threshold fails')
    .argument('<tournament>', 'tournament file (.yaml, .yml or .json; see docs/tournaments.md)')
    .option('--workers <n>', 'worker threads running runs side by side: 0 = one after another in this thread, auto = one per core', 'auto')
    .option('--out <dir>', 'write runs.ndjson (each run as it finishes; a rerun skips them), tournament.json, runs.csv, summary.md and report.html there (default: reports/tournament-<name>/)')
    .option('--no-html', 'do not write report.html')
    .option('--json', 'print the tournament report (as tournament.json) instead of tables')
    .option('--junit <file>', 'write JUnit XML: one testcase per threshold, and one that every run finished')
    .option('--markdown <file>', 'write the ranking and matrix as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--shard <I/N>', 'run only shard I of N (a pure function of the seeds: the same runs on any machine) and write a partial result for `a2a-sim merge`')
    .addOption(new Option('--no-progress', 'never show the progress line'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, opts) => setExit(await tournamentCommand(file, opts)));

  cli
    .command('merge')
    .description('join the partial results of swarm, compare or tournament shards (--shard I/N) into the report one machine would write, and write every output; missing or duplicated shards exit 2')
    .argument('<partials...>', 'partial result files, one per shard')
    .option('--out <dir>', 'write the report files there (swarm.json, compare.json or tournament.json, summary.md, report.html, and runs.csv for a tournament)')
    .option('--no-html', 'do not write report.html')
    .option('--json', 'print the merged report as JSON instead of tables')
    .option('--junit <file>', 'write JUnit XML, as the unsplit command does')
    .option('--markdown <file>', 'write the Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((files: string[], opts) => setExit(mergeCommand(files, opts)));

  cli
    .command('report')
    .description('write the HTML report (charts, self-contained) of an earlier run, swarm, comparison or tournament from its JSON')
    .argument('<report.json>', 'report.json written by run, swarm.json by swarm --out, compare.json by compare --out, or tournament.json by tournament')
    .option('--out <file>', 'the HTML file to write (default: report.html beside the JSON file)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((file: string, opts: { out?: string }) => setExit(reportCommand(file, opts)));

  cli
    .command('validate')
    .description('check scenario files without running them; every problem is listed with its path')
    .argument('<scenario...>', 'scenario files')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (files: string[]) => setExit(await validateCommand(files)));

  const audit = cli.command('audit').description('audit trail tools').addHelpText('after', EXIT_CODES_HELP);
  audit
    .command('verify')
    .description('recompute an audit log (or a trace): exit 0 when intact, 1 with the first altered, removed or reordered entry')
    .argument('<file>', 'audit log written by run --audit, or a trace written by run --trace')
    .option('--root <hex>', 'the Merkle root the log must have (e.g. results.audit.merkle_root of report.json)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((file: string, opts: { root?: string }) => setExit(auditVerifyCommand(file, opts)));

  return cli;
}

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const cli = program((c) => (code = c));
  cli.exitOverride();
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  cli.commands.forEach(override);
  try {
    await cli.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; anything else is bad usage.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.ok : ExitCode.badInput;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    // The system refused a read or write (a full disk, an I/O error): what it said is the news, not our stack.
    const syscall = (err as NodeJS.ErrnoException | undefined)?.syscall;
    if (typeof syscall === 'string' && typeof (err as NodeJS.ErrnoException).code === 'string') {
      process.stderr.write(`system error: ${(err as Error).message}\n`);
      return ExitCode.internalError;
    }
    process.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.internalError;
  }
}

// A closed pipe (e.g. `a2a-sim run … | head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main(process.argv);
