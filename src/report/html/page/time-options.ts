/**
 * Charts over virtual time of a run report: the reference price of each category with halts,
 * breaker intervals and regime boundaries, success and negotiations per bucket, and exposure
 * against its limit. Pure functions of the report data (no DOM), so they are tested in Node.
 */
import type { EChartsOption, MarkAreaComponentOption, SeriesOption } from 'echarts';
import type { Report } from '../../report.js';
import type { ChartSpec } from './spec.js';

const S = 1_000_000;
const seconds = (us: number) => us / S;

/** "90 s" → "1:30": labels of a time axis in minutes and seconds of virtual time. */
export function clockLabel(s: number): string {
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  return `${m}:${String(whole % 60).padStart(2, '0')}`;
}

/** A breaker's intervals out of the closed state, from its transitions: [from_us, to_us, state]. */
export function breakerIntervals(transitions: readonly { time_us: number; to: string }[], endUs: number): [number, number, 'open' | 'half_open'][] {
  const out: [number, number, 'open' | 'half_open'][] = [];
  for (let i = 0; i < transitions.length; i++) {
    const t = transitions[i]!;
    if (t.to !== 'open' && t.to !== 'half_open') continue;
    const next = transitions[i + 1];
    out.push([t.time_us, next ? next.time_us : Math.max(endUs, t.time_us), t.to]);
  }
  return out;
}

function timeAxis(report: Report): EChartsOption['xAxis'] {
  return {
    type: 'value',
    name: 'virtual time',
    nameLocation: 'middle',
    nameGap: 28,
    min: 0,
    max: Math.max(1, seconds(report.results.virtual_end_us)),
    axisLabel: { formatter: (v: number) => clockLabel(v) },
  };
}

/** Vertical lines at the start of every regime but the first, named after it. */
function regimeLines(report: Report): SeriesOption {
  const regimes = report.results.negotiation.by_regime;
  return {
    type: 'line',
    name: 'regime boundaries',
    data: [],
    // The legend's mark shows what is drawn: a grey dashed line.
    itemStyle: { color: '#7f7f7f' },
    lineStyle: { type: 'dashed', color: '#7f7f7f' },
    markLine: {
      symbol: 'none',
      silent: true,
      lineStyle: { type: 'dashed', color: '#7f7f7f' },
      label: { formatter: '{b}', position: 'insideEndTop' },
      data: regimes.slice(1).map((r) => ({ name: r.regime, xAxis: seconds(r.start_us) })),
    },
  };
}

type Areas = NonNullable<MarkAreaComponentOption['data']>;

/** Shaded intervals in which each breaker was open (red) or half-open (amber), one series per organisation. */
function breakerAreas(report: Report): SeriesOption[] {
  return report.results.breakers
    .filter((b) => b.transitions.length > 0)
    .map((b) => ({
      type: 'line',
      name: `breaker ${b.organisation}`,
      data: [],
      itemStyle: { color: 'rgba(214,39,40,0.45)' },
      lineStyle: { color: 'rgba(214,39,40,0.45)', width: 8 },
      markArea: {
        silent: true,
        data: breakerIntervals(b.transitions, report.results.virtual_end_us).map(
          ([from, to, state]) =>
            [
              { name: state === 'open' ? 'open' : 'half-open', xAxis: seconds(from), itemStyle: { color: state === 'open' ? 'rgba(214,39,40,0.18)' : 'rgba(255,160,0,0.16)' } },
              { xAxis: seconds(to) },
            ] as Areas[number],
        ),
        // The legend names the breaker; a label per interval would pile up where it flaps.
        label: { show: false },
      },
    }));
}

/** The category's limit-up/limit-down band edges, dashed (none when it has no bands, or the report predates them). */
function bandSeries(report: Report, category: string): SeriesOption[] {
  const bands = report.limit_bands?.find((b) => b.category === category);
  if (!bands) return [];
  const buckets = report.results.timeseries.buckets;
  const edge = (name: string, values: string[]): SeriesOption => ({
    type: 'line',
    name,
    showSymbol: false,
    step: 'end',
    lineStyle: { type: 'dashed', width: 1, color: '#9467bd' },
    itemStyle: { color: '#9467bd' },
    data: values.map((v, i) => [seconds(buckets[i]?.start_us ?? i * report.results.timeseries.bucket_us), Number(v)]),
  });
  return [edge(`limit band ±${Number((bands.width * 100).toFixed(2))}% (upper)`, bands.upper), edge('limit band (lower)', bands.lower)];
}

