/** The page of a tournament as data: what it draws from tournament.json, without a browser. */
import { describe, expect, it } from 'vitest';
import { kindOfFormat, pageDataOf, REPORT_KINDS } from '../../../src/report/html/kinds.js';
import { pageOf } from '../../../src/report/html/page/page-spec.js';
import type { ChartSpec, PageSpec } from '../../../src/report/html/page/spec.js';
import { intervalAxis } from '../../../src/report/html/page/tournament-options.js';
import { meanMatrix, tournamentPage, tournamentReplay } from '../../../src/report/html/page/tournament-page.js';
import type { TournamentPageReport } from '../../../src/report/html/tournament-embed.js';
import type { TournamentReport } from '../../../src/report/tournament-report.js';
import { parseTournamentText } from '../../../src/study/tournament-file.js';
import { tournamentResults } from '../../../src/study/tournament-scores.js';
import type { RunRecord, RunSide } from '../../../src/study/tournament.js';

const charts = (page: PageSpec) => page.sections.flatMap((s) => s.charts);
const chart = (page: PageSpec, id: string): ChartSpec => charts(page).find((c) => c.id === id)!;
const section = (page: PageSpec, id: string) => page.sections.find((s) => s.id === id)!;
const series = (c: ChartSpec): any[] => c.option.series as any[];

/** How much each competitor gets as buyer and as store: tough takes most, soft least. */
const SHARE: Record<string, number> = { tough: 0.6, middle: 0.4, soft: 0.2 };

function side(competitor: string, role: 'buyer' | 'store', opponent: string, advantage: number): RunSide {
  return { competitor, role, opponent, negotiations: 10, agreements: 8, agreement_rate: 0.8, strategy_errors: 0, scored: 10, utility: advantage, advantage, partner_welfare: 1 - advantage, welfare: 1, pareto_optimality: 1, nash_optimality: 0.9 };
}

