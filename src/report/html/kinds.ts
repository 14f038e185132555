/**
 * The kinds of report that have a page, each recognised by its document's format identifier.
 * Shared by the writer (Node) and the page's script (browser), so it holds data and types only.
 * A new kind is one entry in ReportDocuments and REPORT_KINDS here, and its page
 * builder in page/page-spec.ts; the compiler asks for all three.
 */
import type { CompareReport } from '../compare-report.js';
import type { Report } from '../report.js';
import type { SwarmReport } from '../swarm-report.js';
import type { TournamentReport } from '../tournament-report.js';
import { tournamentPageReport, type TournamentPageReport } from './tournament-embed.js';

/** The document of each kind of report. */
export interface ReportDocuments {
  readonly run: Report;
  readonly swarm: SwarmReport;
  readonly compare: CompareReport;
  readonly tournament: TournamentReport;
}

export type ReportKind = keyof ReportDocuments;
export type ReportDocument = ReportDocuments[ReportKind];

/**
 * What the page of each kind embeds and is drawn from: the document as written, but for a
 * tournament, whose runs would make its page grow by 0.75 kB a run, only what the page reads of
 * them (tournamentPageReport).
 */
export interface PageDocuments extends Omit<ReportDocuments, 'tournament'> {
  readonly tournament: TournamentPageReport;
}

/** What a page embeds: the kind of its report and its page document. */
export type PageData = { readonly [K in ReportKind]: { readonly kind: K; readonly report: PageDocuments[K] } }[ReportKind];

export interface KindInfo<K extends ReportKind> {
  /** the `format` of its JSON document */
  readonly format: ReportDocuments[K]['format'];
  /** the file and the command that writes it, for messages */
  readonly writtenBy: string;
  /** top-level fields the page cannot be drawn without */
  readonly required: readonly (keyof ReportDocuments[K] & string)[];
  readonly title: (report: PageDocuments[K]) => string;
  /** the page document of a report, when the page reads less than the whole of it */
  readonly embed?: (report: ReportDocuments[K]) => PageDocuments[K];
}

export const REPORT_KINDS: { readonly [K in ReportKind]: KindInfo<K> } = {
  run: {
    format: 'a2a-market-sim/report@1',
    writtenBy: 'report.json of a2a-sim run',
    required: ['results', 'budgets', 'wallclock'],
    title: (r) => `${r.results.scenario}: run report`,
  },
  swarm: {
    format: 'a2a-market-sim/swarm@1',
    writtenBy: 'swarm.json of a2a-sim swarm --out',
    required: ['scenario', 'summary', 'outcomes'],
    title: (r) => `${r.scenario}: swarm of ${r.seed_count} seed${r.seed_count === 1 ? '' : 's'}`,
  },
  compare: {
    format: 'a2a-market-sim/compare@1',
    writtenBy: 'compare.json of a2a-sim compare --out',
    required: ['baseline', 'candidate', 'seeds', 'metrics', 'baseline_seeds', 'candidate_seeds'],
    title: (r) => `${r.candidate.scenario} against ${r.baseline.scenario}: comparison`,
  },
  tournament: {
    format: 'a2a-market-sim/tournament@1',
    writtenBy: 'tournament.json of a2a-sim tournament',
    required: ['name', 'file', 'score', 'competitors', 'scenarios', 'seeds', 'ranking', 'matrix', 'thresholds', 'problems', 'runs'],
    title: (r) => `${r.name}: tournament of ${r.competitors.length} competitors`,
    embed: tournamentPageReport,
  },
};

/** The kind whose format is `format`, if any. */
export function kindOfFormat(format: unknown): ReportKind | undefined {
  return (Object.keys(REPORT_KINDS) as ReportKind[]).find((k) => REPORT_KINDS[k].format === format);
}

/** The page data of a report document, by its format; undefined when no kind has that format. */
export function pageDataOf(report: ReportDocument): PageData | undefined {
  const kind = kindOfFormat(report.format);
  if (kind === undefined) return undefined;
  const embed = REPORT_KINDS[kind].embed as ((r: ReportDocument) => PageDocuments[ReportKind]) | undefined;
  return { kind, report: embed ? embed(report) : report } as PageData;
}

/** The title of a document's page. */
export function titleOf(data: PageData): string {
  return (REPORT_KINDS[data.kind].title as (r: PageDocuments[ReportKind]) => string)(data.report);
}
