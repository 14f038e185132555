/**
 * The page of a tournament (tournament.json): what ran and whether its thresholds held, the
 * ranking with each competitor's interval, every score per competitor, the per-pair matrix as a
 * heatmap (both roles, then as buyer and as store, and per scenario), and the runs that did not
 * finish with the command that replays each. Data only (no DOM).
 */
import { SCORE_NAMES } from '../../../metrics/scores.js';
import type { Figure } from '../../../study/tournament-scores.js';
import type { PageRun, TournamentPageReport as TournamentReport } from '../tournament-embed.js';
import type { ChartSpec, PageSpec, SectionSpec, TableSpec } from './spec.js';
import { heatmapChart, intervalChart, score3, type MatrixData } from './tournament-options.js';
import { int, toolFact } from './values.js';

/** The figures a tournament averages, in report order (as FIGURES of study/tournament-scores.ts, which the page does not bundle). */
const FIGURES: readonly Figure[] = ['agreement_rate', ...SCORE_NAMES];

const plural = (n: number, word: string) => `${int(n)} ${word}${n === 1 ? '' : 's'}`;

/** The most shards `--shard I/N` takes: a run of a larger grid cannot be replayed alone. */
const MAX_SHARDS = 10_000;

/** The command that runs one run of the tournament again, alone (shard index+1 of as many shards as runs); undefined past the shard limit. */
export function tournamentReplay(t: TournamentReport, index: number): string | undefined {
  if (t.run_count > MAX_SHARDS) return undefined;
  return `a2a-sim tournament ${t.file} --shard ${index + 1}/${t.run_count} --out reports/tournament-${t.name}-run-${index + 1}`;
}

/** Mean of `figure` over the sides `pick` keeps, by (row, column); rows in ranking order. */
export function meanMatrix(t: TournamentReport, figure: Figure, pick: (run: PageRun, side: PageRun['sides'][number]) => string | undefined, columns: readonly string[]): MatrixData {
  const rows = t.ranking.map((s) => s.competitor);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const run of t.runs) {
    for (const side of run.sides) {
      const column = pick(run, side);
      const x = side[figure];
      if (column === undefined || x === null || x === undefined) continue;
      const key = `${side.competitor}\u0000${column}`;
      const acc = sums.get(key) ?? { sum: 0, n: 0 };
      sums.set(key, { sum: acc.sum + x, n: acc.n + 1 });
    }
  }
  const values = rows.map((r) => columns.map((c) => {
    const acc = sums.get(`${r}\u0000${c}`);
    return acc ? acc.sum / acc.n : null;
  }));
  return { rows, columns, values };
}

/** The per-pair heatmaps: over both roles (the report's matrix), then per role when competitors played both, then per scenario when there are several. */
function pairCharts(t: TournamentReport): ChartSpec[] {
  const score = t.score;
  const ranked = t.ranking.map((s) => s.competitor);
  const byName = new Map(t.matrix.rows.map((r) => [r.competitor, r.against]));
  const overall: MatrixData = { rows: ranked, columns: t.matrix.opponents, values: ranked.map((r) => t.matrix.opponents.map((o) => byName.get(r)?.[o] ?? null)) };
  const charts = [
    heatmapChart(overall, {
      id: 'pairs',
      title: `${score} per pair`,
      caption: `Each competitor's (row) mean ${score} over its runs against each opponent (column), in both roles; colour and number are the mean, an empty cell a pair that never met. Rows in ranking order.`,
      rowName: 'competitor',
      columnName: 'opponent',
      figure: score,
    }),
  ];
  const roles = new Set(t.runs.flatMap((r) => r.sides.map((s) => s.role)));
  if (roles.size === 2) {
    for (const role of ['buyer', 'store'] as const) {
      const other = role === 'buyer' ? 'store' : 'buyer';
      const m = meanMatrix(t, score, (_run, side) => (side.role === role ? side.opponent : undefined), t.matrix.opponents);
      charts.push(
        heatmapChart(m, {
          id: `pairs-${role}`,
          title: `${score} as ${role}`,
          caption: `Each competitor (row) as the ${role} side against each opponent (column) as the ${other} side: its mean ${score} over those runs.`,
          rowName: `competitor as ${role}`,
          columnName: `opponent as ${other}`,
          figure: score,
        }),
      );
    }
  }
  if (t.scenarios.length > 1) {
    const names = t.scenarios.map((s, i) => `${i + 1}. ${s.name}`);
    const m = meanMatrix(t, score, (run) => names[run.scenario_index], names);
    charts.push(
      heatmapChart(m, {
        id: 'pairs-scenario',
        title: `${score} per scenario`,
        caption: `Each competitor's (row) mean ${score} over its runs in each scenario (column), every opponent and role together.`,
        rowName: 'competitor',
        columnName: 'scenario',
        figure: score,
      }),
    );
  }
  return charts;
}

