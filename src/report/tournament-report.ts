/**
 * A tournament for people and CI: the ranking and per-pair tables (terminal and Markdown), a CSV
 * of every run (one row per competitor and run), and a JUnit suite with one testcase per
 * threshold and one for the runs that did not finish. Pure functions of the tournament report.
 */
import type { TournamentResults } from '../study/tournament-scores.js';
import { FIGURES } from '../study/tournament-scores.js';
import type { RunRecord } from '../study/tournament.js';
import { DEFAULT_WIDTH, fitTable } from './fit.js';
import { int, markdownTable } from './format.js';
import type { JUnitCase, JUnitSuite } from './junit.js';
import type { ToolInfo } from './tool.js';

/** tournament.json: the results, the tool that ran them, and apart the wall-clock figures. */
export interface TournamentReport extends TournamentResults {
  /** the tool's name, version and commit (absent in a tournament.json written before it was recorded) */
  readonly tool?: ToolInfo;
  readonly wallclock: {
    readonly started_at?: string;
    readonly elapsed_ms: number;
    readonly workers: number;
    /** runs done by the command, and runs found done in the runs file */
    readonly runs_run: number;
    readonly runs_resumed: number;
    readonly node: string;
  };
}

const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));
const interval = (low: number | null, high: number | null) => (low === null || high === null ? '–' : `[${low.toFixed(3)}, ${high.toFixed(3)}]`);

function rankingRows(t: TournamentResults): { head: string[]; rows: string[][] } {
  const score = t.score;
  const head = ['rank', 'competitor', `${score} (mean)`, `${Math.round(t.confidence * 100)}% interval`, 'agreement', 'utility', 'advantage', 'partner welfare', 'pareto', 'nash', 'runs', 'negotiations', 'errors', 'cut off'];
  const rows = t.ranking.map((s) => [
    String(s.rank),
    s.competitor,
    num(s.figures[score as keyof typeof s.figures].mean),
    interval(s.figures[score as keyof typeof s.figures].low, s.figures[score as keyof typeof s.figures].high),
    num(s.figures.agreement_rate.mean),
    num(s.figures.utility.mean),
    num(s.figures.advantage.mean),
    num(s.figures.partner_welfare.mean),
    num(s.figures.pareto_optimality.mean),
    num(s.figures.nash_optimality.mean),
    int(s.runs),
    int(s.negotiations),
    int(s.strategy_errors),
    int(s.runs_cut_off),
  ]);
  return { head, rows };
}

function matrixRows(t: TournamentResults): { head: string[]; rows: string[][] } {
  const head = [`${t.score} of ↓ against →`, ...t.matrix.opponents];
  const rows = t.matrix.rows.map((r) => [r.competitor, ...t.matrix.opponents.map((o) => num(r.against[o]))]);
  return { head, rows };
}

const thresholdLine = (x: TournamentResults['thresholds'][number]) => `${x.passed ? 'pass' : 'FAIL'}  ${x.expression} (actual: ${x.actual === null ? 'none' : Number(x.actual.toPrecision(6))})`;

/** The terminal form: ranking, matrix, thresholds and the runs that did not finish. */
export function renderTournament(t: TournamentResults, width = DEFAULT_WIDTH): string {
  const r = rankingRows(t);
  const m = matrixRows(t);
  const out = [`tournament ${t.name}: ${t.competitors.length} competitors, ${t.scenarios.length} scenario${t.scenarios.length === 1 ? '' : 's'}, ${t.seeds.count} seeds, ${t.run_count} runs; ranked by ${t.score}`, fitTable(r.head, r.rows, { width, key: true }), fitTable(m.head, m.rows, { width, key: true })];
  for (const x of t.thresholds) out.push(thresholdLine(x));
  for (const p of t.problems) out.push(`run ${p.key}: ${p.status}: ${p.message}`);
  return out.join('\n');
}

/** summary.md of a tournament. */
export function markdownTournament(t: TournamentResults): string {
  const r = rankingRows(t);
  const m = matrixRows(t);
  const parts = [
    `# Tournament: ${t.name}`,
    `${t.competitors.length} competitors over ${t.scenarios.map((s) => `\`${s.name}\` (${s.roles.join(' and ')})`).join(', ')}; seeds ${t.seeds.first} to ${t.seeds.first + t.seeds.count - 1}${t.repetitions > 1 ? ` × ${t.repetitions} repetitions` : ''}; ${int(t.run_count)} runs. Ranked by the mean ${t.score} over runs (${Math.round(t.confidence * 100)}% intervals). ${t.passed ? 'Passed.' : '**Failed.**'}`,
    '## Ranking',
    markdownTable(r.head, r.rows),
    `## ${t.score} per pair`,
    markdownTable(m.head, m.rows),
  ];
  if (t.thresholds.length > 0) parts.push('## Thresholds', markdownTable(['threshold', 'actual', 'result'], t.thresholds.map((x) => [`\`${x.expression}\``, x.actual === null ? 'none' : String(Number(x.actual.toPrecision(6))), x.passed ? 'pass' : '**FAIL**'])));
  if (t.problems.length > 0) parts.push('## Runs that did not finish', markdownTable(['run', 'status', 'message'], t.problems.map((p) => [`\`${p.key}\``, p.status, p.message])));
  return `${parts.join('\n\n')}\n`;
}

const CSV_HEAD = ['position', 'key', 'scenario', 'seed', 'repetition', 'status', 'competitor', 'role', 'opponent', 'negotiations', 'agreements', 'strategy_errors', 'scored', ...FIGURES];

const csvCell = (x: string | number | null | undefined) => {
  const s = x === null || x === undefined ? '' : String(x);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** runs.csv: one row per competitor per run (a run that did not finish: one row, its status). */
export function tournamentCsv(runs: readonly RunRecord[]): string {
  const lines = [CSV_HEAD.join(',')];
  for (const r of runs) {
    const base = [r.index, r.key, r.scenario, r.seed, r.repetition, r.status];
    if (r.sides.length === 0) lines.push([...base, '', '', '', '', '', '', '', ...FIGURES.map(() => '')].map(csvCell).join(','));
    for (const s of r.sides) lines.push([...base, s.competitor, s.role, s.opponent, s.negotiations, s.agreements, s.strategy_errors, s.scored, ...FIGURES.map((f) => s[f])].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** JUnit: one testcase per threshold, and one that every run finished. */
export function tournamentSuite(t: TournamentResults, file: string): JUnitSuite {
  const classname = `tournament.${t.name}`;
  const broken = t.problems.filter((p) => p.status !== 'timeout');
  const cases: JUnitCase[] = [
    {
      name: 'every run finished without breaking an invariant',
      classname,
      ...(broken.length === 0 ? {} : { failure: { type: 'invariant', message: `${broken.length} of ${t.run_count} runs did not finish`, text: broken.map((p) => `run ${p.key}: ${p.status}: ${p.message}`).join('\n') } }),
    },
    ...t.thresholds.map((x) => ({
      name: x.expression,
      classname,
      ...(x.passed ? {} : { failure: { type: 'threshold', message: `${x.expression}: actual ${x.actual === null ? 'none' : Number(x.actual.toPrecision(6))}`, text: `threshold: ${x.expression}\nactual: ${x.actual}\nreplay: a2a-sim tournament ${file}\n` } }),
    })),
  ];
  return { name: `tournament ${t.name} (${file}, ${t.run_count} runs)`, properties: { tournament_file: file, score: t.score }, cases };
}
