/**
 * The page of a swarm report (swarm.json): what ran and how many seeds passed, every budgeted
 * metric's distribution over the seeds with its budgets, then every other metric that varied,
 * by group, and the failing seeds with the command that replays each. Data only (no DOM).
 */
import { parseBudget } from '../../../scenario/budgets.js';
import type { SwarmReport } from '../../swarm-report.js';
import type { PageSpec, SectionSpec, TableSpec } from './spec.js';
import { countBars, distributionChart, type BudgetLine, type SeedValue } from './swarm-options.js';
import { int, metricText, replayCommand, toolFact } from './values.js';

/** Sections of the metrics that are not budgeted, by the first part of their names. */
const GROUPS: readonly { readonly id: string; readonly title: string; readonly match: (metric: string) => boolean }[] = [
  { id: 'negotiation', title: 'Negotiation', match: (m) => /^(negotiation|intents)\./.test(m) },
  { id: 'latency', title: 'Latency', match: (m) => /^(negotiation|settlement)_latency\./.test(m) },
  { id: 'deals', title: 'Deals and settlement', match: (m) => /^(deals|sagas|bonds)\./.test(m) },
  { id: 'messages', title: 'Messages and errors', match: (m) => /^(messages|errors|security)\./.test(m) },
  { id: 'risk', title: 'Risk controls', match: (m) => /^(halts|exposure|held|refused|breaker)\./.test(m) },
  { id: 'other', title: 'Other metrics', match: () => true },
];

interface ParsedBudget {
  readonly expression: string;
  readonly metric: string;
  readonly threshold: number;
}

/** The swarm's budgets, as recorded (or, in a report from before they were, those some seed breached). */
function budgetsOf(report: SwarmReport): ParsedBudget[] {
  const written = report.budgets ?? [...new Set(report.outcomes.flatMap((o) => o.budgets_breached))];
  return written.flatMap((expression) => {
    const b = parseBudget(expression);
    return 'error' in b ? [] : [{ expression, metric: b.metric, threshold: b.threshold }];
  });
}

/** Every seed's value of each metric, for the seeds that finished (with the deal values beside the budget metrics). */
function valuesByMetric(report: SwarmReport, budgets: readonly ParsedBudget[]): Map<string, SeedValue[]> {
  const byMetric = new Map<string, SeedValue[]>();
  for (const o of report.outcomes) {
    if (o.status !== 'ok') continue;
    const values: Record<string, number> = { ...o.metrics };
    if (values['deals.value'] === undefined) values['deals.value'] = o.deals.value;
    if (values['deals.mean_value'] === undefined && o.deals.mean_value !== null) values['deals.mean_value'] = o.deals.mean_value;
    for (const [metric, value] of Object.entries(values)) {
      const breached = budgets.some((b) => b.metric === metric && o.budgets_breached.includes(b.expression));
      let list = byMetric.get(metric);
      if (!list) byMetric.set(metric, (list = []));
      list.push({ seed: o.seed, value, breached });
    }
  }
  return byMetric;
}

/** The seeds that did not pass: invariant violations, failed runs and breached budgets, each with its replay command. */
function failingSeeds(report: SwarmReport): TableSpec | undefined {
  const rows = report.outcomes.flatMap((o) => {
    if (o.status !== 'ok') {
      const at = o.problem && o.problem.virtual_us >= 0 ? ` (at ${o.problem.virtual_us} µs of virtual time)` : '';
      return [[String(o.seed), o.status === 'violation' ? 'invariant violated' : 'run failed', `${o.problem?.message ?? ''}${at}`, replayCommand(report.scenario_file, o.seed)]];
    }
    if (o.budgets_breached.length > 0) return [[String(o.seed), 'budget breached', o.budgets_breached.join('; '), replayCommand(report.scenario_file, o.seed)]];
    return [];
  });
  if (rows.length === 0) return undefined;
  return { caption: `${rows.length} of ${report.seed_count} seeds failed`, head: ['seed', 'outcome', 'what', 'replay'], rows, code: [3] };
}