/** Per category: its reference price per bucket, its halts and limit-band pauses, breaker intervals and regime boundaries. */
export function priceCharts(report: Report): ChartSpec[] {
  const r = report.results;
  const buckets = r.timeseries.buckets;
  return r.market.map((m) => {
    const halts = r.halts.filter((h) => h.category === null || h.category === m.category);
    const haltSeries: SeriesOption = {
      type: 'line',
      name: 'halts and limit-band pauses',
      data: [],
      itemStyle: { color: 'rgba(90,90,90,0.5)' },
      lineStyle: { color: 'rgba(90,90,90,0.5)', width: 8 },
      markArea: {
        silent: true,
        itemStyle: { color: 'rgba(90,90,90,0.22)' },
        label: { show: true, position: 'insideBottom', fontSize: 10 },
        data: halts.map((h) => [{ name: h.kind.replace('_', ' '), xAxis: seconds(h.start_us) }, { xAxis: seconds(h.end_us) }] as Areas[number]),
      },
    };
    const option: EChartsOption = {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 64, bottom: 48 },
      xAxis: timeAxis(report),
      yAxis: { type: 'value', name: 'price', scale: true },
      series: [
        { type: 'line', name: `${m.category} reference price`, showSymbol: false, data: buckets.map((b) => [seconds(b.start_us), Number(b.reference_price[m.category])]) },
        ...bandSeries(report, m.category),
        haltSeries,
        ...breakerAreas(report),
        regimeLines(report),
      ],
    };
    return {
      id: `price-${m.category}`,
      title: `Reference price: ${m.category}`,
      caption: `From ${m.start_price} to ${m.end_price} (range ${m.min_price}–${m.max_price}); ${halts.length === 0 ? 'no halts' : `${halts.length} halt(s) and limit-band pause(s) shaded grey`}${report.limit_bands?.some((b) => b.category === m.category) ? ', limit bands dashed in purple' : ''}, breakers open in red and half-open in amber, regime boundaries dashed.`,
      option,
      table: {
        head: ['from', 'reference price'],
        rows: buckets.map((b) => [clockLabel(seconds(b.start_us)), b.reference_price[m.category] ?? '–']),
      },
    };
  });
}

/** Negotiations ended per bucket (bars) and their success rate (line), with breaker intervals and regime boundaries. */
export function successOverTime(report: Report): ChartSpec {
  const r = report.results;
  const buckets = r.timeseries.buckets;
  const mid = (b: { start_us: number; end_us: number }) => seconds((b.start_us + b.end_us) / 2);
  const option: EChartsOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 64, right: 64, top: 64, bottom: 48 },
    xAxis: timeAxis(report),
    yAxis: [
      { type: 'value', name: 'negotiations' },
      { type: 'value', name: 'success', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: 'negotiations ended', barWidth: '60%', data: buckets.map((b) => [mid(b), b.negotiations]) },
      {
        type: 'line',
        name: 'success rate',
        yAxisIndex: 1,
        connectNulls: false,
        data: buckets.map((b) => [mid(b), b.success_rate === null ? null : Math.round(b.success_rate * 1000) / 10]),
      },
      ...breakerAreas(report),
      regimeLines(report),
    ],
  };
  return {
    id: 'success-over-time',
    title: 'Success rate and negotiations over time',
    caption: `Per bucket of ${seconds(r.timeseries.bucket_us)} s of virtual time: negotiations that ended in it and the share that succeeded.`,
    option,
    table: {
      head: ['from', 'negotiations', 'succeeded', 'success rate'],
      rows: buckets.map((b) => [clockLabel(seconds(b.start_us)), String(b.negotiations), String(b.succeeded), b.success_rate === null ? '–' : `${(b.success_rate * 100).toFixed(1)}%`]),
    },
  };
}

/** Each organisation with an exposure limit: its peak exposure per bucket against the limit. */
export function exposureCharts(report: Report): ChartSpec[] {
  const r = report.results;
  const bucketUs = r.timeseries.bucket_us;
  return r.risk.exposure.map((e) => ({
    id: `exposure-${e.organisation}`,
    title: `Exposure: ${e.organisation}`,
    caption: `Peak exposure per bucket against the limit of ${e.limit} (peak ${e.peak}).`,
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 72, right: 24, top: 64, bottom: 48 },
      xAxis: timeAxis(report),
      // The limit is drawn even when exposure stayed far below it.
      yAxis: { type: 'value', name: 'exposure', max: (v: { max: number }) => Math.ceil(Math.max(v.max, Number(e.limit)) * 1.05) },
      series: [
        {
          type: 'line',
          name: 'peak exposure',
          step: 'end',
          areaStyle: { opacity: 0.15 },
          showSymbol: false,
          data: e.peaks.map((p, i) => [seconds(i * bucketUs), Number(p)]),
          markLine: { symbol: 'none', lineStyle: { color: '#d62728', width: 2 }, label: { formatter: `limit ${e.limit}`, position: 'insideEndTop' }, data: [{ yAxis: Number(e.limit) }] },
        },
        regimeLines(report),
      ],
    },
    table: { head: ['from', 'peak exposure'], rows: e.peaks.map((p, i) => [clockLabel(seconds(i * bucketUs)), p]) },
  }));
}
