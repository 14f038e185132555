/**
 * JUnit XML, the form GitLab, Jenkins and the common GitHub actions read: one testsuite per
 * scenario (or comparison), one testcase per budget or compared metric, a failure with the
 * value, the threshold and the command that replays it. Built with xmlbuilder2.
 */
import { create } from 'xmlbuilder2';
import type { RunResult } from '../simulation.js';
import type { SwarmReport } from './swarm-report.js';
import type { Comparison } from '../study/compare.js';
import { budgetValue } from './format.js';
import { replay } from './compare-report.js';

export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
}

export interface JUnitSuite {
  readonly name: string;
  readonly timeS?: number;
  readonly properties?: Readonly<Record<string, string>>;
  readonly cases: readonly JUnitCase[];
}

/** The XML document of `suites`. */
export function junitXml(suites: readonly JUnitSuite[]): string {
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure).length, 0);
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'a2a-market-sim', tests, failures, errors: 0 });
  for (const s of suites) {
    const suite = root.ele('testsuite', { name: s.name, tests: s.cases.length, failures: s.cases.filter((c) => c.failure).length, errors: 0, skipped: 0, ...(s.timeS !== undefined ? { time: s.timeS.toFixed(3) } : {}) });
    if (s.properties && Object.keys(s.properties).length > 0) {
      const props = suite.ele('properties');
      for (const [name, value] of Object.entries(s.properties)) props.ele('property', { name, value });
    }
    for (const c of s.cases) {
      const tc = suite.ele('testcase', { name: c.name, classname: c.classname });
      if (c.failure) tc.ele('failure', { message: c.failure.message, type: c.failure.type }).txt(c.failure.text);
    }
  }
  return root.end({ prettyPrint: true });
}

/** A run: one testcase per budget (a run without budgets: one that it finished). */
export function runSuite(file: string, seed: string | number, run: RunResult, timeS?: number): JUnitSuite {
  const classname = `run.${run.results.scenario}`;
  const cases: JUnitCase[] =
    run.budgets.length === 0
      ? [{ name: 'the run finished', classname }]
      : run.budgets.map((b) => ({
          name: b.expression,
          classname,
          ...(b.passed ? {} : { failure: { type: 'budget', message: `${b.expression}: value ${budgetValue(b)}`, text: `budget: ${b.expression}\nvalue: ${budgetValue(b)}\nreplay: a2a-sim run ${file} --seed ${seed}\n` } }),
        }));
  return { name: `${run.results.scenario} (${file}, seed ${seed})`, ...(timeS !== undefined ? { timeS } : {}), properties: { scenario_file: file, seed: String(seed) }, cases };
}

/** A swarm: one testcase per budget (failing with the seeds that breached it), and one for the invariants. */
export function swarmSuite(report: SwarmReport, budgets: readonly string[]): JUnitSuite {
  const classname = `swarm.${report.scenario}`;
  const file = report.scenario_file;
  const broken = report.outcomes.filter((o) => o.status !== 'ok');
  const cases: JUnitCase[] = [
    {
      name: 'every seed finished without breaking an invariant',
      classname,
      ...(broken.length === 0
        ? {}
        : {
            failure: {
              type: 'invariant',
              message: `${broken.length} of ${report.seed_count} seeds did not finish`,
              text: broken.map((o) => `seed ${o.seed}: ${o.status}: ${o.problem?.message ?? ''}\nreplay: a2a-sim run ${file} --seed ${o.seed}`).join('\n'),
            },
          }),
    },
    ...budgets.map((expression) => {
      const breached = report.outcomes.filter((o) => o.budgets_breached.includes(expression));
      return {
        name: expression,
        classname,
        ...(breached.length === 0
          ? {}
          : { failure: { type: 'budget', message: `${expression}: breached in ${breached.length} of ${report.seed_count} seeds`, text: breached.map((o) => `seed ${o.seed}\nreplay: a2a-sim run ${file} --seed ${o.seed}`).join('\n') } }),
      };
    }),
  ];
  return { name: `swarm ${report.scenario} (${file}, ${report.seed_count} seeds from ${report.first_seed})`, timeS: report.wallclock.elapsed_ms / 1000, cases };
}

const percent = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : '-'}${Math.abs(100 * x).toFixed(2)}%`);

/** A comparison: one testcase per compared metric, failing when it regressed. */
export function compareSuite(c: Comparison): JUnitSuite {
  const classname = `compare.${c.candidate.scenario}`;
  const cases: JUnitCase[] = c.metrics.map((m) => {
    if (m.verdict !== 'regressed') return { name: m.metric, classname };
    const seeds = c.outliers.filter((o) => o.metric === m.metric).map((o) => o.seed);
    const replays = seeds.flatMap((s) => [...(c.baseline.saved ? [] : [`replay baseline: ${replay(c.baseline.file, s)}`]), `replay candidate: ${replay(c.candidate.file, s)}`]);
    const threshold = `${m.better === 'higher' ? '-' : '+'}${(100 * m.noise).toFixed(1)}%`;
    return {
      name: m.metric,
      classname,
      failure: {
        type: 'regression',
        message: `${m.metric} regressed: ${percent(m.change)} [${percent(m.low)}, ${percent(m.high)}] beyond ${threshold}`,
        text: [`baseline mean: ${m.baseline_mean}`, `candidate mean: ${m.candidate_mean}`, `change: ${percent(m.change)}`, `interval (${Math.round(c.confidence * 100)}%): [${percent(m.low)}, ${percent(m.high)}]`, `threshold: ${threshold}`, `pairs: ${m.pairs}`, ...replays].join('\n'),
      },
    };
  });
  for (const f of c.failures) {
    cases.push({ name: `${f.side} seed ${f.seed} finished`, classname, failure: { type: f.status, message: f.message, text: `replay: ${replay(f.side === 'baseline' ? c.baseline.file : c.candidate.file, f.seed)}` } });
  }
  return { name: `compare ${c.candidate.scenario} against ${c.baseline.scenario} (${c.seeds.length} seeds)`, properties: { baseline: c.baseline.file, candidate: c.candidate.file }, cases };
}
