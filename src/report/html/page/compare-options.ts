/**
 * Charts of a comparison: a forest plot of every metric's relative change with its confidence
 * interval against its noise band, and per metric the baseline's and the candidate's value seed
 * by seed. Pure functions of the report data (no DOM).
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn, EChartsOption } from 'echarts';
import type { CompareReport } from '../../compare-report.js';
import type { MetricComparison } from '../../../study/statistics.js';
import { idOf, type ChartSpec } from './spec.js';
import { axisOf, escapeHtml, metricText, signedPct } from './values.js';

export const VERDICT_COLOURS = { regressed: '#d62728', improved: '#2ca02c', unchanged: '#7f7f7f' } as const;

/** The forest plot's axis reaches every interval, unless one is wild: then it stops here (in %) and the interval is drawn cut, with an arrow. */
export function forestLimit(metrics: readonly MetricComparison[]): { limit: number; clipped: boolean } {
  const noise = metrics.reduce((m, x) => Math.max(m, x.noise * 100), 0);
  const reach = metrics.reduce((m, x) => Math.max(m, x.noise * 100, ...[x.low, x.high, x.change].filter((v): v is number => v !== null).map((v) => Math.abs(v * 100))), 0);
  const cap = Math.max(100, 4 * noise);
  return reach > cap ? { limit: niceCeiling(cap), clipped: true } : { limit: niceCeiling(reach * 1.05), clipped: false };
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k at or above x (x > 0), so the axis ends on a round figure. */
export function niceCeiling(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((f) => f * power >= x * (1 - 1e-12))!;
  return Number((step * power).toPrecision(12));
}

/** A metric's row label: its name and, in words, its verdict. */
export function rowLabel(m: MetricComparison): string {
  return `${m.metric}${m.pairs === 0 ? ' (no pairs)' : m.verdict === 'unchanged' ? '' : ` (${m.verdict})`}`;
}

/** Each metric's change (a dot) with its interval (a bar), over its noise band (grey); coloured and labelled by verdict. */
export function forestChart(c: CompareReport): ChartSpec {
  const { limit, clipped } = forestLimit(c.metrics);
  const rows = c.metrics;
  const level = `${Math.round(c.confidence * 100)}%`;
  const data = rows.flatMap((m, i) =>
    m.change === null || m.low === null || m.high === null
      ? []
      : [
          {
            value: [i, m.change * 100, m.low * 100, m.high * 100, m.noise * 100],
            verdict: m.verdict,
            tip: `${escapeHtml(m.metric)} (${m.better} is better): ${signedPct(m.change)}, ${level} interval [${signedPct(m.low)}, ${signedPct(m.high)}], noise ±${(m.noise * 100).toFixed(1)}%: ${m.verdict}`,
          },
        ],
  );
  const clamp = (x: number) => Math.max(-limit, Math.min(limit, x));
  const renderItem = (params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const row = api.value(0) as number;
    const [change, low, high, noise] = [1, 2, 3, 4].map((d) => api.value(d) as number) as [number, number, number, number];
    const verdict = data[params.dataIndex]!.verdict;
    const colour = VERDICT_COLOURS[verdict];
    const x = (v: number) => api.coord([clamp(v), row])[0]!;
    const y = api.coord([0, row])[1]!;
    const band = (api.size!([0, 1]) as number[])[1]! * 0.7;
    const tick = band * 0.35;
    const arrow = (at: number, dir: 1 | -1) => ({ type: 'polygon' as const, shape: { points: [[at, y - 5], [at, y + 5], [at + dir * 8, y]] }, style: { fill: colour } });
    const children: NonNullable<Extract<CustomSeriesRenderItemReturn, { type: 'group' }>['children']> = [
      { type: 'rect', shape: { x: x(-noise), y: y - band / 2, width: x(noise) - x(-noise), height: band }, style: { fill: 'rgba(127,127,127,0.3)' } },
      { type: 'line', shape: { x1: x(low), y1: y, x2: x(high), y2: y }, style: { stroke: colour, lineWidth: 2.5 } },
      ...(low >= -limit ? [{ type: 'line' as const, shape: { x1: x(low), y1: y - tick, x2: x(low), y2: y + tick }, style: { stroke: colour, lineWidth: 2 } }] : [arrow(x(-limit), -1)]),
      ...(high <= limit ? [{ type: 'line' as const, shape: { x1: x(high), y1: y - tick, x2: x(high), y2: y + tick }, style: { stroke: colour, lineWidth: 2 } }] : [arrow(x(limit), 1)]),
      { type: 'circle', shape: { cx: x(change), cy: y, r: 5 }, style: { fill: colour, stroke: '#fff', lineWidth: 1 } },
    ];
    return { type: 'group', children };
  };
  const option: EChartsOption = {
    tooltip: { trigger: 'item', formatter: (p: unknown) => (p as { data: { tip: string } }).data.tip },
    grid: { left: 8, right: 32, top: 16, bottom: 44, containLabel: true },
    xAxis: { type: 'value', name: `relative change of the mean, candidate against baseline (%)`, nameLocation: 'middle', nameGap: 28, min: -limit, max: limit, axisLabel: { formatter: (v: number) => `${v > 0 ? '+' : ''}${v}%` } },
    yAxis: { type: 'category', data: rows.map(rowLabel), inverse: true, axisTick: { show: false } },
    series: [
      {
        type: 'custom',
        name: `change with its ${level} interval`,
        renderItem,
        encode: { x: [1, 2, 3], y: 0 },
        data,
        markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: '#7f7f7f', type: 'solid', width: 1 }, data: [{ xAxis: 0 }] },
      },
    ],
  };
  return {
    id: 'forest',
    title: 'Change per metric',
    caption: `Each metric's relative change of the mean (dot) with its ${level} paired-bootstrap interval (bar), over its noise band (grey, ±the threshold). A metric regressed (red) when its whole interval lies beyond the band in the worse direction, improved (green) beyond it in the better one; otherwise unchanged (grey).${clipped ? ` Intervals past ±${limit}% are cut at the edge, with an arrow.` : ''}`,
    option,
    height: Math.max(200, 76 + 34 * rows.length),
  };
}

