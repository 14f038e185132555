/**
 * `npm run bench`, each measurement in a fresh process:
 * - negmas: NegMAS's reference workload at scale (bench/negmas.ts), negotiations/s;
 * - throughput: cost floors per operation, then scenarios/bench-100k.yaml (or the scenarios
 *   given as arguments) inline and on worker threads (BENCH_WORKERS, default 0,1,2);
 * - contended: the first of them inline and on 2 workers beside a process that keeps a core
 *   busy (BENCH_CONTENDED=0 leaves it out);
 * every run's CPU seconds (user + system) beside its wall seconds: the steadier figure on a
 * shared machine.
 * - signing: bench-signing.yaml with signing off, EdDSA and ES256, inline and on 2 workers,
 *   beside two threads of the same signing and verifying sharing nothing (bench/ceiling.ts);
 * - strategy: bench-strategy.yaml (buyers with a large opponent model) inline and on 2 workers,
 *   beside two threads of the same arithmetic sharing nothing (bench/ceiling.ts);
 * - scaling, on request: bench-throughput.yaml's first tenth against all of it;
 * - external: bench-external.yaml over the loopback gateway against a store process that answers
 *   at once, beside the same market with the store in process (bench/external.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { measureFloors } from './floors.js';
import { benchNodeFlags } from './node-flags.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Each measurement's V8 flags: old space capped, 64 MiB semi-spaces (see node-flags.ts). */
const nodeFlags = benchNodeFlags();
const scenarios = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['scenarios/bench-100k.yaml'];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Sections: BENCH_SECTIONS=negmas,throughput,contended,signing,strategy,external (the default) picks some, and scaling
 * (the 1,000,000-negotiation run against its first tenth) is there to add. Signing and strategy
 * run each setting BENCH_REPEAT times (default 1), alternating inline and worker runs.
 */