/** Each competitor's standing: its ranking score with its interval and the counts of its runs. */
function rankingTable(t: TournamentReport): TableSpec {
  const strategy = new Map(t.competitors.map((c) => [c.name, c.strategy]));
  const f = t.score as Figure;
  return {
    caption: `Ranked by the mean ${t.score} over runs`,
    head: ['rank', 'competitor', 'strategy', `${t.score} (mean)`, `${Math.round(t.confidence * 100)}% interval`, 'runs', 'negotiations', 'agreements', 'strategy errors', 'runs cut off', 'runs failed'],
    rows: t.ranking.map((s) => [String(s.rank), s.competitor, strategy.get(s.competitor) ?? '', score3(s.figures[f].mean), s.figures[f].low === null ? '–' : `[${score3(s.figures[f].low)}, ${score3(s.figures[f].high)}]`, int(s.runs), int(s.negotiations), int(s.agreements), int(s.strategy_errors), int(s.runs_cut_off), int(s.runs_failed)]),
  };
}

/** Every figure's mean per competitor, in ranking order. */
function scoresTable(t: TournamentReport): TableSpec {
  return { caption: 'Every score, mean over runs', head: ['competitor', ...FIGURES], rows: t.ranking.map((s) => [s.competitor, ...FIGURES.map((f) => score3(s.figures[f].mean))]) };
}

const STATUS_WORDS: Readonly<Record<string, string>> = { timeout: 'cut off (time limit)', violation: 'invariant violated', error: 'run failed' };

/** The runs that did not finish, each with its replay command when it has one. */
function problemsTable(t: TournamentReport): TableSpec | undefined {
  if (t.problems.length === 0) return undefined;
  const byKey = new Map(t.runs.map((r) => [r.key, r]));
  const rows = t.problems.map((p) => {
    const run = byKey.get(p.key);
    const replay = run === undefined ? undefined : tournamentReplay(t, run.index);
    return [p.key, run ? `${run.buyer ?? '(scenario)'} / ${run.store ?? '(scenario)'}` : '', STATUS_WORDS[p.status] ?? p.status, p.message, replay ?? `(more than ${int(MAX_SHARDS)} runs: rerun the tournament)`];
  });
  return { caption: `${plural(t.problems.length, 'run')} did not finish (left out of the means)`, head: ['run', 'buyer / store', 'outcome', 'what', 'replay'], rows, code: [4] };
}

function verdictOf(t: TournamentReport): PageSpec['verdict'] {
  const failedRuns = t.runs.filter((r) => r.status === 'violation' || r.status === 'error').length;
  const failed = t.thresholds.filter((x) => !x.passed);
  const leader = t.ranking[0]?.competitor;
  const cut = t.runs.filter((r) => r.status === 'timeout').length;
  if (failedRuns > 0) return { text: `${plural(failedRuns, 'run')} broke an invariant or failed${failed.length > 0 ? `; ${failed.length} of ${t.thresholds.length} thresholds failed` : ''}`, state: 'fail' };
  if (failed.length > 0) return { text: `${failed.length} of ${plural(t.thresholds.length, 'threshold')} failed: ${failed.map((x) => x.expression).join('; ')}`, state: 'fail' };
  const held = t.thresholds.length === 0 ? 'no thresholds' : t.thresholds.length === 1 ? 'its threshold held' : `all ${t.thresholds.length} thresholds held`;
  return { text: `${held}${leader ? `; ${leader} ranks first` : ''}${cut > 0 ? ` (${plural(cut, 'run')} cut off)` : ''}`, state: t.thresholds.length === 0 ? 'none' : 'pass' };
}

