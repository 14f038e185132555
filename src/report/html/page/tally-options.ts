/**
 * Charts of a run report that are not over time: latency percentile curves with their budgets,
 * success by regime and by category, messages and errors, the busiest pairs as a heatmap, and
 * the strategies. Pure functions of the report data (no DOM).
 */
import type { EChartsOption } from 'echarts';
import { parseBudget } from '../../../scenario/budgets.js';
import { formatDurationUs } from '../../../scenario/units.js';
import type { Report } from '../../report.js';
import type { ChartSpec } from './spec.js';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const pct1 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/** Where the maximum sits on the percentile axis: past 99.99%. */
export const MAX_NINES = 4.5;

/** Position of percentile p on the "nines" axis: 0 → 0, 90 → 1, 99 → 2, 99.9 → 3; 100 (the maximum) → MAX_NINES. */
export function nines(p: number): number {
  if (p <= 0) return 0;
  return p >= 100 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - p / 100));
}

/** Label of a position on the nines axis: 0 → "0%", 2 → "99%", MAX_NINES → "max". */
export function ninesLabel(x: number): string {
  if (x >= MAX_NINES) return 'max';
  return `${Number((100 * (1 - 10 ** -x)).toFixed(4))}%`;
}

/** The points of a latency curve: the percentile table when the report has one, else p50, p90, p99 and max. */
export function latencyPoints(report: Report, which: 'negotiation' | 'settlement'): [number, number][] {
  const table = report.latency_percentiles;
  if (table && table[`${which}_us`].length === table.percentiles.length) {
    return table.percentiles.map((p, i) => [p, table[`${which}_us`][i]!]);
  }
  const s = which === 'negotiation' ? report.results.negotiation.latency : report.results.settlement.latency;
  const points: [number, number | null][] = [[50, s.p50_us], [90, s.p90_us], [99, s.p99_us], [100, s.max_us]];
  return points.filter((p): p is [number, number] => p[1] !== null);
}

/** Latency at each percentile on a log scale, with the scenario's budgets on that latency drawn across. */
export function latencyChart(report: Report, which: 'negotiation' | 'settlement'): ChartSpec {
  const points = latencyPoints(report, which);
  const metric = `${which}_latency.`;
  const budgets = report.budgets
    .filter((b) => b.metric.startsWith(metric))
    .map((b) => ({ b, parsed: parseBudget(b.expression) }))
    .flatMap(({ b, parsed }) => ('threshold' in parsed ? [{ ...b, threshold: parsed.threshold }] : []));
  const what = which === 'negotiation' ? 'Negotiation latency (intent → outcome)' : 'Settlement latency (first accept → confirmed)';
  const option: EChartsOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'line' }, valueFormatter: (v) => (typeof v === 'number' ? formatDurationUs(Math.round(v * 1000)) : String(v)) },
    legend: { top: 0 },
    grid: { left: 72, right: 24, top: 64, bottom: 48 },
    xAxis: { type: 'value', name: 'percentile', nameLocation: 'middle', nameGap: 28, min: 0, max: MAX_NINES, interval: 0.5, axisLabel: { formatter: (x: number) => (Number.isInteger(x) || x >= MAX_NINES ? ninesLabel(x) : '') } },
    // Budgets above the slowest sample still show: the axis reaches the highest threshold (at a power of ten, as log axes label).
    yAxis: { type: 'log', name: 'ms', logBase: 10, max: (v: { max: number }) => 10 ** Math.ceil(Math.log10(Math.max(v.max, ...budgets.map((b) => b.threshold / 1000)))) },
    series: [
      {
        type: 'line',
        name: which === 'negotiation' ? 'negotiation latency' : 'settlement latency',
        symbolSize: 5,
        data: points.map(([p, us]) => ({ value: [nines(p), Math.max(us, 1) / 1000], name: p >= 100 ? 'max' : `p${p}` })),
        markLine: {
          symbol: 'none',
          data: budgets.map((b) => ({
            name: b.expression,
            yAxis: Math.max(b.threshold, 1) / 1000,
            lineStyle: { color: b.passed ? '#2ca02c' : '#d62728', type: 'dashed', width: 2 },
            label: { formatter: `${b.expression} (${b.passed ? 'passed' : 'breached'})`, position: 'insideStartTop' },
          })),
        },
      },
    ],
  };
  return {
    id: `latency-${which}`,
    title: what,
    caption: `${points.length} percentiles from the HDR histogram on a log scale (the axis spreads 90%, 99%, 99.9%, 99.99%, max evenly)${budgets.length ? `; budgets: ${budgets.map((b) => `${b.expression} ${b.passed ? 'passed' : 'breached'}`).join(', ')}` : ''}.`,
    option,
    table: { head: ['percentile', 'latency'], rows: points.map(([p, us]) => [p >= 100 ? 'max' : `p${p}`, formatDurationUs(us)]) },
  };
}

/** Horizontal bars of labelled values, largest first when `sort`. */
function barChart(id: string, title: string, caption: string, entries: [string, number][], unit: string, valueName: string): ChartSpec {
  const option: EChartsOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 16, bottom: 32, containLabel: true },
    xAxis: { type: 'value', name: valueName, ...(unit === '%' ? { max: 100, axisLabel: { formatter: '{value}%' } } : {}) },
    yAxis: { type: 'category', data: entries.map((e) => e[0]), inverse: true },
    series: [{ type: 'bar', name: valueName, data: entries.map((e) => e[1]), label: { show: true, position: 'right', formatter: unit === '%' ? '{c}%' : '{c}' } }],
  };
  return { id, title, caption, option, height: Math.max(160, 56 + 30 * entries.length), table: { head: ['', valueName], rows: entries.map(([k, v]) => [k, `${v}${unit}`]) } };
}

