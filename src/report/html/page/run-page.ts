/** The page of one run's report.json: its header and sections, as data (no DOM). */
import { formatDurationUs } from '../../../scenario/units.js';
import type { Report } from '../../report.js';
import type { PageSpec, SectionSpec } from './spec.js';
import { budgetValue } from '../../format.js';
import { toolFact } from './values.js';
import { exposureCharts, priceCharts, successOverTime } from './time-options.js';
import { latencyChart, messageCharts, pairsHeatmap, strategiesChart, successCharts } from './tally-options.js';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const int = (n: number) => n.toLocaleString('en-US');

/** Header facts, budgets and every section of a run report's page. */
export function runPage(report: Report): PageSpec {
  const r = report.results;
  const n = r.negotiation;
  const facts: [string, string][] = [
    ['scenario', r.scenario],
    ['file', report.scenario_file],
    ['seed', String(r.seed)],
    ['virtual time', formatDurationUs(r.virtual_end_us)],
    ['negotiations', `${int(n.count)}, ${pct(n.success_rate)} succeeded`],
    ['deals', `${int(r.settlement.deals)} worth ${r.settlement.value}`],
    ['tool', toolFact(report.tool)],
    ['ran', `${report.wallclock.started_at}, ${int(report.wallclock.elapsed_ms)} ms on Node ${report.wallclock.node}${report.wallclock.workers ? `, ${report.wallclock.workers} worker threads` : ''}`],
  ];
  const strategies = strategiesChart(report);
  const heatmap = pairsHeatmap(report);
  const exposure = exposureCharts(report);
  const sections: SectionSpec[] = [
    { id: 'market', title: 'Market', charts: priceCharts(report), empty: 'The scenario has no categories.' },
    { id: 'negotiation', title: 'Negotiation', charts: [successOverTime(report), ...successCharts(report)] },
    { id: 'latency', title: 'Latency', charts: [latencyChart(report, 'negotiation'), latencyChart(report, 'settlement')] },
    {
      id: 'risk',
      title: 'Exposure and breakers',
      charts: exposure,
      empty: 'No organisation has an exposure limit in this scenario.',
      ...(r.breakers.length > 0
        ? {
            tables: [{
              caption: 'Circuit breakers',
              head: ['organisation', 'opens', 'time open', 'time half-open', 'final state', 'trips by cause'],
              rows: r.breakers.map((b) => [
                b.organisation,
                String(b.opens),
                formatDurationUs(b.time_open_us),
                formatDurationUs(b.time_half_open_us),
                b.final_state,
                Object.entries(b.trips_by_cause).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || '–',
              ]),
            }],
          }
        : {}),
    },
    { id: 'messages', title: 'Messages and errors', charts: messageCharts(report), ...(r.errors.total === 0 ? { notes: ['No a2a.commerce.error was sent in this run.'] } : {}) },
    { id: 'pairs', title: 'Buyer–store pairs', charts: heatmap ? [heatmap] : [], empty: 'No negotiation reached a store.' },
    {
      id: 'strategies',
      title: 'Strategies',
      charts: strategies ? [strategies] : [],
      empty: 'This report has no strategies section.',
      ...(strategies?.table ? { tables: [{ caption: 'Strategies', ...strategies.table }] } : {}),
    },
  ];
  const budgets = report.budgets;
  return {
    title: `${r.scenario}: run report`,
    verdict: budgets.length === 0 ? { text: 'no budgets', state: 'none' } : report.passed ? { text: 'all budgets passed', state: 'pass' } : { text: 'budgets breached', state: 'fail' },
    facts,
    ...(budgets.length > 0
      ? {
          summary: {
            caption: 'Budgets',
            head: ['budget', 'value', 'result'],
            rows: budgets.map((b) => [b.expression, budgetValue(b), b.passed ? 'passed' : 'breached']),
            states: budgets.map((b) => (b.passed ? 'pass' : 'fail')),
          },
        }
      : {}),
    sections,
  };
}
