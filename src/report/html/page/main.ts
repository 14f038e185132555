/**
 * The script of report.html: reads the report embedded in the page (a <script type=
 * "application/json" id="report-data">), builds the page of its kind and draws it. Errors are
 * shown on the page, not only in the console. How long drawing took is left on the root element
 * (data-render-ms; data-ready-ms counts from the start of navigation) for bench/report-pages.ts.
 */
import { pageOf, type PageData } from './page-spec.js';
import { renderPage } from './render.js';

const root = document.getElementById('report')!;
try {
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById('report-data')!.textContent ?? '') as PageData;
  const { charts } = renderPage(root, pageOf(data));
  const t1 = performance.now();
  root.setAttribute('data-charts', String(charts));
  root.setAttribute('data-render-ms', String(Math.round(t1 - t0)));
  root.setAttribute('data-ready-ms', String(Math.round(t1)));
  root.setAttribute('data-ready', 'true');
} catch (err) {
  root.append(Object.assign(document.createElement('p'), { className: 'failure', textContent: `This report could not be drawn: ${(err as Error).message}` }));
  throw err;
}
