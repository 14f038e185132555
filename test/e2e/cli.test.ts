/** Usage of the command itself: help, unknown commands and options, --seed, outputs that cannot be written, and `validate`. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_SCENARIO,
  cleanup,
  edit,
  isEmptyOrMissing,
  makeTmp,
  quickstartFile,
  runCli,
  volatilityFile,
  writeText,
  type CliResult,
} from './helpers.js';

const EXIT_CODES = /Exit codes:[\s\S]*\b0\b[\s\S]*\b1\b[\s\S]*\b2\b[\s\S]*\b3\b[\s\S]*\b4\b/;

let tmp: string;
let badFile: string;
const runs: Record<string, CliResult> = {};
const out = (key: string) => join(tmp, `out-${key}`);

beforeAll(async () => {
  tmp = makeTmp('cli');
  badFile = writeText(tmp, 'bad.yaml', edit(BASE_SCENARIO, 'intent_rate: 6/m', 'intent_rate: -3/m'));
  const unaudited = writeText(tmp, 'unaudited.yaml', edit(BASE_SCENARIO, 'currency: USD', 'currency: USD\nsecurity: { signing: off, audit: false }'));
  const base = writeText(tmp, 'base.yaml', BASE_SCENARIO);
  writeText(tmp, 'a-file', 'not a folder\n');
  const commands: Record<string, string[]> = {
    help: ['--help'],
    runHelp: ['run', '--help'],
    validateHelp: ['validate', '--help'],
    auditHelp: ['audit', '--help'],
    unknownCommand: ['frobnicate', quickstartFile],
    unknownOption: ['run', quickstartFile, '--out', out('unknownOption'), '--frobnicate'],
    badSeed: ['run', quickstartFile, '--out', out('badSeed'), '--seed', 'abc!'],
    negativeSeed: ['run', quickstartFile, '--out', out('negativeSeed'), '--seed', '-3'],
    decimalFirstSeed: ['swarm', quickstartFile, '--seeds', '1', '--first-seed', '1.5'],
    noScenario: ['run'],
    outIsFile: ['run', base, '--out', join(tmp, 'a-file')],
    traceNoFolder: ['run', base, '--out', out('traceNoFolder'), '--trace', join(tmp, 'missing', 'trace.ndjson')],
    auditNoFolder: ['run', base, '--out', out('auditNoFolder'), '--audit', join(tmp, 'missing', 'audit.ndjson')],
    auditRefused: ['run', unaudited, '--out', out('auditRefused'), '--trace', join(tmp, 'refused-trace.ndjson'), '--audit', join(tmp, 'refused-audit.ndjson')],
    emptyAudit: ['run', base, '--out', out('emptyAudit'), '--audit', ''],
    sameTraceAndAudit: ['run', base, '--out', out('sameTraceAndAudit'), '--trace', join(tmp, 'both.ndjson'), '--audit', join(tmp, 'both.ndjson')],
    fullDisk: ['run', base, '--out', out('fullDisk'), '--trace', '/dev/full'],
    junitNoFolder: ['run', base, '--out', out('junitNoFolder'), '--junit', join(tmp, 'missing', 'budgets.xml')],
    markdownIsFolder: ['swarm', base, '--seeds', '1', '--workers', '0', '--markdown', tmp],
    saveBaselineNoFolder: ['compare', base, base, '--seeds', '1', '--workers', '0', '--save-baseline', join(tmp, 'missing', 'base.json')],
    junitInOut: ['run', base, '--out', out('junitInOut'), '--junit', join(out('junitInOut'), 'budgets.xml'), '--no-html'],
    outUnderProc: ['run', base, '--out', '/proc/nope/deeper'],
    wordFirstSeed: ['swarm', quickstartFile, '--seeds', '1', '--first-seed', 'abc'],
    hexSeeds: ['swarm', quickstartFile, '--seeds', '0x2'],
    seedsPastSafe: ['swarm', quickstartFile, '--seeds', '3', '--first-seed', '9007199254740990'],
    validateOk: ['validate', quickstartFile, volatilityFile],
    validateOneBad: ['validate', quickstartFile, badFile, volatilityFile],
    validateTournament: ['validate', 'scenarios/tournament-classic.yaml'],
    tournamentOfScenario: ['tournament', quickstartFile, '--out', out('tournamentOfScenario')],
  };
  const entries = await Promise.all(Object.entries(commands).map(async ([k, args]) => [k, await runCli(args)] as const));
  for (const [k, r] of entries) runs[k] = r;
});

afterAll(() => cleanup(tmp));

describe('help', () => {
  it('--help: exit 0, lists the commands and the exit codes', () => {
    const r = runs.help!;
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: a2a-sim/);
    expect(r.stdout).toMatch(/\brun\b/);
    expect(r.stdout).toMatch(/\bvalidate\b/);
    expect(r.stdout).toMatch(EXIT_CODES);
  });

  it('run --help: exit 0, lists every option and the exit codes', () => {
    const r = runs.runHelp!;
    expect(r.status).toBe(0);
    for (const option of ['--seed', '--workers', '--out', '--trace', '--audit', '--json', '--no-progress', '--help']) expect(r.stdout).toContain(option);
    expect(r.stdout).toMatch(/<scenario>/);
    // --workers names its default, which comes from the scenario
    expect(r.stdout.replace(/\s+/g, ' ')).toContain("default: the scenario's workers:, else 0");
    expect(r.stdout).toMatch(EXIT_CODES);
  });

  it('validate --help: exit 0, shows the usage and the exit codes', () => {
    const r = runs.validateHelp!;
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: a2a-sim validate/);
    expect(r.stdout).toMatch(/<scenario\.\.\.>/);
    expect(r.stdout).toMatch(EXIT_CODES);
  });
});

describe('help of a command group', () => {
  it('audit --help: exit 0, names verify and the exit codes', () => {
    const r = runs.auditHelp!;
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: a2a-sim audit/);
    expect(r.stdout).toMatch(/\bverify\b/);
    expect(r.stdout).toMatch(EXIT_CODES);
  });
});

describe('bad usage exits 2 and runs nothing', () => {
  it('an unknown command', () => {
    expect(runs.unknownCommand!.status).toBe(2);
    expect(runs.unknownCommand!.stderr).toMatch(/unknown command/i);
    expect(runs.unknownCommand!.stderr).toContain('frobnicate');
  });

  it('an unknown option', () => {
    expect(runs.unknownOption!.status).toBe(2);
    expect(runs.unknownOption!.stderr).toMatch(/unknown option/i);
    expect(runs.unknownOption!.stderr).toContain('--frobnicate');
    expect(isEmptyOrMissing(out('unknownOption'))).toBe(true);
  });

  it('an invalid --seed ("abc!")', () => {
    expect(runs.badSeed!.status).toBe(2);
    expect(runs.badSeed!.stderr).toContain('--seed');
    expect(runs.badSeed!.stderr).toContain('abc!');
    expect(runs.badSeed!.stdout).toBe('');
    expect(isEmptyOrMissing(out('badSeed'))).toBe(true);
  });

  it('an empty --audit, or --trace and --audit naming one file: exit 2 before the run', () => {
    expect(runs.emptyAudit!.status).toBe(2);
    expect(runs.emptyAudit!.stderr.trim()).toBe('--audit: expected a path, got an empty one');
    expect(isEmptyOrMissing(out('emptyAudit'))).toBe(true);
    expect(runs.sameTraceAndAudit!.status).toBe(2);
    expect(runs.sameTraceAndAudit!.stderr).toContain('--trace and --audit name the same file');
    expect(existsSync(join(tmp, 'both.ndjson'))).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('says what the system said when an output cannot be written (a full disk), without a stack trace', () => {
    expect(runs.fullDisk!.status).toBe(4);
    expect(runs.fullDisk!.stderr).toMatch(/^system error: ENOSPC: no space left on device/m);
    expect(runs.fullDisk!.stderr).not.toMatch(/^\s+at /m);
  });

  it('swarm: a word for --first-seed, a --seeds that is not decimal, seeds past the safe integers: exit 2', () => {
    expect(runs.wordFirstSeed!.status).toBe(2);
    expect(runs.wordFirstSeed!.stderr).toContain('--first-seed abc: expected a non-negative integer');
    expect(runs.hexSeeds!.status).toBe(2);
    expect(runs.hexSeeds!.stderr).toContain('--seeds 0x2: expected a number of seeds from 1 to 1000000');
    expect(runs.seedsPastSafe!.status).toBe(2);
    expect(runs.seedsPastSafe!.stderr).toContain('too large for an integer seed');
  });

  it('an --out that is a file, a --trace or --audit in a folder that does not exist: exit 2 before the run, no stack trace', () => {
    for (const [key, message] of [
      ['outIsFile', `--out ${join(tmp, 'a-file')}: cannot write there (a file is in the way of the folder)`],
      ['traceNoFolder', `--trace ${join(tmp, 'missing', 'trace.ndjson')}: cannot write there (its folder does not exist)`],
      ['auditNoFolder', `--audit ${join(tmp, 'missing', 'audit.ndjson')}: cannot write there (its folder does not exist)`],
    ] as const) {
      expect(runs[key]!.status).toBe(2);
      expect(runs[key]!.stderr.trim()).toBe(message);
      expect(runs[key]!.stdout).toBe('');
    }
    // Nothing was written: no report beside the refused trace or audit, and the file in the way is as it was.
    expect(isEmptyOrMissing(out('traceNoFolder'))).toBe(true);
    expect(isEmptyOrMissing(out('auditNoFolder'))).toBe(true);
    expect(readFileSync(join(tmp, 'a-file'), 'utf8')).toBe('not a folder\n');
    expect(existsSync(join(tmp, 'missing'))).toBe(false);
  });

  it('a --junit, --markdown or --save-baseline that could not be written at the end: exit 2 before anything runs', () => {
    for (const [key, message] of [
      ['junitNoFolder', `--junit ${join(tmp, 'missing', 'budgets.xml')}: cannot write there (its folder does not exist)`],
      ['markdownIsFolder', `--markdown ${tmp}: cannot write there (it is a folder)`],
      ['saveBaselineNoFolder', `--save-baseline ${join(tmp, 'missing', 'base.json')}: cannot write there (its folder does not exist)`],
    ] as const) {
      expect(runs[key]!.status).toBe(2);
      expect(runs[key]!.stderr.trim()).toBe(message);
      expect(runs[key]!.stdout).toBe('');
    }
    expect(isEmptyOrMissing(out('junitNoFolder'))).toBe(true);
  });

  it('a --junit inside the --out folder the run creates is written', () => {
    expect(runs.junitInOut!.status).toBe(0);
    expect(readFileSync(join(out('junitInOut'), 'budgets.xml'), 'utf8')).toMatch(/^<\?xml[\s\S]*<testsuites/);
  });

  it('an --out the system refuses to create (/proc/nope/deeper): exit 2 before the run, not a hang', () => {
    // Node 20's recursive mkdir spins forever here; runCli kills a hung command (status null).
    expect(runs.outUnderProc!.signal).toBeNull();
    expect(runs.outUnderProc!.status).toBe(2);
    expect(runs.outUnderProc!.stderr.trim()).toBe('--out /proc/nope/deeper: cannot write there (the system refused to create /proc/nope: ENOENT)');
    expect(runs.outUnderProc!.stdout).toBe('');
  });

  it('--audit on a scenario without the audit trail: exit 2, and the --trace file is not created', () => {
    expect(runs.auditRefused!.status).toBe(2);
    expect(runs.auditRefused!.stderr).toContain('--audit needs the audit trail');
    expect(existsSync(join(tmp, 'refused-trace.ndjson'))).toBe(false);
    expect(isEmptyOrMissing(out('auditRefused'))).toBe(true);
  });

  it('a seed that looks like a number but is none ("-3", "1.5") is refused, not taken for a word', () => {
    expect(runs.negativeSeed!.status).toBe(2);
    expect(runs.negativeSeed!.stderr.trim()).toBe('--seed -3: expected a non-negative integer or a word of letters, digits, ".", "_" or "-" (with at least one letter)');
    expect(isEmptyOrMissing(out('negativeSeed'))).toBe(true);
    expect(runs.decimalFirstSeed!.status).toBe(2);
    expect(runs.decimalFirstSeed!.stderr).toContain('--first-seed 1.5: expected a non-negative integer');
  });

  it('run without a scenario', () => {
    expect(runs.noScenario!.status).toBe(2);
    expect(runs.noScenario!.stderr).toMatch(/scenario/);
  });
});

describe('validate', () => {
  it('validate quickstart.yaml volatility-spike.yaml: exit 0, each file reported ok', () => {
    const r = runs.validateOk!;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${quickstartFile}: ok`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${volatilityFile}: ok`, 'm'));
  });

  it('validate with one bad file among good ones: exit 2, the bad file and its problem named, the others still checked', () => {
    const r = runs.validateOneBad!;
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${badFile}: invalid scenario, 1 problem`);
    expect(r.stderr).toMatch(/buyers\[0\]\.intent_rate/);
    expect(r.stdout).toMatch(new RegExp(`^${quickstartFile}: ok`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${volatilityFile}: ok`, 'm'));
    expect(r.stdout).not.toContain(badFile);
  });

  it('validate of a tournament file: exit 2, named as a tournament file with the command that runs it, no list of missing scenario fields', () => {
    const r = runs.validateTournament!;
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('scenarios/tournament-classic.yaml: is a tournament file (it lists competitors), not a scenario: run it with a2a-sim tournament scenarios/tournament-classic.yaml');
    expect(r.stdout).toBe('');
  });

  it('tournament of a scenario file: exit 2, named as a scenario file with the command that runs it', () => {
    const r = runs.tournamentOfScenario!;
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${quickstartFile}: is a scenario file, not a tournament: run it with a2a-sim run ${quickstartFile}`);
    expect(r.stderr).not.toContain('competitors');
    expect(isEmptyOrMissing(out('tournamentOfScenario'))).toBe(true);
  });

  it('counts in the ok line agree with their number', () => {
    expect(runs.validateOk!.stdout).toMatch(new RegExp(`^${quickstartFile}: ok \\(quickstart: 13 agents, 1 category, 2 budgets\\)$`, 'm'));
  });
});
