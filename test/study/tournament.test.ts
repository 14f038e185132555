import { describe, expect, it } from 'vitest';
import { planOf } from '../plans.js';
import { parseTournamentText, type TournamentPlan } from '../../src/study/tournament-file.js';
import { runPlan, runTournament, tournamentGrid, type LoadedScenario, type RunRecord } from '../../src/study/tournament.js';
import { figureStats, tournamentResults } from '../../src/study/tournament-scores.js';
import { parseTournamentThreshold, thresholdHolds } from '../../src/study/tournament-thresholds.js';

const text = `
name: t
competitors:
  - { name: a, strategy: { kind: boulware } }
  - { name: b, strategy: { kind: conceder, e: 3 } }
  - { name: c, strategy: { kind: micro, options: {} } }
scenarios:
  - { file: tournament/calm-market.yaml }
  - { file: tournament/tight-market.yaml, roles: [buyer] }
seeds: 2
repetitions: 2
thresholds: ["a rank <= 2", "b advantage >= 0.3"]
`;

function loaded(): { plan: TournamentPlan; scenarios: LoadedScenario[] } {
  const parsed = parseTournamentText(text, 'scenarios/t.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { plan: parsed.plan, scenarios: parsed.plan.scenarios.map((s) => ({ plan: planOf(s.path), file: s.file, roles: s.roles })) };
}

describe('parseTournamentText', () => {
  it('reads competitors, scenarios (paths against the file), seeds, repetitions and thresholds with defaults', () => {
    const { plan } = loaded();
    expect(plan.competitors.map((c) => [c.name, c.strategy.kind, c.strategy.name])).toEqual([['a', 'boulware', 'a'], ['b', 'conceder', 'b'], ['c', 'micro', 'c']]);
    expect(plan.scenarios[0]!.path).toMatch(/scenarios\/tournament\/calm-market\.yaml$/);
    expect(plan.scenarios[0]!.roles).toEqual(['buyer', 'store']);
    expect(plan.score).toBe('advantage');
    expect(plan.run_time_ms).toBe(60_000);
    expect(plan.thresholds.map((t) => t.expression)).toEqual(['a rank <= 2', 'b advantage >= 0.3']);
  });

  it('lists every problem with its path', () => {
    const bad = parseTournamentText('name: t\ncompetitors:\n  - { name: a, strategy: { kind: bolware } }\n  - { name: a, strategy: { kind: linear, e: 2 } }\nscenarios: []\nthresholds: ["z rank <= 1", "a speed > 1"]\nlimits: { run_time: soon }\n', 't.yaml');
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['competitors[0].strategy.kind', 'competitors[1].strategy.e', 'scenarios', 'thresholds[1]', 'limits.run_time']));
  });
});

describe('tournamentGrid', () => {
  it('plays every ordered pair (no self-play) where both sides are open, every competitor where one is, per seed and repetition', () => {
    const { plan, scenarios } = loaded();
    const grid = tournamentGrid(plan, scenarios);
    // calm: 3 × 2 pairs × 2 seeds × 2 repetitions; tight (buyers only): 3 × 2 × 2
    expect(grid).toHaveLength(24 + 12);
    expect(grid.map((r) => r.index)).toEqual(grid.map((_, i) => i));
    expect(new Set(grid.map((r) => r.key)).size).toBe(grid.length);
    expect(grid.filter((r) => r.buyer === r.store)).toEqual([]);
    expect(grid.filter((r) => r.scenario_index === 1).every((r) => r.store === null)).toBe(true);
    expect(grid.slice(0, 4).map((r) => r.seed)).toEqual([1, '1-r2', 2, '2-r2']);
  });
});

describe('runPlan', () => {
  it("puts the competitors' strategies in place, keeps each organisation's protocol limits, keeps scores and sets the seed", () => {
    const { plan, scenarios } = loaded();
    const s = scenarios[0]!.plan;
    const p = runPlan(s, plan.competitors[0], plan.competitors[1], 9);
    expect(p.seed).toBe(9);
    expect(p.negotiation.scores).toBe(true);
    expect(p.buyers.map((b) => [b.strategy.name, b.strategy.kind, b.strategy.maxRounds, b.strategy.deadlineUs])).toEqual(s.buyers.map((b) => ['a', 'boulware', b.strategy.maxRounds, b.strategy.deadlineUs]));
    expect(p.stores.map((b) => [b.strategy.name, b.strategy.e])).toEqual(s.stores.map(() => ['b', 3]));
    expect(runPlan(s, plan.competitors[0], undefined, 1).stores).toBe(s.stores);
  });
});

