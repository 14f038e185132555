/**
 * Lays a PageSpec out in the document and draws its charts with ECharts (SVG renderer: crisp in
 * print and zoom). Charts follow the reader's colour scheme, and are redrawn light and at the
 * paper's width for printing.
 */
import { BarChart, BoxplotChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec, PageSpec, TableSpec } from './spec.js';

echarts.use([LineChart, BarChart, HeatmapChart, BoxplotChart, ScatterChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, VisualMapComponent, AriaComponent, SVGRenderer]);

/** Width of a chart on A4 or Letter paper with the browser's default margins. */
const PRINT_WIDTH_PX = 680;

type Child = Node | string | undefined | false;

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

function table(spec: TableSpec): HTMLElement {
  const code = new Set(spec.code ?? []);
  const cell = (text: string, i: number, last: boolean, state: string | undefined) => {
    const content = code.has(i) ? h('code', {}, text) : text;
    if (i === 0) return h('th', { scope: 'row' }, content);
    const classes = [last && state && state !== 'none' ? state : '', code.has(i) ? 'command' : ''].filter(Boolean).join(' ');
    return h('td', classes ? { class: classes } : {}, content);
  };
  return h(
    'table',
    {},
    spec.caption ? h('caption', {}, spec.caption) : undefined,
    h('thead', {}, h('tr', {}, ...spec.head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...spec.rows.map((r, k) => h('tr', {}, ...r.map((c, i) => cell(c, i, i === r.length - 1, spec.states?.[k]))))),
  );
}

interface Drawn {
  readonly spec: ChartSpec;
  readonly host: HTMLElement;
  chart?: echarts.ECharts;
}

function figure(spec: ChartSpec, drawn: Drawn[]): HTMLElement {
  const host = h('div', { class: 'chart', style: `height:${spec.height ?? 320}px`, role: 'img', 'aria-label': `${spec.title}. ${spec.caption}` });
  drawn.push({ spec, host });
  return h(
    'figure',
    { id: spec.id, 'data-chart': spec.id, tabindex: '0', 'aria-labelledby': `${spec.id}-title` },
    h('h3', { id: `${spec.id}-title` }, spec.title),
    host,
    h('figcaption', {}, spec.caption),
    spec.table && h('details', {}, h('summary', {}, 'Figures as a table'), table(spec.table)),
  );
}

/** Fills `root` with the page and draws every chart; resolves to the charts drawn. */
export function renderPage(root: HTMLElement, page: PageSpec): { charts: number } {
  document.title = page.title;
  const drawn: Drawn[] = [];
  root.append(
    h(
      'header',
      {},
      h('h1', {}, page.title),
      h('p', { class: `verdict ${page.verdict.state}`, role: 'status' }, page.verdict.text),
      h('dl', { class: 'facts' }, ...page.facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      page.summary && table(page.summary),
    ),
    h('nav', { 'aria-label': 'Sections' }, h('ul', {}, ...page.sections.map((s) => h('li', {}, h('a', { href: `#${s.id}` }, s.title))))),
    h(
      'main',
      {},
      ...page.sections.map((s) =>
        h(
          'section',
          { id: s.id, 'aria-labelledby': `${s.id}-heading` },
          h('h2', { id: `${s.id}-heading` }, s.title),
          s.charts.length === 0 && (s.empty !== undefined || (s.tables ?? []).length === 0) && h('p', { class: 'empty', 'data-empty': s.id }, s.empty ?? 'Nothing to show.'),
          s.charts.length > 0 && h('div', { class: 'figures' }, ...s.charts.map((c) => figure(c, drawn))),
          ...(s.notes ?? []).map((note) => h('p', { class: 'note' }, note)),
          ...(s.tables ?? []).map((t) => h('div', { class: 'table-wrap' }, table(t))),
        ),
      ),
    ),
  );

  const dark = matchMedia('(prefers-color-scheme: dark)');
  const print = matchMedia('print');
  const draw = (theme: 'dark' | 'light', width?: number) => {
    for (const d of drawn) {
      d.chart?.dispose();
      d.chart = echarts.init(d.host, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg', ...(width ? { width } : {}) });
      d.chart.setOption({ backgroundColor: 'transparent', animation: false, aria: { enabled: true }, ...d.spec.option });
    }
  };
  // Paper is white and narrower than most screens: printing redraws light at the printed width.
  const redraw = () => (print.matches ? draw('light', PRINT_WIDTH_PX) : draw(dark.matches ? 'dark' : 'light'));
  redraw();
  dark.addEventListener('change', redraw);
  print.addEventListener('change', redraw);
  addEventListener('beforeprint', () => draw('light', PRINT_WIDTH_PX));
  addEventListener('afterprint', redraw);
  addEventListener('resize', () => drawn.forEach((d) => d.chart?.resize()));
  return { charts: drawn.length };
}
