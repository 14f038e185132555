/**
 * A tournament: competitors × scenarios × seeds × repetitions. Each run puts one competitor's
 * strategy in place of the strategies of a scenario's buyer organisations and another's in place
 * of its store organisations (the sides the scenario opens to competitors), keeps both sides'
 * figures of every negotiation (negotiation.scores) and reads each competitor's scores from
 * results.strategies. Runs go inline or over worker threads (run/tournament-pool.ts), one whole
 * run per task; a run that takes longer than the tournament's limit is cut off and counted.
 */
import type { SimulationPlan, StrategyPlan } from '../scenario/schema.js';
import { runTournamentTasks, type TaskOutcome } from '../run/tournament-pool.js';
import type { RunFigures, TournamentTask } from '../run/tournament-worker.js';
import type { TournamentCompetitor, TournamentPlan } from './tournament-file.js';
import { gridDigestOf } from './partials.js';

export type RunStatus = RunFigures['status'] | 'timeout';

/** One run of the grid. */
export interface GridRun {
  /** position in the grid (from 0): what shards split by */
  readonly index: number;
  /** names the run in the runs file: scenario, buyer side, store side, seed, repetition */
  readonly key: string;
  readonly scenario_index: number;
  readonly scenario: string;
  /** the competitor playing the buyer side, or null when the scenario keeps its own */
  readonly buyer: string | null;
  readonly store: string | null;
  readonly seed: string | number;
  readonly repetition: number;
}

/** One competitor's figures in one run. */
export interface RunSide {
  readonly competitor: string;
  readonly role: 'buyer' | 'store';
  /** the other side's competitor, or "scenario:<strategies>" when the scenario keeps it */
  readonly opponent: string;
  readonly negotiations: number;
  readonly agreements: number;
  readonly agreement_rate: number | null;
  /** negotiations its strategy broke (threw, answered out of contract) */
  readonly strategy_errors: number;
  /** negotiations both sides scored */
  readonly scored: number;
  readonly utility: number | null;
  readonly advantage: number | null;
  readonly partner_welfare: number | null;
  readonly welfare: number | null;
  readonly pareto_optimality: number | null;
  readonly nash_optimality: number | null;
}

/** What a run left: its grid point, how it ended, and each competitor's figures. */
export interface RunRecord extends GridRun {
  readonly status: RunStatus;
  readonly problem?: string;
  readonly sides: readonly RunSide[];
}

/** A scenario of the tournament, read and with its plug-ins resolved. */
export interface LoadedScenario {
  readonly plan: SimulationPlan;
  readonly file: string;
  readonly roles: readonly ('buyer' | 'store')[];
}

/** Every run of the tournament, in grid order (scenario, buyer, store, seed, repetition). */
export function tournamentGrid(t: TournamentPlan, scenarios: readonly LoadedScenario[]): GridRun[] {
  const runs: GridRun[] = [];
  const names = t.competitors.map((c) => c.name);
  scenarios.forEach((s, si) => {
    const pairings: [string | null, string | null][] = [];
    const buyerSide = s.roles.includes('buyer');
    const storeSide = s.roles.includes('store');
    if (buyerSide && storeSide) {
      for (const a of names) for (const b of names) if (a !== b || t.self_play) pairings.push([a, b]);
    } else if (buyerSide) for (const a of names) pairings.push([a, null]);
    else for (const b of names) pairings.push([null, b]);
    for (const [buyer, store] of pairings) {
      for (let k = 0; k < t.seeds; k++) {
        for (let r = 1; r <= t.repetitions; r++) {
          const base = t.first_seed + k;
          const seed = r === 1 ? base : `${base}-r${r}`;
          runs.push({ index: runs.length, key: `${si}|${buyer ?? '-'}|${store ?? '-'}|${seed}`, scenario_index: si, scenario: s.plan.name, buyer, store, seed, repetition: r });
        }
      }
    }
  });
  return runs;
}

/** What decides the runs' results: a runs file or a partial of another grid is refused. */
export function gridDigest(t: TournamentPlan, scenarios: readonly LoadedScenario[]): string {
  return gridDigestOf({ competitors: t.competitors.map((c) => ({ name: c.name, strategy: c.strategy })), scenarios: scenarios.map((s) => ({ plan: s.plan, roles: s.roles })), seeds: t.seeds, first_seed: t.first_seed, repetitions: t.repetitions, self_play: t.self_play });
}

