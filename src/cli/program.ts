/**
 * The a2a-sim command line: a thin layer over runSimulation. Started by main.ts, which loads it
 * from its bundle when there is a current one.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { auditVerifyCommand } from './audit.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { runCommand } from './run.js';
import { swarmCommand } from './swarm.js';
import { validateCommand } from './validate.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  a budget was breached (run, swarm), or the audit log was tampered with (audit verify)
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
    .description('run a scenario: print a summary table, write report.json and summary.md')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--seed <n>', "seed (integer or word); overrides the scenario's seed")
    .option('--workers <n>', 'worker threads: 0 runs inline, N runs the organisations on N threads, auto = one per core (results are identical for any value)')
    .option('--out <dir>', 'output folder (default: reports/<scenario name>/)')
    .option('--trace <file>', 'write an NDJSON trace with virtual time: one line per message delivered, dropped or rejected, and per discovery, execution and audit entry')
    .option('--audit <file>', 'write the audit trail as NDJSON: every entry of every agent\'s hash chain, then the chain heads and Merkle root')
    .option('--json', 'print the report as JSON instead of tables')
    .option('--allow-large', 'run even when the size estimate says the run would not fit in memory')
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
    .option('--json', 'print every seed\'s outcome as JSON')
    .option('--allow-large', 'run even when the size estimate says one seed\'s run would not fit in memory')
    .addOption(new Option('--no-progress', 'never show the progress line'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, opts) => setExit(await swarmCommand(file, opts)));

  cli
    .command('validate')
    .description('check scenario files without running them; every problem is listed with its path')
    .argument('<scenario...>', 'scenario files')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((files: string[]) => setExit(validateCommand(files)));

  const audit = cli.command('audit').description('audit trail tools');
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