describe('a tournament run inline', () => {
  it('scores both competitors of each run from the negotiations they had', async () => {
    const { plan, scenarios } = loaded();
    const grid = tournamentGrid(plan, scenarios).filter((r) => r.repetition === 1 && r.seed === 1 && r.scenario_index === 0);
    const seen: string[] = [];
    const records = await runTournament(plan, scenarios, grid, { workers: 0, runTimeMs: 60_000, onRun: (r) => seen.push(r.key) });
    expect(seen).toEqual(grid.map((r) => r.key));
    for (const r of records) {
      expect(r.status).toBe('ok');
      expect(r.sides.map((s) => [s.competitor, s.role, s.opponent])).toEqual([[r.buyer, 'buyer', r.store], [r.store, 'store', r.buyer]]);
      for (const s of r.sides) {
        expect(s.negotiations).toBeGreaterThan(0);
        expect(s.scored).toBe(s.negotiations);
        expect(s.advantage).toBeGreaterThanOrEqual(0);
        expect(s.advantage).toBeLessThanOrEqual(1);
      }
    }
  }, 30_000);
});

const side = (competitor: string, role: 'buyer' | 'store', opponent: string, advantage: number | null) => ({ competitor, role, opponent, negotiations: 2, agreements: 1, agreement_rate: 0.5, strategy_errors: 0, scored: 2, utility: advantage, advantage, partner_welfare: 0, welfare: 1, pareto_optimality: 1, nash_optimality: 1 });

describe('tournamentResults', () => {
  it('ranks by the mean score over runs, fills the pair matrix, checks thresholds and names unfinished runs', () => {
    const { plan } = loaded();
    const run = (i: number, buyer: string, store: string, status: RunRecord['status'], ab: number, as: number): RunRecord => ({ index: i, key: `0|${buyer}|${store}|1`, scenario_index: 0, scenario: 's', buyer, store, seed: 1, repetition: 1, status, sides: status === 'ok' ? [side(buyer, 'buyer', store, ab), side(store, 'store', buyer, as)] : [], ...(status === 'ok' ? {} : { problem: 'cut off' }) });
    const records = [run(0, 'a', 'b', 'ok', 0.6, 0.2), run(1, 'b', 'a', 'ok', 0.4, 0.4), run(2, 'a', 'c', 'ok', 0.1, 0.9), run(3, 'c', 'a', 'timeout', 0, 0)];
    const r = tournamentResults(plan, 't.yaml', ['s'], records);
    expect(r.ranking.map((s) => [s.rank, s.competitor, s.figures.advantage.mean])).toEqual([[1, 'c', 0.9], [2, 'a', 0.366667], [3, 'b', 0.3]]);
    expect(r.ranking.find((s) => s.competitor === 'a')!.runs_cut_off).toBe(1);
    expect(r.matrix.rows.find((x) => x.competitor === 'a')!.against).toEqual({ a: null, b: 0.5, c: 0.1 });
    expect(r.thresholds.map((t) => [t.expression, t.actual, t.passed])).toEqual([['a rank <= 2', 2, true], ['b advantage >= 0.3', 0.3, true]]);
    expect(r.problems).toEqual([{ key: '0|c|a|1', status: 'timeout', message: 'cut off' }]);
    expect(r.passed).toBe(true);
  });
});

describe('figureStats', () => {
  it('gives the mean and a normal interval that narrows with more runs', () => {
    const few = figureStats([0, 1], 0.95);
    const many = figureStats([0, 1, 0, 1, 0, 1, 0, 1], 0.95);
    expect(few.mean).toBe(0.5);
    expect(many.high! - many.low!).toBeLessThan(few.high! - few.low!);
    expect(figureStats([], 0.95).mean).toBeNull();
  });
});

describe('tournament thresholds', () => {
  it('parse "<competitor> <figure> <op> <number>" and check it', () => {
    const t = parseTournamentThreshold('cand rank <= 2');
    expect(t).toMatchObject({ competitor: 'cand', figure: 'rank', op: '<=', value: 2 });
    expect(thresholdHolds(t as never, 2)).toBe(true);
    expect(thresholdHolds(t as never, 3)).toBe(false);
    expect(thresholdHolds(t as never, null)).toBe(false);
    expect(parseTournamentThreshold('cand rank <= 0')).toHaveProperty('error');
    expect(parseTournamentThreshold('cand ≥ 3')).toHaveProperty('error');
    expect(parseTournamentThreshold('cand advantage ≥ 0.3')).toMatchObject({ figure: 'advantage', op: '>=', value: 0.3, expression: 'cand advantage ≥ 0.3' });
  });
});
