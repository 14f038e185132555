/** What a page draws: charts as data (an ECharts option plus words and a table of its figures). */
import type { EChartsOption } from 'echarts';

/** One chart of a page. */
export interface ChartSpec {
  /** unique on the page; the figure's id and its `data-chart` */
  readonly id: string;
  readonly title: string;
  /** one sentence on what is drawn and how to read it */
  readonly caption: string;
  readonly option: EChartsOption;
  /** the chart's figures as a table, for keyboard and screen-reader users and for print */
  readonly table?: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** height in px (default 320) */
  readonly height?: number;
}

/** A section of a page: charts, or when there is nothing to draw, the reason. */
export interface SectionSpec {
  readonly id: string;
  readonly title: string;
  readonly charts: readonly ChartSpec[];
  /** shown instead of charts when there are none */
  readonly empty?: string;
  /** sentences shown after the charts (e.g. what had nothing to draw) */
  readonly notes?: readonly string[];
  /** an HTML-free table shown after the charts */
  readonly table?: { readonly caption: string; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };
}