/** Header facts, thresholds and every section of a tournament's page. */
export function tournamentPage(t: TournamentReport): PageSpec {
  const w = t.wallclock;
  const status = (s: string) => t.runs.filter((r) => r.status === s).length;
  const finished = status('ok');
  const lastSeed = t.seeds.first + t.seeds.count - 1;
  const thresholds: TableSpec | undefined =
    t.thresholds.length === 0
      ? undefined
      : {
          caption: 'Thresholds',
          head: ['threshold', 'actual', 'result'],
          rows: t.thresholds.map((x) => [x.expression, x.actual === null ? 'none' : x.figure === 'rank' ? String(x.actual) : score3(x.actual), x.passed ? 'pass' : 'FAIL']),
          states: t.thresholds.map((x) => (x.passed ? 'pass' : 'fail')),
        };
  const problems = problemsTable(t);
  const sections: SectionSpec[] = [
    { id: 'ranking', title: 'Ranking', charts: [intervalChart(t, t.score as Figure, 'ranking-chart', `Ranking by ${t.score}`)], tables: [rankingTable(t)] },
    { id: 'scores', title: 'Every score', charts: FIGURES.map((f) => intervalChart(t, f, `score-${f.replaceAll('_', '-')}`, f)), tables: [scoresTable(t)] },
    finished > 0 ? { id: 'per-pair', title: 'Per pair', charts: pairCharts(t) } : { id: 'per-pair', title: 'Per pair', charts: [], empty: 'No run finished: no pair has a score.' },
    {
      id: 'problems',
      title: 'Runs that did not finish',
      charts: [],
      ...(problems ? { tables: [problems], notes: ['A run is replayed alone as one shard of as many as there are runs; the partial it writes holds its record (docs/tournaments.md).'] } : { empty: `Every one of the ${int(t.run_count)} runs finished.` }),
    },
  ];
  const scenarios = t.scenarios.map((s) => `${s.name} (${s.file}; competitors as ${s.roles.join(' and ')})`).join('; ');
  return {
    title: `${t.name}: tournament of ${t.competitors.length} competitors`,
    verdict: verdictOf(t),
    facts: [
      ['tournament', t.file],
      ['competitors', t.competitors.map((c) => (c.name === c.strategy ? c.name : `${c.name} (${c.strategy})`)).join(', ')],
      ['scenarios', scenarios],
      ['seeds', `${t.seeds.count === 1 ? t.seeds.first : `${t.seeds.first} to ${lastSeed}`} (${t.seeds.count})${t.repetitions > 1 ? `, ${t.repetitions} repetitions of each` : ''}${t.self_play ? '; competitors also meet themselves' : ''}`],
      ['ranked by', `the mean ${t.score} over the runs each competitor played, with ${Math.round(t.confidence * 100)}% intervals (mean ± z·s/√n)`],
      ['runs', `${int(t.run_count)}: ${int(finished)} finished, ${int(status('timeout'))} cut off at the ${int(t.run_time_limit_ms)} ms limit, ${int(status('violation') + status('error'))} broke an invariant or failed`],
      ['thresholds', t.thresholds.length === 0 ? 'none' : `${t.thresholds.filter((x) => x.passed).length} of ${t.thresholds.length} held`],
      ['tool', toolFact(t.tool)],
      ['ran', w ? `${w.started_at ? `${w.started_at}, ` : ''}${int(w.elapsed_ms)} ms on Node ${w.node}, ${w.workers === 0 ? 'on the main thread' : `${w.workers} worker thread${w.workers === 1 ? '' : 's'}`}${w.runs_resumed > 0 ? `; ${int(w.runs_resumed)} runs found done and resumed` : ''}` : 'not recorded'],
    ],
    ...(thresholds ? { summary: thresholds } : {}),
    sections,
  };
}