/** Pairs of values of one metric: the baseline's and the candidate's run of each seed where both finished. */
export function pairsOf(c: CompareReport, metric: string): { seed: number; baseline: number; candidate: number }[] {
  return c.baseline_seeds.flatMap((b, k) => {
    const cand = c.candidate_seeds[k];
    const x = b.metrics[metric];
    const y = cand?.metrics[metric];
    return b.status === 'ok' && cand?.status === 'ok' && x !== undefined && y !== undefined ? [{ seed: b.seed, baseline: x, candidate: y }] : [];
  });
}

/** Rows of a chart's table past which it says how many it left out. */
const TABLE_ROWS = 200;

/** One metric seed by seed: the baseline's value and the candidate's (lines with dots), each mean dashed. */
export function pairedChart(c: CompareReport, m: MetricComparison): ChartSpec {
  const pairs = pairsOf(c, m.metric);
  const axis = axisOf(m.metric);
  const v = (x: number) => Number(axis.scale(x).toPrecision(6));
  const many = pairs.length > 60;
  // The two means are often close: one is labelled at the left end, the other at the right.
  const mean = (name: string, value: number | null, colour: string, position: 'insideStartTop' | 'insideEndTop') =>
    value === null ? undefined : { symbol: 'none', silent: true, lineStyle: { type: 'dashed' as const, color: colour }, label: { formatter: `${name} mean`, position }, data: [{ yAxis: v(value) }] };
  const option: EChartsOption = {
    tooltip: { trigger: 'axis', valueFormatter: (x) => (typeof x === 'number' ? `${x}${axis.unit === '%' ? '%' : axis.unit ? ` ${axis.unit}` : ''}` : String(x)) },
    legend: { top: 0 },
    grid: { left: 16, right: 24, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: 'category', name: 'seed', nameLocation: 'middle', nameGap: 26, data: pairs.map((p) => String(p.seed)) },
    yAxis: { type: 'value', name: axis.unit, scale: true },
    series: [
      { type: 'line', name: 'baseline', symbol: 'circle', symbolSize: 7, showSymbol: !many, itemStyle: { color: '#5470c6' }, data: pairs.map((p) => v(p.baseline)), markLine: mean('baseline', m.baseline_mean, '#5470c6', 'insideStartTop') },
      { type: 'line', name: 'candidate', symbol: 'triangle', symbolSize: 9, showSymbol: !many, itemStyle: { color: '#ee6666' }, lineStyle: { type: 'dotted' }, data: pairs.map((p) => v(p.candidate)), markLine: mean('candidate', m.candidate_mean, '#ee6666', 'insideEndTop') },
    ],
  };
  const level = `${Math.round(c.confidence * 100)}%`;
  return {
    id: `pairs-${idOf(m.metric)}`,
    title: m.metric,
    caption: `${m.better === 'higher' ? 'Higher' : 'Lower'} is better. Over ${pairs.length} paired seed${pairs.length === 1 ? '' : 's'}: baseline mean ${metricText(m.metric, m.baseline_mean)}, candidate mean ${metricText(m.metric, m.candidate_mean)}, change ${signedPct(m.change)} (${level} interval [${signedPct(m.low)}, ${signedPct(m.high)}], noise ±${(m.noise * 100).toFixed(1)}%): ${m.verdict}.`,
    option,
    height: 260,
    table: {
      head: ['seed', 'baseline', 'candidate'],
      rows: [
        ...pairs.slice(0, TABLE_ROWS).map((p) => [String(p.seed), metricText(m.metric, p.baseline), metricText(m.metric, p.candidate)]),
        ...(pairs.length > TABLE_ROWS ? [[`… ${pairs.length - TABLE_ROWS} more seeds in compare.json`, '', '']] : []),
      ],
    },
  };
}
