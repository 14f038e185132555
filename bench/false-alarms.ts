/**
 * How often compare cries wolf: a scenario against itself over disjoint seed ranges (which differ
 * only by noise, and are not paired), N times; prints how many comparisons found any metric
 * regressed, and which. It should stay near the significance level, not above it.
 *
 *   node dist/bench/false-alarms.js [scenario] [comparisons] [seeds per side] [workers] [first comparison]
 */
import { readFileSync } from 'node:fs';
import { parseScenarioText } from '../src/scenario/load.js';
import { compareScenarios } from '../src/study/compare.js';

const [file = 'scenarios/quickstart.yaml', comparisonsArg = '20', seedsArg = '30', workersArg = '2', firstArg = '0'] = process.argv.slice(2);
const first = Number(firstArg);
const comparisons = Number(comparisonsArg);
const n = Number(seedsArg);
const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
if (!parsed.ok) throw new Error(`${file} does not parse`);
const side = { plan: parsed.plan, file };
const alarms: { comparison: number; regressed: readonly string[]; improved: readonly string[] }[] = [];
const t0 = performance.now();
for (let k = first; k < first + comparisons; k++) {
  // Comparison k: seeds 2kn+1 … 2kn+n against 2kn+n+1 … 2kn+2n.
  const seeds = Array.from({ length: n }, (_, i) => 2 * k * n + i + 1);
  const candidateSeeds = seeds.map((s) => s + n);
  const c = await compareScenarios(side, side, { seeds, candidateSeeds, workers: Number(workersArg) });
  alarms.push({ comparison: k + 1, regressed: c.regressed, improved: c.improved });
  process.stderr.write(`comparison ${k + 1} of ${first + 1}–${first + comparisons}: regressed ${c.regressed.join(', ') || 'nothing'}; improved ${c.improved.join(', ') || 'nothing'}\n`);
}
const regressed = alarms.filter((a) => a.regressed.length > 0).length;
const improved = alarms.filter((a) => a.improved.length > 0).length;
const metricsRegressed = alarms.reduce((s, a) => s + a.regressed.length, 0);
process.stdout.write(
  `${JSON.stringify({ scenario: file, comparisons, seeds_per_side: n, with_any_regression: regressed, rate: regressed / comparisons, with_any_improvement: improved, metric_regressions: metricsRegressed, seconds: (performance.now() - t0) / 1000, alarms })}\n`,
);
