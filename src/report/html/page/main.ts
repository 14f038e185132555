/**
 * The script of report.html: reads the report embedded in the page (a <script type=
 * "application/json" id="report-data">), builds the page of its kind and draws it. Errors are
 * shown on the page, not only in the console.
 */
import { pageOf, type PageData } from './page-spec.js';
import { renderPage } from './render.js';

const root = document.getElementById('report')!;
try {
  const data = JSON.parse(document.getElementById('report-data')!.textContent ?? '') as PageData;
  const { charts } = renderPage(root, pageOf(data));
  root.setAttribute('data-charts', String(charts));
  root.setAttribute('data-ready', 'true');
} catch (err) {
  root.append(Object.assign(document.createElement('p'), { className: 'failure', textContent: `This report could not be drawn: ${(err as Error).message}` }));
  throw err;
}
