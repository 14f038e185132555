/**
 * Charts of a swarm report: each metric's distribution over the seeds (a box of its quartiles
 * with every seed as a dot, the budgets on it drawn across), and bars of labelled counts. Pure
 * functions of the report data (no DOM).
 */
import type { EChartsOption } from 'echarts';
import type { SeedStatistics } from '../../swarm-report.js';
import { idOf, type ChartSpec } from './spec.js';
import { axisOf, escapeHtml, metricText, quantile } from './values.js';

/** One seed's value of a metric, and whether the seed breached a budget on that metric. */
export interface SeedValue {
  readonly seed: number | string;
  readonly value: number;
  readonly breached: boolean;
}

/** A budget on the metric: its expression, threshold (the metric's unit) and the seeds that breached it. */
export interface BudgetLine {
  readonly expression: string;
  readonly threshold: number;
  readonly breaches: number;
}

const RED = '#d62728';
const GREEN = '#2ca02c';

/** A seed's vertical place in the strip: spread evenly by its index (golden ratio), the same on every draw. */
export function jitter(index: number): number {
  return (((index * 0.6180339887498949) % 1) - 0.5) * 0.9;
}

/** Box, dots and budget lines of one metric over the seeds; the range always reaches every budget. */
export function distributionChart(metric: string, values: readonly SeedValue[], budgets: readonly BudgetLine[], stats?: SeedStatistics | null): ChartSpec {
  const axis = axisOf(metric);
  const scaled = values.map((v) => axis.scale(v.value));
  const sorted = [...scaled].sort((a, b) => a - b);
  const box = [sorted[0]!, quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75), sorted[sorted.length - 1]!];
  const thresholds = budgets.map((b) => axis.scale(b.threshold));
  const lo = Math.min(sorted[0]!, ...thresholds);
  const hi = Math.max(sorted[sorted.length - 1]!, ...thresholds);
  // A budget far from the values (a 1 s budget over 20 ms latencies) would squash them: a log axis keeps both readable.
  const log = lo > 0 && hi / lo > 20;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
  const dot = (v: SeedValue, i: number) => ({ value: [scaled[i]!, jitter(i)], seed: v.seed, text: metricText(metric, v.value) });
  const small = values.length > 200;
  const tip = (p: unknown) => {
    const d = (p as { data: { seed: number | string; text: string } }).data;
    return `seed ${escapeHtml(String(d.seed))}: ${escapeHtml(d.text)}`;
  };
  const option: EChartsOption = {
    tooltip: { trigger: 'item' },
    legend: { top: 0 },
    grid: { left: 16, right: 24, top: budgets.length > 1 ? 52 : 36, bottom: 36, containLabel: true },
    xAxis: {
      type: log ? 'log' : 'value',
      name: axis.unit,
      nameLocation: 'middle',
      nameGap: 24,
      ...(log ? { min: Number((lo / 1.25).toPrecision(3)), max: Number((hi * 1.25).toPrecision(3)) } : { min: Number((lo - pad).toPrecision(6)), max: Number((hi + pad).toPrecision(6)) }),
      // The ends are the padded range (110.74 …), not figures worth a label.
      axisLabel: { hideOverlap: true, showMinLabel: false, showMaxLabel: false },
      // The strip's hidden vertical axis runs from -1 to 1: the axis line stays at the bottom, not at its 0.
      axisLine: { onZero: false },
    },
    yAxis: [
      { type: 'category', data: [''], axisTick: { show: false }, axisLine: { show: false } },
      { type: 'value', min: -1, max: 1, show: false },
    ],
    series: [
      {
        type: 'boxplot',
        name: 'quartiles',
        boxWidth: [12, 56],
        itemStyle: { color: 'rgba(84,112,198,0.12)', borderColor: '#5470c6' },
        tooltip: { formatter: () => `min ${box[0]}, quartiles ${[box[1], box[2], box[3]].map((x) => Number(x!.toPrecision(6))).join(' / ')}, max ${box[4]}${axis.unit ? ` (${axis.unit})` : ''}` },
        data: [box],
      },
      {
        type: 'scatter',
        name: 'seeds',
        yAxisIndex: 1,
        symbolSize: small ? 4 : 8,
        large: values.length > 2000,
        itemStyle: { color: '#5470c6', opacity: 0.75 },
        tooltip: { formatter: tip },
        data: values.flatMap((v, i) => (v.breached ? [] : [dot(v, i)])),
      },
      // Only a metric with a budget has seeds that breach one (and a legend entry for them).
      ...(budgets.length === 0
        ? []
        : [
            {
              type: 'scatter' as const,
              name: 'seeds breaching a budget',
              yAxisIndex: 1,
              symbol: 'diamond',
              symbolSize: small ? 6 : 11,
              itemStyle: { color: RED },
              tooltip: { formatter: tip },
              data: values.flatMap((v, i) => (v.breached ? [dot(v, i)] : [])),
            },
          ]),
      // One series per budget, so the legend names each dashed line and how it fared.
      ...budgets.map((b, i) => {
        const colour = b.breaches > 0 ? RED : GREEN;
        return {
          type: 'line' as const,
          name: `${b.expression} (${b.breaches > 0 ? `breached by ${b.breaches}` : 'held'})`,
          yAxisIndex: 1,
          data: [],
          itemStyle: { color: colour },
          lineStyle: { type: 'dashed' as const, color: colour },
          markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: colour, type: 'dashed' as const, width: 2 }, data: [{ name: b.expression, xAxis: thresholds[i]! }] },
        };
      }),
    ],
  };
  const raw = values.map((v) => v.value).sort((a, b) => a - b);
  const median = metricText(metric, quantile(raw, 0.5));
  const at = (x: number) => values.filter((v) => v.value === x).map((v) => v.seed).slice(0, 5).join(', ');
  const min = raw[0]!;
  const max = raw[raw.length - 1]!;
  return {
    id: `dist-${idOf(metric)}`,
    title: metric,
    caption: `Over ${values.length} seed${values.length === 1 ? '' : 's'}: from ${metricText(metric, min)} to ${metricText(metric, max)}, median ${median}. Each dot is a seed, the box spans the middle half${log ? ' (log scale)' : ''}${budgets.length ? `; budgets dashed: ${budgets.map((b) => `${b.expression} ${b.breaches > 0 ? `breached by ${b.breaches} seed${b.breaches === 1 ? '' : 's'}` : 'held in every seed'}`).join(', ')}` : ''}.`,
    option,
    height: budgets.length > 1 ? 206 : 190,
    table: {
      head: ['', metric],
      rows: [
        ['seeds', String(values.length)],
        ...(stats ? ([['mean', metricText(metric, stats.mean)], ['stdev', metricText(metric, stats.stdev)]] as [string, string][]) : []),
        ['min', `${metricText(metric, min)} (seed ${at(min)})`],
        ['median', median],
        ...(stats ? ([['p90', metricText(metric, stats.p90)]] as [string, string][]) : []),
        ['max', `${metricText(metric, max)} (seed ${at(max)})`],
        ...budgets.map((b) => [b.expression, b.breaches > 0 ? `breached by ${b.breaches} seed${b.breaches === 1 ? '' : 's'}` : 'held in every seed']),
      ],
    },
  };
}

/** Horizontal bars of labelled counts, largest first. */
export function countBars(id: string, title: string, caption: string, counts: Readonly<Record<string, number>>, valueName: string): ChartSpec {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const option: EChartsOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 16, bottom: 32, containLabel: true },
    xAxis: { type: 'value', name: valueName },
    yAxis: { type: 'category', data: entries.map((e) => e[0]), inverse: true },
    series: [{ type: 'bar', name: valueName, data: entries.map((e) => e[1]), label: { show: true, position: 'right' } }],
  };
  return { id, title, caption, option, height: Math.max(160, 56 + 30 * entries.length), table: { head: ['', valueName], rows: entries.map(([k, v]) => [k, String(v)]) } };
}
