/**
 * Charts of a tournament: each competitor's mean of a figure with its confidence interval (one
 * row per competitor, in ranking order), and a figure's mean per competitor and opponent (or
 * scenario) as a heatmap. Pure functions of the report data (no DOM).
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn, EChartsOption } from 'echarts';
import type { CompetitorStanding, Figure } from '../../../study/tournament-scores.js';
import type { TournamentPageReport as TournamentReport } from '../tournament-embed.js';
import type { ChartSpec } from './spec.js';
import { escapeHtml } from './values.js';

/** What each figure means, in a few words (docs/tournaments.md defines them). */
export const FIGURE_MEANINGS: Readonly<Record<Figure, string>> = {
  agreement_rate: 'the share of its negotiations that ended in a deal',
  utility: 'its utility at the price agreed (its reserved value without a deal)',
  advantage: 'its share of the surplus between its reservation and its aspiration (0 without a deal)',
  partner_welfare: "the other side's utility",
  welfare: "both sides' utilities added",
  pareto_optimality: '1 less the distance to the Pareto frontier (1 for any deal in the zone of agreement)',
  nash_optimality: '1 less the distance to the Nash bargaining point (the middle of the zone of agreement)',
};

/** A figure's value as written on the page: three decimals, or a dash when there is none. */
export const score3 = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(3));

const level = (t: TournamentReport) => `${Math.round(t.confidence * 100)}%`;

/** An axis that holds every interval, ending on tenths (the figures live around 0 to 1), so close figures stay apart. */
export function intervalAxis(rows: readonly { low: number | null; high: number | null; mean: number | null }[]): { min: number; max: number } {
  const xs = rows.flatMap((r) => [r.low, r.high, r.mean]).filter((x): x is number => x !== null);
  if (xs.length === 0) return { min: 0, max: 1 };
  // The tolerance keeps a figure on a tenth (1.0) from pushing the axis a tenth further.
  const min = Math.floor(Math.min(...xs) * 10 + 1e-9) / 10;
  const max = Math.ceil(Math.max(...xs) * 10 - 1e-9) / 10;
  return max > min ? { min, max } : { min: Number((max - 0.1).toFixed(1)), max };
}

/** Each competitor's mean of `figure` (dot) and its interval (bar with end ticks), one row per competitor in ranking order. */
export function intervalChart(t: TournamentReport, figure: Figure, id: string, title: string): ChartSpec {
  const ranking = t.ranking;
  const stats = (s: CompetitorStanding) => s.figures[figure];
  const labels = ranking.map((s) => `${s.rank}. ${s.competitor}`);
  const data = ranking.flatMap((s, i) => {
    const f = stats(s);
    if (f.mean === null || f.low === null || f.high === null) return [];
    return [{ value: [i, f.mean, f.low, f.high], tip: `${escapeHtml(s.competitor)}: ${figure} ${score3(f.mean)}, ${level(t)} interval [${score3(f.low)}, ${score3(f.high)}] over ${f.runs} run${f.runs === 1 ? '' : 's'}` }];
  });
  const colour = '#5470c6';
  const renderItem = (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const row = api.value(0) as number;
    const [mean, low, high] = [1, 2, 3].map((d) => api.value(d) as number) as [number, number, number];
    const x = (v: number) => api.coord([v, row])[0]!;
    const y = api.coord([0, row])[1]!;
    const tick = (api.size!([0, 1]) as number[])[1]! * 0.25;
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: x(low), y1: y, x2: x(high), y2: y }, style: { stroke: colour, lineWidth: 2.5 } },
        { type: 'line', shape: { x1: x(low), y1: y - tick, x2: x(low), y2: y + tick }, style: { stroke: colour, lineWidth: 2 } },
        { type: 'line', shape: { x1: x(high), y1: y - tick, x2: x(high), y2: y + tick }, style: { stroke: colour, lineWidth: 2 } },
        { type: 'circle', shape: { cx: x(mean), cy: y, r: 5 }, style: { fill: colour, stroke: '#fff', lineWidth: 1 } },
      ],
    };
  };
  const axis = intervalAxis(ranking.map(stats));
  const option: EChartsOption = {
    tooltip: { trigger: 'item', formatter: (p: unknown) => (p as { data: { tip: string } }).data.tip },
    grid: { left: 8, right: 32, top: 16, bottom: 44, containLabel: true },
    xAxis: { type: 'value', name: `mean ${figure} over runs, with its ${level(t)} interval`, nameLocation: 'middle', nameGap: 28, min: axis.min, max: axis.max },
    yAxis: { type: 'category', data: labels, inverse: true, axisTick: { show: false } },
    series: [{ type: 'custom', name: `${figure} with its ${level(t)} interval`, renderItem, encode: { x: [1, 2, 3], y: 0 }, data }],
  };
  return {
    id,
    title,
    caption: `${figure}: ${FIGURE_MEANINGS[figure]}. Each competitor's mean over the runs it played (dot) with its ${level(t)} confidence interval (bar); intervals that overlap do not tell the two apart.`,
    option,
    height: Math.max(180, 76 + 32 * ranking.length),
    table: {
      head: ['rank', 'competitor', 'mean', `${level(t)} interval`, 'runs'],
      rows: ranking.map((s) => [String(s.rank), s.competitor, score3(stats(s).mean), stats(s).low === null ? '–' : `[${score3(stats(s).low)}, ${score3(stats(s).high)}]`, String(stats(s).runs)]),
    },
  };
}

