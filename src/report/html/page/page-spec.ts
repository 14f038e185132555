/**
 * A page of the HTML report, whatever it shows: the header, the budgets and the sections. Each
 * kind of report (a run today; swarms, comparisons, tournaments later) turns its data into one.
 */
import type { Report } from '../../report.js';
import { runPage } from './run-page.js';
import type { SectionSpec } from './spec.js';

export interface PageSpec {
  readonly title: string;
  /** what ran, as [label, value] */
  readonly facts: readonly (readonly [string, string])[];
  readonly budgets: readonly { readonly expression: string; readonly passed: boolean; readonly value: string }[];
  /** every budget held (true without budgets) */
  readonly passed: boolean;
  readonly sections: readonly SectionSpec[];
}

/** The data embedded in a page: its kind and that kind's document. */
export type PageData = { readonly kind: 'run'; readonly report: Report };

/** The page of each kind of data. */
export function pageOf(data: PageData): PageSpec {
  switch (data.kind) {
    case 'run':
      return runPage(data.report);
    default:
      throw new Error(`unknown kind of report: ${String((data as { kind?: unknown }).kind)}`);
  }
}