function tournament(thresholds: string[], cutOff: string[] = []): TournamentReport {
  const text = `name: unit\ncompetitors:\n${Object.keys(SHARE).map((n) => `  - { name: ${n}, strategy: { kind: linear } }`).join('\n')}\nscenarios:\n  - { file: calm.yaml }\n  - { file: tight.yaml }\nseeds: 2\nthresholds: ${JSON.stringify(thresholds)}\n`;
  const parsed = parseTournamentText(text, 'unit/tournament.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const records: RunRecord[] = [];
  const names = Object.keys(SHARE);
  for (const si of [0, 1]) {
    for (const buyer of names) {
      for (const store of names) {
        if (buyer === store) continue;
        for (const seed of [1, 2]) {
          const key = `${si}|${buyer}|${store}|${seed}`;
          const base = { index: records.length, key, scenario_index: si, scenario: si === 0 ? 'calm' : 'tight', buyer, store, seed, repetition: 1 };
          if (cutOff.includes(key)) {
            records.push({ ...base, status: 'timeout', problem: 'cut off after 1000 ms', sides: [] });
            continue;
          }
          // The buyer does a little better in the calm market, by seed to give the intervals a width.
          const b = SHARE[buyer]! + (si === 0 ? 0.1 : 0) + seed * 0.01;
          records.push({ ...base, status: 'ok', sides: [side(buyer, 'buyer', store, b), side(store, 'store', buyer, SHARE[store]! - seed * 0.01)] });
        }
      }
    }
  }
  const results = tournamentResults(parsed.plan, 'unit/tournament.yaml', ['calm', 'tight'], records);
  return { ...results, wallclock: { started_at: '2026-01-01T00:00:00.000Z', elapsed_ms: 1234, workers: 2, runs_run: records.length, runs_resumed: 0, node: '20' } };
}

describe('the page of a tournament', () => {
  const t = tournament(['tough rank <= 1', 'soft advantage >= 0.5'], ['0|soft|tough|2']);
  const page = tournamentPage(t);

  it('says what ran, how its thresholds fared, and counts the runs cut off', () => {
    expect(page.title).toBe('unit: tournament of 3 competitors');
    expect(page.verdict).toEqual({ text: '1 of 2 thresholds failed: soft advantage >= 0.5', state: 'fail' });
    const facts = Object.fromEntries(page.facts);
    expect(facts.competitors).toBe('tough (linear), middle (linear), soft (linear)');
    expect(facts.scenarios).toBe('calm (calm.yaml; competitors as buyer and store); tight (tight.yaml; competitors as buyer and store)');
    expect(facts.seeds).toBe('1 to 2 (2)');
    expect(facts['ranked by']).toMatch(/^the mean advantage over the runs each competitor played, with 95% intervals/);
    expect(facts.runs).toBe('24: 23 finished, 1 cut off at the 60,000 ms limit, 0 broke an invariant or failed');
    expect(facts.thresholds).toBe('1 of 2 held');
    expect(page.summary!.rows).toEqual([
      ['tough rank <= 1', '1', 'pass'],
      ['soft advantage >= 0.5', t.ranking[2]!.figures.advantage.mean!.toFixed(3), 'FAIL'],
    ]);
    expect(page.summary!.states).toEqual(['pass', 'fail']);
  });

  it('ranks the competitors with their mean and interval of the ranking score, best first', () => {
    const c = chart(page, 'ranking-chart');
    expect((c.option.yAxis as any).data).toEqual(['1. tough', '2. middle', '3. soft']);
    const rows = series(c)[0].data.map((d: any) => d.value);
    expect(rows.map((r: number[]) => r[0])).toEqual([0, 1, 2]);
    for (const [i, name] of ['tough', 'middle', 'soft'].entries()) {
      const f = t.ranking[i]!.figures.advantage;
      expect(rows[i]).toEqual([i, f.mean, f.low, f.high]);
      expect(f.low!).toBeLessThan(f.mean!);
      expect(t.ranking[i]!.competitor).toBe(name);
    }
    const x = c.option.xAxis as any;
    expect(x.min).toBeLessThanOrEqual(Math.min(...t.ranking.map((s) => s.figures.advantage.low!)));
    expect(x.max).toBeGreaterThanOrEqual(Math.max(...t.ranking.map((s) => s.figures.advantage.high!)));
    const table = section(page, 'ranking').tables![0]!;
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([['1', 'tough'], ['2', 'middle'], ['3', 'soft']]);
    // soft played the run that was cut off.
    expect(table.rows[2]!.slice(-2)).toEqual(['1', '0']);
  });

  it('draws every score per competitor', () => {
    expect(section(page, 'scores').charts.map((c) => c.title)).toEqual(['agreement_rate', 'utility', 'advantage', 'partner_welfare', 'welfare', 'pareto_optimality', 'nash_optimality']);
    for (const c of section(page, 'scores').charts) expect(series(c)[0].data).toHaveLength(3);
    expect(section(page, 'scores').tables![0]!.rows[0]).toEqual(['tough', '0.800', t.ranking[0]!.figures.utility.mean!.toFixed(3), t.ranking[0]!.figures.advantage.mean!.toFixed(3), expect.any(String), '1.000', '1.000', '0.900']);
  });

  it('draws the per-pair matrix over both roles, as buyer, as store and per scenario, empty where no pair met', () => {
    expect(section(page, 'per-pair').charts.map((c) => c.id)).toEqual(['pairs', 'pairs-buyer', 'pairs-store', 'pairs-scenario']);
    const overall = chart(page, 'pairs');
    expect((overall.option.yAxis as any).data).toEqual(['tough', 'middle', 'soft']);
    expect((overall.option.xAxis as any).data).toEqual(t.matrix.opponents);
    const cells = series(overall)[0].data.map((d: any) => d.value);
    // Each competitor meets the two others: no cell on the diagonal.
    expect(cells).toHaveLength(6);
    const tough = t.matrix.opponents.indexOf('tough');
    expect(cells.find((v: number[]) => v[0] === tough && v[1] === 1)[2]).toBe(t.matrix.rows.find((r) => r.competitor === 'middle')!.against.tough);
    // As buyer, tough gets 0.6 + 0.1 in the calm market, + the seed's 0.01 or 0.02: mean over both markets and seeds 0.665.
    const asBuyer = meanMatrix(t, 'advantage', (_run, s) => (s.role === 'buyer' ? s.opponent : undefined), t.matrix.opponents);
    expect(asBuyer.values[0]![t.matrix.opponents.indexOf('soft')]).toBeCloseTo(0.665, 9);
    const asStore = meanMatrix(t, 'advantage', (_run, s) => (s.role === 'store' ? s.opponent : undefined), t.matrix.opponents);
    // tough as store against soft: seed 2 of the calm market was cut off, so seeds 1 and 2 of tight and seed 1 of calm.
    expect(asStore.values[0]![t.matrix.opponents.indexOf('soft')]).toBeCloseTo((0.59 + 0.59 + 0.58) / 3, 9);
    expect(chart(page, 'pairs-scenario').table!.head).toEqual(['competitor ↓ / scenario →', '1. calm', '2. tight']);
  });

  it('lists the runs that did not finish with the command that replays each alone', () => {
    const table = section(page, 'problems').tables![0]!;
    expect(table.rows).toEqual([['0|soft|tough|2', 'soft / tough', 'cut off (time limit)', 'cut off after 1000 ms', 'a2a-sim tournament unit/tournament.yaml --shard 10/24 --out reports/tournament-unit-run-10']]);
    expect(table.code).toEqual([4]);
    expect(tournamentReplay({ ...t, run_count: 20_000 }, 3)).toBeUndefined();
  });

  it('passes when every threshold held, names the leader, and says every run finished', () => {
    const ok = tournamentPage(tournament(['tough rank <= 1']));
    expect(ok.verdict).toEqual({ text: 'its threshold held; tough ranks first', state: 'pass' });
    expect(section(ok, 'problems').empty).toBe('Every one of the 24 runs finished.');
    expect(tournamentPage(tournament([])).verdict).toEqual({ text: 'no thresholds; tough ranks first', state: 'none' });
  });

  it('is recognised by its format and drawn by its own page, from what it embeds of the runs alone', () => {
    expect(kindOfFormat(t.format)).toBe('tournament');
    const data = pageDataOf(t)!;
    const embedded = data.report as TournamentPageReport;
    expect(pageOf(data).title).toBe(REPORT_KINDS.tournament.title(t));
    // The page embeds each run's place, status and each side's ranking score: the same page as from the whole report.
    expect(embedded.runs[0]).toEqual({ index: 0, key: '0|tough|middle|1', scenario_index: 0, buyer: 'tough', store: 'middle', status: 'ok', sides: [{ competitor: 'tough', role: 'buyer', opponent: 'middle', advantage: 0.71 }, { competitor: 'middle', role: 'store', opponent: 'tough', advantage: 0.39 }] });
    expect({ ...embedded, runs: undefined }).toEqual({ ...t, runs: undefined });
    expect(JSON.parse(JSON.stringify(pageOf(data)))).toEqual(JSON.parse(JSON.stringify(tournamentPage(t))));
    expect(JSON.stringify(embedded).length).toBeLessThan(0.6 * JSON.stringify(t).length);
  });

  it('ends an interval axis on tenths that hold every interval', () => {
    expect(intervalAxis([{ mean: 0.25, low: 0.21, high: 0.29 }, { mean: 0.93, low: 0.9, high: 0.96 }])).toEqual({ min: 0.2, max: 1 });
    expect(intervalAxis([{ mean: null, low: null, high: null }])).toEqual({ min: 0, max: 1 });
    // Every competitor agreed every time: the axis ends at 1, not past it.
    expect(intervalAxis([{ mean: 1, low: 1, high: 1 }])).toEqual({ min: 0.9, max: 1 });
    expect(intervalAxis([{ mean: 0.1, low: -0.025, high: 0.3 }])).toEqual({ min: -0.1, max: 0.3 });
  });
});
