/**
 * `npm run bench`: cost floors per operation, then the inline throughput benchmark on
 * scenarios/bench-100k.yaml (or the scenarios given as arguments), each run in a fresh process.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { measureFloors } from './floors.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenarios = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['scenarios/bench-100k.yaml'];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const floors = new Table({ head: ['operation', 'µs per op'], style: { head: [], border: [] } });
for (const f of measureFloors()) floors.push([f.operation, fmt(f.us, 3)]);
process.stdout.write(`Cost floors on this machine\n${floors.toString()}\n\n`);

const table = new Table({
  head: ['scenario', 'negotiations', 'success', 'validated msgs', 'wall s', 'msgs/s', 'negotiations/s', 'events/s', 'peak RSS MiB'],
  style: { head: [], border: [] },
});
for (const file of scenarios) {
  process.stderr.write(`running ${file} inline…\n`);
  const out = execFileSync(process.execPath, [`${here}measure.js`, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  table.push([
    r.scenario,
    fmt(r.negotiations),
    `${(100 * r.success_rate).toFixed(1)}%`,
    fmt(r.validated_messages),
    fmt(r.seconds, 2),
    fmt(r.messages_per_s),
    fmt(r.negotiations_per_s),
    fmt(r.events_per_s),
    fmt(r.peak_rss_bytes / 1048576),
  ]);
}
process.stdout.write(`Inline throughput (workers: 0)\n${table.toString()}\n`);
process.stdout.write('Target: >= 200,000 validated A2A messages/s inline.\n');
