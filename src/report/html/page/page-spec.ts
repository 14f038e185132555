/**
 * The page of each kind of report. A kind (kinds.ts) gets its page by one entry here: a
 * function from its document to a PageSpec, as data, with no DOM (so it is tested in Node).
 */
import type { PageData, PageDocuments, ReportKind } from '../kinds.js';
import { comparePage } from './compare-page.js';
import { runPage } from './run-page.js';
import type { PageSpec } from './spec.js';
import { swarmPage } from './swarm-page.js';
import { tournamentPage } from './tournament-page.js';

export type { PageSpec } from './spec.js';
export type { PageData } from '../kinds.js';

const PAGES: { readonly [K in ReportKind]: (report: PageDocuments[K]) => PageSpec } = {
  run: runPage,
  swarm: swarmPage,
  compare: comparePage,
  tournament: tournamentPage,
};

/** The page of the embedded data, by its kind. */
export function pageOf(data: PageData): PageSpec {
  const build = Object.hasOwn(PAGES, data.kind) ? (PAGES[data.kind] as (report: PageDocuments[ReportKind]) => PageSpec) : undefined;
  if (build === undefined) throw new Error(`unknown kind of report: ${String((data as { kind?: unknown }).kind)}`);
  return build(data.report);
}