const withLimits = (s: StrategyPlan, keep: StrategyPlan, role: 'buyer' | 'store'): StrategyPlan => {
  const { opponentModel, ...rest } = s;
  // The organisation keeps its protocol limits; an opponent model steers buyers only.
  return { ...rest, maxRounds: keep.maxRounds, deadlineUs: keep.deadlineUs, ...(role === 'buyer' && opponentModel ? { opponentModel } : {}) };
};

/** The scenario of one run: the competitors' strategies in place, scores kept, the run's seed. */
export function runPlan(scenario: SimulationPlan, buyer: TournamentCompetitor | undefined, store: TournamentCompetitor | undefined, seed: string | number): SimulationPlan {
  return {
    ...scenario,
    seed,
    negotiation: { ...scenario.negotiation, scores: true },
    buyers: buyer ? scenario.buyers.map((b) => ({ ...b, strategy: withLimits(buyer.strategy, b.strategy, 'buyer') })) : scenario.buyers,
    stores: store ? scenario.stores.map((s) => ({ ...s, strategy: withLimits(store.strategy, s.strategy, 'store') })) : scenario.stores,
  };
}

const fixedSide = (plan: SimulationPlan, role: 'buyer' | 'store') => `scenario:${[...new Set((role === 'buyer' ? plan.buyers : plan.stores).map((o) => o.strategy.name))].join('+')}`;

/** A run's record from its figures. */
export function runRecord(run: GridRun, scenario: SimulationPlan, figures: TaskOutcome): RunRecord {
  if (figures.status !== 'ok') return { ...run, status: figures.status, problem: figures.problem ?? '', sides: [] };
  const sides: RunSide[] = [];
  for (const [role, who, other] of [['buyer', run.buyer, run.store], ['store', run.store, run.buyer]] as const) {
    if (who === null) continue;
    const row = figures.strategies.find((s) => s.role === role && s.name === who);
    const sc = row?.scores;
    sides.push({
      competitor: who,
      role,
      opponent: other ?? fixedSide(scenario, role === 'buyer' ? 'store' : 'buyer'),
      negotiations: row?.negotiations ?? 0,
      agreements: row?.succeeded ?? 0,
      agreement_rate: row?.success_rate ?? null,
      strategy_errors: row?.errors ?? 0,
      scored: sc?.negotiations ?? 0,
      utility: sc?.utility ?? null,
      advantage: sc?.advantage ?? null,
      partner_welfare: sc?.partner_welfare ?? null,
      welfare: sc?.welfare ?? null,
      pareto_optimality: sc?.pareto_optimality ?? null,
      nash_optimality: sc?.nash_optimality ?? null,
    });
  }
  return { ...run, status: 'ok', sides };
}

export interface TournamentRunOptions {
  /** worker threads; 0 runs here one after another */
  readonly workers: number;
  /** a run past this many ms of wall clock is cut off (status timeout) */
  readonly runTimeMs: number;
  /**
   * The wall clock, handed in (a study reads none of its own): calls `cut` after `ms` unless the
   * returned function is called first. Without it no run is cut off.
   */
  readonly alarm?: (ms: number, cut: () => void) => () => void;
  /** called as each run finishes, in completion order (write it down: that is what resuming reads) */
  readonly onRun?: (record: RunRecord) => void;
}

/** Runs `runs` (of the grid of `t`) and returns their records in the order given. */
export async function runTournament(t: TournamentPlan, scenarios: readonly LoadedScenario[], runs: readonly GridRun[], options: TournamentRunOptions): Promise<RunRecord[]> {
  const byName = new Map(t.competitors.map((c) => [c.name, c]));
  const taskOf = (run: GridRun): TournamentTask => {
    const s = scenarios[run.scenario_index]!;
    return { plan: runPlan(s.plan, run.buyer === null ? undefined : byName.get(run.buyer), run.store === null ? undefined : byName.get(run.store), run.seed) };
  };
  const finish = (run: GridRun, figures: TaskOutcome): void => options.onRun?.(runRecord(run, scenarios[run.scenario_index]!.plan, figures));
  const figures = await runTournamentTasks(runs.map(taskOf), {
    workers: options.workers,
    runTimeMs: options.runTimeMs,
    ...(options.alarm ? { alarm: options.alarm } : {}),
    onTask: (k, f) => finish(runs[k]!, f),
  });
  return figures.map((f, k) => runRecord(runs[k]!, scenarios[runs[k]!.scenario_index]!.plan, f));
}
