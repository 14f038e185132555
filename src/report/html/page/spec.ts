/** What a page draws: charts as data (an ECharts option plus words and a table of its figures). */
import type { EChartsOption } from 'echarts';

/** A table of text (never HTML). */
export interface TableSpec {
  readonly caption?: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** per row, a verdict that colours its last cell (whose text says the same: colour never carries it alone) */
  readonly states?: readonly ('pass' | 'fail' | 'none')[];
  /** columns holding commands, shown as code (e.g. replay commands) */
  readonly code?: readonly number[];
}

/** One chart of a page. */
export interface ChartSpec {
  /** unique on the page; the figure's id and its `data-chart` */
  readonly id: string;
  readonly title: string;
  /** one sentence on what is drawn and how to read it */
  readonly caption: string;
  readonly option: EChartsOption;
  /** the chart's figures as a table, for keyboard and screen-reader users and for print */
  readonly table?: TableSpec;
  /** height in px (default 320) */
  readonly height?: number;
}

/** A section of a page: charts, or when there is nothing to draw, the reason. */
export interface SectionSpec {
  readonly id: string;
  readonly title: string;
  readonly charts: readonly ChartSpec[];
  /** shown instead of charts when there are none (and no table) */
  readonly empty?: string;
  /** sentences shown after the charts (e.g. what had nothing to draw) */
  readonly notes?: readonly string[];
  /** tables shown after the charts */
  readonly tables?: readonly TableSpec[];
}

/** A page of the HTML report, whatever kind of report it shows: the header and the sections. */
export interface PageSpec {
  readonly title: string;
  /** the verdict, in words (its colour repeats it) */
  readonly verdict: { readonly text: string; readonly state: 'pass' | 'fail' | 'none' };
  /** what ran, as [label, value] */
  readonly facts: readonly (readonly [string, string])[];
  /** a table in the header (the budgets and how each fared) */
  readonly summary?: TableSpec;
  readonly sections: readonly SectionSpec[];
}

/** An id for an element from any name: letters, digits and dashes only, so it is also a plain CSS selector. */
export function idOf(...parts: string[]): string {
  return parts.join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