const sections = new Set((process.env.BENCH_SECTIONS ?? 'negmas,throughput,contended,signing,strategy,external').split(',').map((x) => x.trim()));
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1) || 1);
const median = (xs: readonly number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

interface Measured {
  negotiations: number;
  validated_messages: number;
  signed: number;
  verified: number;
  events: number;
  audit_root: string;
  seconds: number;
  /** user + system time of the run's process, every thread included */
  cpu_seconds: number;
}

/**
 * Runs `file` on each of `workerCounts` in turn, `repeat` times over, each run in a fresh
 * process; checks that every run gives the same results. Per worker count: its wall times, in
 * the order run, and one run's figures.
 */
function alternate(file: string, workerCounts: readonly number[], label: string, extra: readonly string[] = []): Map<number, { seconds: number[]; cpu: number[]; sample: Measured }> {
  let fingerprint = '';
  const runs = new Map<number, { seconds: number[]; cpu: number[]; sample: Measured }>();
  for (let rep = 1; rep <= repeat; rep++) {
    for (const workers of workerCounts) {
      process.stderr.write(`running ${file}${label}, ${workers} worker thread(s)${repeat > 1 ? ` (${rep}/${repeat})` : ''}…\n`);
      const out = execFileSync(process.execPath, [...nodeFlags, `${here}measure.js`, file, String(workers), ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const r = JSON.parse(out.trim().split('\n').pop()!) as Measured;
      const print = `${r.negotiations}/${r.validated_messages}/${r.events}/${r.audit_root}`;
      if (fingerprint && print !== fingerprint) throw new Error(`results differ with ${workers} workers${label}: ${print} vs ${fingerprint}`);
      fingerprint = print;
      const entry = runs.get(workers) ?? { seconds: [], cpu: [], sample: r };
      entry.seconds.push(r.seconds);
      entry.cpu.push(r.cpu_seconds);
      runs.set(workers, entry);
    }
  }
  return runs;
}

/** The median of back-to-back ratios, with their range when there are several. */
/** What two threads of one kind of work, sharing nothing, give over one (bench/ceiling.ts), BENCH_REPEAT times. */
function ceilingRatios(kind: 'arithmetic' | 'eddsa' | 'es256', what: string): number[] {
  const ratios: number[] = [];
  for (let rep = 1; rep <= repeat; rep++) {
    process.stderr.write(`measuring two threads of ${what}${repeat > 1 ? ` (${rep}/${repeat})` : ''}…\n`);
    ratios.push(JSON.parse(execFileSync(process.execPath, [`${here}ceiling.js`, '', kind], { encoding: 'utf8' }).trim()).ratio as number);
  }
  return ratios;
}

function ratioText(ratios: readonly number[]): string {
  return `${median(ratios).toFixed(2)}x${ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : ''}`;
}


function throughputSection(): void {
  const floors = new Table({ head: ['operation', 'µs per op'], style: { head: [], border: [] } });
  for (const f of measureFloors()) floors.push([f.operation, fmt(f.us, 3)]);
  process.stdout.write(`Cost floors on this machine\n${floors.toString()}\n\n`);
  const pipeline = JSON.parse(execFileSync(process.execPath, [...nodeFlags, `${here}pipeline.js`], { encoding: 'utf8' }).trim().split('\n').pop()!);
  process.stdout.write(
    `Message path floor (bench/pipeline.ts: broker, kernel, network model and validation, with agents that only bounce quotes): ` +
      `${fmt(pipeline.us_per_message, 2)} µs per message once warm (${fmt(pipeline.warm_up_us_per_message, 2)} µs over the first ${fmt(pipeline.warm_up_messages)}, while the compiler warms up), ` +
      `so at most ${fmt(pipeline.messages_per_s)} validated msgs/s on one thread whatever the agents do ` +
      `(building a quote ${fmt(pipeline.build_us, 2)} µs, validating it ${fmt(pipeline.validate_us, 2)} µs).\n\n`,
  );

  const table = new Table({
    head: ['scenario', 'workers', 'negotiations', 'success', 'validated msgs', 'wall s', 'CPU s', 'msgs/s', 'negotiations/s', 'bytes allocated per msg', 'peak RSS MiB', 'speedup'],
    style: { head: [], border: [] },
  });
  const workerCounts = (process.env.BENCH_WORKERS ?? '0,1,2').split(',').map(Number);
  const row = (r: Throughput, workers: string, inlineSeconds: number) => [
    r.scenario,
    workers,
    fmt(r.negotiations),
    `${(100 * r.success_rate).toFixed(1)}%`,
    fmt(r.validated_messages),
    fmt(r.seconds, 2),
    fmt(r.cpu_seconds, 2),
    fmt(r.messages_per_s),
    fmt(r.negotiations_per_s),
    r.bytes_per_message === null ? '– (inline only)' : fmt(r.bytes_per_message),
    fmt(r.peak_rss_bytes / 1048576),
    Number.isNaN(inlineSeconds) ? '–' : `${(inlineSeconds / r.seconds).toFixed(2)}x`,
  ];
  for (const file of scenarios) {
    let inlineSeconds = NaN;
    let inlineResults = '';
    for (const workers of workerCounts) {
      process.stderr.write(`running ${file} with ${workers === 0 ? 'no worker threads (inline)' : `${workers} worker thread(s)`}…\n`);
      const r = measure(file, workers);
      const fingerprint = `${r.negotiations}/${r.validated_messages}/${r.events}`;
      if (workers === 0) {
        inlineSeconds = r.seconds;
        inlineResults = fingerprint;
      } else if (inlineResults && fingerprint !== inlineResults) {
        throw new Error(`results differ with ${workers} workers: ${fingerprint} vs ${inlineResults} inline`);
      }
      table.push(row(r, workers === 0 ? '0 (inline)' : String(workers), inlineSeconds));
    }
  }
  process.stdout.write(
    `Throughput by worker count (BENCH_WORKERS=${workerCounts.join(',')}; ${nodeFlags.join(' ') || 'V8 defaults'}; CPU s = user + system of the run's process)\n${table.toString()}\n`,
  );
  process.stdout.write('Target: >= 200,000 validated A2A messages/s inline. Results must not depend on the worker count.\n\n');
}

interface Throughput extends Measured {
  scenario: string;
  /** per worker thread, how it waited (absent inline) */
  threads?: { steps: number; waits: number; slept?: number; wakes?: number }[];
  success_rate: number;
  messages_per_s: number;
  negotiations_per_s: number;
  /** on the main thread's heap, so of the whole run only inline */
  bytes_per_message: number | null;
  peak_rss_bytes: number;
  /** asked for threads, ran inline: what the probe saw (run/fallback.ts) */
  fallback?: { reason: 'slower' | 'short'; probe_ms: number; speed?: number };
}

/** One run of `file` on `workers` threads in a fresh process (bench/measure.ts); `hold`: threads never go inline. */
function measure(file: string, workers: number, extra: readonly string[] = [], hold = false): Throughput {
  const env = hold ? { ...process.env, MEASURE_FALLBACK: '0' } : process.env;
  const out = execFileSync(process.execPath, [...nodeFlags, `${here}measure.js`, file, String(workers), ...extra], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  return JSON.parse(out.trim().split('\n').pop()!) as Throughput;
}

/**
 * The first scenario (bench-100k) inline and on 2 workers beside a process that keeps a core
 * busy (\`node -e 'for(;;){}'\`, started before and stopped after): worker threads must not
 * collapse when they do not each have a core. The load average is printed with the figures,
 * since on a shared machine other load counts as much as ours. BENCH_CONTENDED_SHARE runs only
 * the first part of the scenario (0.1: its first tenth).
 */
function contendedSection(): void {
  const file = process.env.BENCH_CONTENDED_SCENARIO ?? scenarios[0]!;
  // BENCH_CONTENDED_SHARE=0.1 runs the first tenth of the scenario, for a quicker look
  const share = process.env.BENCH_CONTENDED_SHARE ? ['-', process.env.BENCH_CONTENDED_SHARE] : [];
  const table = new Table({ head: ['scenario', 'beside', 'workers', 'ran', 'negotiations', 'wall s', 'CPU s', 'vs inline (wall)', 'waits (asleep)', 'wakes'], style: { head: [], border: [] } });
  const loadBefore = loadavg();
  const busy = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  let inline: Throughput;
  let two: Throughput;
  let held: Throughput;
  try {
    process.stderr.write(`running ${file} inline, on 2 worker threads, and on 2 held to the end (--no-fallback) beside a busy process…\n`);
    inline = measure(file, 0, share);
    two = measure(file, 2, share);
    held = measure(file, 2, share, true);
  } finally {
    busy.kill();
  }
  for (const r of [two, held]) {
    if (`${r.negotiations}/${r.validated_messages}/${r.events}` !== `${inline.negotiations}/${inline.validated_messages}/${inline.events}`) throw new Error('results differ with 2 workers beside a busy process');
  }
  const waits = (r: Throughput) => (r.threads ? r.threads.map((t) => `${fmt(t.waits)} (${fmt(t.slept ?? 0)})`).join(' / ') : '–');
  const wakes = (r: Throughput) => (r.threads ? r.threads.map((t) => fmt(t.wakes ?? 0)).join(' / ') : '–');
  const ran = (r: Throughput) => (r.fallback ? `inline: threads at ${r.fallback.speed?.toFixed(2) ?? '–'}x the inline pace over ${fmt(r.fallback.probe_ms)} ms` : r.threads ? '2 threads' : 'inline');
  for (const [r, workers] of [[inline, '0 (inline)'], [two, '2'], [held, '2 --no-fallback']] as const) {
    table.push([r.scenario, '1 busy process', workers, ran(r), fmt(r.negotiations), fmt(r.seconds, 2), fmt(r.cpu_seconds, 2), `${(inline.seconds / r.seconds).toFixed(2)}x`, waits(r), wakes(r)]);
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  process.stdout.write(
    `Beside a busy process (\`node -e 'for(;;){}'\`, ${cpus().length} cores; load average before ${load(loadBefore)}, after ${load(loadavg())}; ` +
      `per thread: waits for the other, how many ended asleep, and wakes of the other)\n${table.toString()}\n` +
      `Target: 2 workers at or above 0.8x inline here. Wall seconds on a shared machine move with other load; CPU seconds less.\n\n`,
  );
}

const signingFile = process.env.BENCH_SIGNING_SCENARIO ?? 'scenarios/bench-signing.yaml';
/** 2-worker speedups by signing setting, for the strategy section's comparison */
const speedups = new Map<string, string>();

function signingSection(): void {
  // Signing on against off: the same market, every message signed and verified or not (the
  // audit trail is on in both, so "vs off" is the cost of signing and verifying alone). On a noisy machine run each setting BENCH_REPEAT times, alternating the worker counts, so
  // that inline and worker runs meet the same noise; the table shows medians, and the speedup is
  // the median of the back-to-back ratios (with their range).
  const signingWorkers = (process.env.BENCH_SIGNING_WORKERS ?? '0,2').split(',').map(Number);
  const signingTable = new Table({
    head: ['signing', 'workers', 'negotiations', 'messages', 'signed', 'verified', 'wall s', 'CPU s', 'msgs/s', 'vs off', 'µs per message', 'speedup over inline'],
    style: { head: [], border: [] },
  });
  const offSeconds = new Map<number, number>();
  for (const signing of ['off', 'eddsa', 'es256']) {
    const runs = alternate(signingFile, signingWorkers, ` with signing ${signing}`, [signing]);
    const inline = runs.get(0);
    for (const workers of signingWorkers) {
      const { seconds, cpu, sample: r } = runs.get(workers)!;
      const wall = median(seconds);
      if (signing === 'off') offSeconds.set(workers, wall);
      const off = offSeconds.get(workers);
      let speedup = '–';
      if (inline && workers !== 0) {
        speedup = ratioText(seconds.map((s, k) => inline.seconds[k]! / s));
        speedups.set(`${signing}/${workers}`, speedup);
      }
      signingTable.push([
        signing,
        workers === 0 ? '0 (inline)' : String(workers),
        fmt(r.negotiations),
        fmt(r.validated_messages),
        fmt(r.signed),
        fmt(r.verified),
        fmt(wall, 2),
        fmt(median(cpu), 2),
        fmt(r.validated_messages / wall),
        off === undefined ? '–' : `${(off / wall).toFixed(2)}x`,
        off === undefined || signing === 'off' ? '–' : fmt(((wall - off) * 1e6) / r.validated_messages, 0),
        speedup,
      ]);
    }
  }
  for (const algorithm of ['eddsa', 'es256'] as const) {
    const ceiling = ratioText(ceilingRatios(algorithm, `${algorithm} signing and verifying`));
    signingTable.push([algorithm, 'ceiling: 2 threads of its signing and verifying, nothing shared (bench/ceiling.ts)', '–', '–', '–', '–', '–', '–', '–', '–', '–', ceiling]);
  }
  process.stdout.write(
    `Signing on vs off (${signingFile}, BENCH_SIGNING_WORKERS=${signingWorkers.join(',')}, BENCH_REPEAT=${repeat}: medians); µs per message = extra wall time per delivered message\n${signingTable.toString()}\n`,
  );
}

function strategySection(): void {
  // Agents that compute: every buyer consults a large opponent model before each counter. The
  // speedup of 2 workers is set beside the same market without such work (signing off above) and
  // beside what two threads of the same arithmetic, sharing nothing, reach on this machine.
  const strategyFile = process.env.BENCH_STRATEGY_SCENARIO ?? 'scenarios/bench-strategy.yaml';
  const strategyTable = new Table({
    head: ['run', 'workers', 'negotiations', 'messages', 'wall s', 'CPU s', 'msgs/s', 'speedup over inline'],
    style: { head: [], border: [] },
  });
  const strategyRuns = alternate(strategyFile, [0, 2], '');
  for (const workers of [0, 2]) {
    const { seconds, cpu, sample: r } = strategyRuns.get(workers)!;
    const wall = median(seconds);
    const inline = strategyRuns.get(0)!.seconds;
    strategyTable.push([
      strategyFile,
      workers === 0 ? '0 (inline)' : String(workers),
      fmt(r.negotiations),
      fmt(r.validated_messages),
      fmt(wall, 2),
      fmt(median(cpu), 2),
      fmt(r.validated_messages / wall),
      workers === 0 ? '–' : ratioText(seconds.map((s, k) => inline[k]! / s)),
    ]);
  }
  strategyTable.push(['the same arithmetic, nothing shared (bench/ceiling.ts)', '2 threads', '–', '–', '–', '–', '–', ratioText(ceilingRatios('arithmetic', 'pure arithmetic'))]);
  const without = speedups.get('off/2');
  process.stdout.write(
    `Agents that compute (${strategyFile}, BENCH_REPEAT=${repeat}: medians)\n${strategyTable.toString()}\n` +
      `Target: 2 workers >= 1.7x inline with CPU work per message${without ? `; without such work (${signingFile}, signing off) 2 workers give ${without}` : ''}.\n`,
  );
}

/**
 * Does cost grow linearly with the number of negotiations? The same scenario (same agents) run
 * for the first tenth of its duration and in full, inline. Not run by default: the full
 * bench-throughput run takes minutes (BENCH_SECTIONS=scaling).
 */
function scalingSection(): void {
  const file = process.env.BENCH_SCALING_SCENARIO ?? 'scenarios/bench-throughput.yaml';
  const scaling = new Table({
    head: ['scenario', 'share of the run', 'negotiations', 'validated msgs', 'wall s', 'CPU s', 'msgs/s', 'peak RSS MiB', 'msgs/s vs the first tenth'],
    style: { head: [], border: [] },
  });
  let tenth = NaN;
  for (const share of [0.1, 1]) {
    process.stderr.write(`running ${file}, ${share === 1 ? 'all of it' : 'its first tenth'}, inline…\n`);
    const out = execFileSync(process.execPath, [...nodeFlags, `${here}measure.js`, file, '0', '-', String(share)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Measured & { messages_per_s: number; peak_rss_bytes: number };
    if (share !== 1) tenth = r.messages_per_s;
    scaling.push([file, share === 1 ? 'all' : 'first tenth', fmt(r.negotiations), fmt(r.validated_messages), fmt(r.seconds, 2), fmt(r.cpu_seconds, 2), fmt(r.messages_per_s), fmt(r.peak_rss_bytes / 1048576), share === 1 ? `${(r.messages_per_s / tenth).toFixed(2)}x` : '–']);
  }
  process.stdout.write(`Cost against the number of negotiations (${nodeFlags.join(' ') || 'V8 defaults'})\n${scaling.toString()}\nTarget: the full run within 10% of the first tenth's throughput (cost grows linearly).\n`);
}

/**
 * NegMAS's reference workload at scale (bench/negmas.ts): 10,000 Boulware-against-Conceder
 * negotiations of 20 steps, as full A2A conversations, against NegMAS's own rate on this kind of
 * machine (../shared/reference/negmas/README.md: 295 negotiations/s, median of 3).
 */
function negmasSection(): void {
  const runs: { seconds: number; cpu_seconds: number; negotiations_per_s: number; validated_messages: number; negotiations: number; bytes_per_message: number }[] = [];
  for (let rep = 1; rep <= Math.max(3, repeat); rep++) {
    process.stderr.write(`running the NegMAS reference workload (${rep}/${Math.max(3, repeat)})…\n`);
    runs.push(JSON.parse(execFileSync(process.execPath, [...nodeFlags, `${here}negmas.js`], { encoding: 'utf8' }).trim().split('\n').pop()!));
  }
  const rate = median(runs.map((r) => r.negotiations_per_s));
  const r = runs[0]!;
  const table = new Table({ head: ['workload', 'negotiations', 'validated msgs', 'wall s (median)', 'CPU s (median)', 'negotiations/s', 'bytes allocated per msg', 'NegMAS 0.10.23', 'ahead'], style: { head: [], border: [] } });
  table.push([
    'Boulware buyer vs Conceder seller, 20 steps (bench-bilateral.yaml)',
    fmt(r.negotiations),
    fmt(r.validated_messages),
    fmt(median(runs.map((x) => x.seconds)), 2),
    fmt(median(runs.map((x) => x.cpu_seconds)), 2),
    fmt(rate),
    fmt(median(runs.map((x) => x.bytes_per_message))),
    '295/s',
    `${(rate / 295).toFixed(1)}x`,
  ]);
  process.stdout.write(`NegMAS reference workload, inline (every negotiation checked to agree at 0.26, as the reference run does)\n${table.toString()}\n\n`);
}

if (sections.has('negmas')) negmasSection();
if (sections.has('throughput')) throughputSection();
if (sections.has('contended') && process.env.BENCH_CONTENDED !== '0') contendedSection();
if (sections.has('signing')) signingSection();
if (sections.has('strategy')) strategySection();
if (sections.has('scaling')) scalingSection();
if (sections.has('external')) {
  process.stderr.write('running bench-external.yaml in process and over the loopback gateway…\n');
  process.stdout.write(`${execFileSync(process.execPath, [...nodeFlags, `${here}external.js`], { encoding: 'utf8' })}\n`);
}