/** Success rate per regime and per category (negotiations counted in the regime in force when their intent was sent). */
export function successCharts(report: Report): ChartSpec[] {
  const n = report.results.negotiation;
  const regimes = n.by_regime.map((g) => [`${g.regime} (${g.count})`, pct1(g.success_rate) ?? 0] as [string, number]);
  const categories = Object.entries(n.by_category).map(([k, t]) => [`${k} (${t.count})`, pct1(t.success_rate) ?? 0] as [string, number]);
  return [
    barChart('success-by-regime', 'Success by market regime', `Share of negotiations that succeeded, per regime (negotiations in brackets); overall ${pct(n.success_rate)}.`, regimes, '%', 'success rate'),
    barChart('success-by-category', 'Success by category', 'Share of negotiations that succeeded, per product category (negotiations in brackets).', categories, '%', 'success rate'),
  ];
}

/** Messages sent by type and errors by code; an empty list gives no chart. */
export function messageCharts(report: Report): ChartSpec[] {
  const r = report.results;
  const byCount = (o: Record<string, number>) => Object.entries(o).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const charts = [
    barChart('messages-by-type', 'Messages by type', `${r.messages.sent} sent: ${r.messages.delivered} delivered, ${r.messages.dropped} dropped, ${r.messages.corrupted} corrupted, ${r.messages.invalid} rejected as invalid.`, byCount(r.messages.by_type), '', 'messages'),
  ];
  const errors = byCount(r.errors.by_code);
  if (errors.length > 0) charts.push(barChart('errors-by-code', 'Errors by code', `${r.errors.total} a2a.commerce.error messages, by code.`, errors, '', 'errors'));
  return charts;
}

/** The busiest buyer–store pairs: buyers down, stores across, coloured by success rate, labelled with the count. */
export function pairsHeatmap(report: Report): ChartSpec | undefined {
  const pairs = report.results.negotiation.top_pairs;
  if (pairs.length === 0) return undefined;
  const buyers = [...new Set(pairs.map((p) => p.buyer))];
  const stores = [...new Set(pairs.map((p) => p.store))].sort();
  const option: EChartsOption = {
    tooltip: { formatter: (p: unknown) => { const d = (p as { data: { pair: string; count: number; rate: string } }).data; return `${d.pair}<br>${d.count} negotiations, ${d.rate} succeeded`; } },
    grid: { left: 8, right: 16, top: 16, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: stores, splitArea: { show: true }, axisLabel: { interval: 0, rotate: stores.length > 6 ? 30 : 0 } },
    yAxis: { type: 'category', data: buyers, splitArea: { show: true }, inverse: true },
    visualMap: { type: 'continuous', min: 0, max: 100, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, text: ['100% success', '0%'], inRange: { color: ['#d73027', '#fee08b', '#1a9850'] } },
    series: [
      {
        type: 'heatmap',
        name: 'success rate',
        label: { show: true, formatter: (p: unknown) => String((p as { data: { count: number } }).data.count) },
        data: pairs.map((p) => ({ value: [stores.indexOf(p.store), buyers.indexOf(p.buyer), pct1(p.success_rate) ?? 0], pair: `${p.buyer} → ${p.store}`, count: p.count, rate: pct(p.success_rate) })),
      },
    ],
  };
  return {
    id: 'pairs-heatmap',
    title: 'Busiest buyer–store pairs',
    caption: `The ${pairs.length} busiest pairs: colour is the success rate, the number the negotiations.`,
    option,
    height: Math.max(220, 110 + 26 * buyers.length),
    table: { head: ['buyer', 'store', 'negotiations', 'success rate'], rows: pairs.map((p) => [p.buyer, p.store, String(p.count), pct(p.success_rate)]) },
  };
}

/** Success rate per strategy and role, with negotiations and errors in the table. */
export function strategiesChart(report: Report): ChartSpec | undefined {
  const rows = report.results.strategies?.by_strategy ?? [];
  if (rows.length === 0) return undefined;
  const labels = rows.map((s) => `${s.name} (${s.role})`);
  const option: EChartsOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 48, top: 36, bottom: 32, containLabel: true },
    xAxis: [{ type: 'value', name: 'negotiations' }, { type: 'value', name: 'success', max: 100, position: 'top', show: false }],
    yAxis: { type: 'category', data: labels, inverse: true },
    series: [
      { type: 'bar', name: 'negotiations', data: rows.map((s) => s.negotiations), label: { show: true, position: 'right' } },
      { type: 'bar', name: 'errors', data: rows.map((s) => s.errors), itemStyle: { color: '#d62728' } },
      { type: 'bar', name: 'success rate %', xAxisIndex: 1, data: rows.map((s) => pct1(s.success_rate) ?? 0), label: { show: true, position: 'right', formatter: '{c}%' } },
    ],
  };
  return {
    id: 'strategies',
    title: 'Strategies',
    caption: 'Negotiations each strategy took part in (that reached a store), its success rate and the negotiations it broke (strategy_error).',
    option,
    height: Math.max(180, 80 + 56 * rows.length),
    table: {
      head: ['strategy', 'role', 'organisations', 'negotiations', 'succeeded', 'success rate', 'errors'],
      rows: rows.map((s) => [s.name, s.role, s.organisations.join(', '), String(s.negotiations), String(s.succeeded), pct(s.success_rate), String(s.errors)]),
    },
  };
}