/** Header facts, budgets and every section of a swarm report's page. */
export function swarmPage(report: SwarmReport): PageSpec {
  const s = report.summary;
  const n = report.seed_count;
  const budgets = budgetsOf(report);
  const values = valuesByMetric(report, budgets);
  const statsOf = (metric: string) => s.metrics[metric] ?? (metric === 'deals.value' ? s.deals.value : metric === 'deals.mean_value' ? s.deals.mean_value : null);
  const chartOf = (metric: string, lines: BudgetLine[]) => distributionChart(metric, values.get(metric)!, lines, statsOf(metric));

  const budgeted = [...new Set(budgets.map((b) => b.metric))];
  const budgetCharts = budgeted.flatMap((metric) => {
    if (!values.has(metric)) return [];
    const lines = budgets.filter((b) => b.metric === metric).map((b) => ({ expression: b.expression, threshold: b.threshold, breaches: report.outcomes.filter((o) => o.budgets_breached.includes(b.expression)).length }));
    return [chartOf(metric, lines)];
  });

  const rest = [...values.keys()].filter((m) => !budgeted.includes(m)).sort();
  const placed = new Set<string>();
  const groupSections: SectionSpec[] = GROUPS.flatMap((g) => {
    const metrics = rest.filter((m) => !placed.has(m) && g.match(m));
    metrics.forEach((m) => placed.add(m));
    if (metrics.length === 0) return [];
    const varying = metrics.filter((m) => new Set(values.get(m)!.map((v) => v.value)).size > 1);
    const steady = metrics.filter((m) => !varying.includes(m));
    const zero = steady.filter((m) => values.get(m)![0]!.value === 0);
    const same = steady.filter((m) => values.get(m)![0]!.value !== 0);
    const notes = [
      ...(same.length ? [`The same in every seed: ${same.map((m) => `${m} ${metricText(m, values.get(m)![0]!.value)}`).join(', ')}.`] : []),
      ...(zero.length ? [`0 in every seed: ${zero.join(', ')}.`] : []),
    ];
    const charts = varying.map((m) => chartOf(m, []));
    if (g.id === 'deals' && Object.keys(s.sagas_compensated_by_cause).length > 0) {
      charts.push(countBars('compensated-by-cause', 'Sagas compensated, by cause', 'Sagas compensated across all seeds, by the cause of the compensation.', s.sagas_compensated_by_cause, 'sagas'));
    }
    return [{ id: g.id, title: g.title, charts, empty: 'No metric of this group varied across seeds.', notes }];
  });

  const failing = failingSeeds(report);
  const sections: SectionSpec[] = [
    { id: 'budgets', title: 'Budgeted metrics', charts: budgetCharts, empty: budgets.length === 0 ? 'The scenario has no budgets.' : 'No seed finished, so no budgeted metric has a value.' },
    ...groupSections,
    { id: 'failing-seeds', title: 'Failing seeds', charts: [], ...(failing ? { tables: [failing] } : { empty: 'Every seed passed: no invariant was violated, every run finished and every budget held.' }) },
  ];
  const last = report.first_seed + n - 1;
  const failed = n - s.passed;
  const w = report.wallclock;
  return {
    title: `${report.scenario}: swarm of ${n} seed${n === 1 ? '' : 's'}`,
    verdict: report.passed ? { text: `all ${n} seeds passed`, state: 'pass' } : { text: `${failed} of ${n} seeds failed`, state: 'fail' },
    facts: [
      ['scenario', report.scenario],
      ['file', report.scenario_file],
      ['seeds', n === 1 ? String(report.first_seed) : `${report.first_seed} to ${last} (${int(n)})`],
      ['outcome', `${int(s.passed)} passed, ${int(s.budgets_breached)} breached a budget, ${int(s.violations)} violated an invariant, ${int(s.errors)} failed to run`],
      ['deals per seed', s.deals.count ? `${metricText('deals.count', s.deals.count.mean)} on average (${s.deals.count.min} to ${s.deals.count.max})` : '–'],
      ['budgets', budgets.length === 0 ? 'none' : budgets.map((b) => b.expression).join(', ')],
      ['tool', toolFact(report.tool)],
      ['ran', `${w.started_at}, ${int(w.elapsed_ms)} ms on Node ${w.node}, ${w.workers === 0 ? 'on the main thread' : `${w.workers} worker thread${w.workers === 1 ? '' : 's'}`}`],
    ],
    ...(budgets.length > 0
      ? {
          summary: {
            caption: 'Budgets',
            head: ['budget', 'range over seeds', 'seeds breaching', 'result'],
            rows: budgets.map((b) => {
              const v = values.get(b.metric) ?? [];
              const k = report.outcomes.filter((o) => o.budgets_breached.includes(b.expression)).length;
              const lo = v.reduce((m, x) => Math.min(m, x.value), Infinity);
              const hi = v.reduce((m, x) => Math.max(m, x.value), -Infinity);
              const range = v.length === 0 ? 'no data' : `${metricText(b.metric, lo)} to ${metricText(b.metric, hi)}`;
              return [b.expression, range, `${k} of ${n}`, k === 0 ? 'held in every seed' : 'breached'];
            }),
            states: budgets.map((b) => (report.outcomes.some((o) => o.budgets_breached.includes(b.expression)) ? 'fail' : 'pass')),
          },
        }
      : {}),
    sections,
  };
}
