/**
 * `npm run fuzz -- --cases N --seed S [--jobs J] [--time-limit SECONDS] [--announced-limit SECONDS]
 * [--out DIR] [--first I] [--only I]`: makes N
 * mutated scenarios (cases I to I+N-1; case i is mutateCase(base i mod B, "S:i")), validates each in this process
 * and runs each valid one with the built command line under a time limit (a run its estimate
 * announces as long, under the shorter announced limit: it is watched for crashes), then prints the
 * exit-code table. A case past the time limit that its estimate did not announce is run again
 * alone at the end (the machine may have been busy), and counts as such only if it is past the
 * limit again. Every case that breaks the rule (check.ts) is written to DIR/case-I/ with its
 * scenario file, what the command printed, and the commands that replay it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LONG_RUN_S } from '../src/cli/run.js';
import { caseFile, classify, isFailure, OUTCOMES, validateCase, type Outcome } from './check.js';
import { baseScenarios, mutateCase, type FuzzCase } from './mutate.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1' },
    'time-limit': { type: 'string', default: '20' },
    'announced-limit': { type: 'string', default: '5' },
    out: { type: 'string', default: 'reports/fuzz' },
    only: { type: 'string' },
    first: { type: 'string', default: '0' },
  },
});
const cases = Number(values.cases);
const jobs = Math.max(1, Number(values.jobs));
const limitMs = Number(values['time-limit']) * 1000;
// A run the estimate announces as long has told its user; it is run only this long, for crashes.
const announcedMs = Math.min(limitMs, Number(values['announced-limit']) * 1000);
const outDir = resolve(values.out!);
if (!Number.isInteger(cases) || cases < 1 || !Number.isFinite(limitMs)) {
  process.stderr.write('usage: npm run fuzz -- --cases N --seed S [--jobs J] [--time-limit SECONDS] [--announced-limit SECONDS] [--out DIR] [--first I] [--only I]\n');
  process.exit(2);
}

const bases = baseScenarios(root);
const caseOf = (i: number): FuzzCase => mutateCase(bases[i % bases.length]!, `${values.seed}:${i}`);

interface Ran {
  status: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeMs: number): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (stdout = (stdout + b.toString('utf8')).slice(-20_000)));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-20_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, timedOut, stdout, stderr });
    });
  });
}

const table = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
let failures = 0;
const work = mkdtempSync(join(tmpdir(), 'a2a-fuzz-'));

/** Cases past the time limit without an announcement, run again alone once the others are done. */
const recheck: number[] = [];
let rechecking = false;

async function one(i: number): Promise<void> {
  const c = caseOf(i);
  const v = validateCase(c);
  let outcome: Outcome;
  let detail = '';
  if (v.kind === 'crashed') {
    outcome = 'validate crashed';
    detail = v.error;
  } else if (v.kind === 'invalid') {
    outcome = 'invalid (exit 2 at validate)';
  } else {
    const dir = join(work, String(i));
    mkdirSync(dir, { recursive: true });
    const file = caseFile(c);
    writeFileSync(join(dir, file.name), file.text);
    const ran = await runCli(['run', join(dir, file.name), '--out', join(dir, 'out'), '--no-progress'], v.estimate.seconds > LONG_RUN_S ? announcedMs : limitMs);
    outcome = classify(ran.status, ran.timedOut, v.plan, ran.stderr);
    detail = `exit ${ran.status ?? 'none'}${ran.timedOut ? ' (killed at the time limit)' : ''}\nestimate: ${JSON.stringify(v.estimate)}\n--- stderr\n${ran.stderr}\n--- stdout (end)\n${ran.stdout.slice(-2000)}`;
    rmSync(dir, { recursive: true, force: true });
  }
  // The machine may be busy with other work: a case counts as past the limit only if it is past
  // it again when run alone.
  if (outcome === 'time limit, not announced' && !rechecking) {
    recheck.push(i);
    return;
  }
  table.set(outcome, table.get(outcome)! + 1);
  if (!isFailure(outcome)) return;
  failures++;
  const dir = join(outDir, `case-${i}`);
  mkdirSync(dir, { recursive: true });
  const file = caseFile(c);
  writeFileSync(join(dir, file.name), file.text);
  writeFileSync(
    join(dir, 'README.txt'),
    `${outcome}\nbase: ${c.base}\nseed: ${c.seed}\nmutations:\n${c.mutations.map((m) => `  ${m}`).join('\n')}\n\nreplay:\n  node dist/src/cli/main.js validate ${join(dir, file.name)}\n  node dist/src/cli/main.js run ${join(dir, file.name)} --out ${join(dir, 'out')}\n  npm run fuzz -- --seed ${values.seed} --only ${i}\n\n${detail}\n`,
  );
  process.stderr.write(`case ${i}: ${outcome} (${join(dir, 'README.txt')})\n`);
}

const started = Date.now();
const first = Number(values.first);
const indices = values.only !== undefined ? [Number(values.only)] : Array.from({ length: cases }, (_, i) => first + i);

/** The table so far, as printed at the end; written to DIR/table.txt as the cases go. */
function tableText(header: string): string {
  const rows = [...table].map(([outcome, n]) => `  ${outcome.padEnd(30)} ${String(n).padStart(6)}${isFailure(outcome) && n > 0 ? '  ← breaks the rule' : ''}\n`);
  return `${header}\n${rows.join('')}${recheck.length > 0 && !rechecking ? `  (${recheck.length} past the time limit, to run again alone)\n` : ''}`;
}
let next = 0;
let done = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    while (next < indices.length) {
      const i = indices[next++]!;
      await one(i);
      done++;
      if (done % 100 === 0) {
        process.stderr.write(`${done}/${indices.length} cases, ${failures} failing, ${Math.round((Date.now() - started) / 1000)} s\n`);
        mkdirSync(outDir, { recursive: true });
        writeFileSync(join(outDir, 'table.txt'), tableText(`fuzz so far: ${done} of ${indices.length} cases (from case ${indices[0]}), seed ${values.seed}`));
      }
    }
  }),
);
rechecking = true;
if (recheck.length > 0) process.stderr.write(`running ${recheck.length} cases past the time limit again, one at a time\n`);
for (const i of recheck) await one(i);
rmSync(work, { recursive: true, force: true });

const summary = tableText(`fuzz: ${indices.length} cases (from case ${indices[0]}), seed ${values.seed}, time limit ${limitMs / 1000} s (${announcedMs / 1000} s for runs announced as long), ${Math.round((Date.now() - started) / 1000)} s (${recheck.length} past the limit run again alone)`);
process.stdout.write(summary);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'table.txt'), summary);
process.stdout.write(failures > 0 ? `${failures} failing cases written to ${outDir}\n` : 'no failing case\n');
process.exitCode = failures > 0 ? 1 : 0;