/** A matrix of means: rows × columns, null where no run met. */
export interface MatrixData {
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly values: readonly (readonly (number | null)[])[];
}

/** The matrix as a heatmap: colour and the number in each cell are the mean; empty cells had no run. Rows are named in the caption and the table (an axis name there would sit on the column labels). */
export function heatmapChart(m: MatrixData, spec: { id: string; title: string; caption: string; rowName: string; columnName: string; figure: string }): ChartSpec {
  const cells = m.rows.flatMap((_, i) => m.columns.flatMap((_c, j) => (m.values[i]![j] === null ? [] : [{ value: [j, i, m.values[i]![j]!] }])));
  const xs = cells.map((c) => c.value[2]!);
  const lo = xs.length > 0 ? Math.min(...xs) : 0;
  const hi = xs.length > 0 ? Math.max(...xs) : 1;
  const option: EChartsOption = {
    tooltip: { formatter: (p: unknown) => { const v = (p as { data: { value: number[] } }).data.value; return `${escapeHtml(m.rows[v[1]!]!)} against ${escapeHtml(m.columns[v[0]!]!)}: ${spec.figure} ${score3(v[2]!)}`; } },
    grid: { left: 8, right: 24, top: 16, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: [...m.columns], name: spec.columnName, nameLocation: 'middle', nameGap: 44, splitArea: { show: true }, axisLabel: { interval: 0, rotate: m.columns.length > 6 ? 30 : 0 } },
    yAxis: { type: 'category', data: [...m.rows], inverse: true, splitArea: { show: true } },
    visualMap: { type: 'continuous', min: lo, max: hi > lo ? hi : lo + 1e-6, calculable: false, text: [score3(hi), score3(lo)], orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, precision: 3, inRange: { color: ['#f7fbff', '#9ecae1', '#2171b5', '#08306b'] } },
    series: [{ type: 'heatmap', name: spec.figure, label: { show: true, formatter: (p: unknown) => score3((p as { data: { value: number[] } }).data.value[2]), fontSize: 11 }, data: cells }],
  };
  return {
    id: spec.id,
    title: spec.title,
    caption: spec.caption,
    option,
    height: Math.max(240, 150 + 34 * m.rows.length),
    table: { head: [`${spec.rowName} ↓ / ${spec.columnName} →`, ...m.columns], rows: m.rows.map((r, i) => [r, ...m.values[i]!.map(score3)]) },
  };
}
