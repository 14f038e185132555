/**
 * A Faratin buyer steered by a Bayesian model of the store it faces (opponent-model.ts): it
 * learns from each ask, never proposes more than the store is expected to ask anyway, and walks
 * away once the store's floor is most likely above its budget.
 */
import type { NegotiationState, Negotiator } from './contract.js';
import { OpponentModel, type OpponentModelSettings } from './opponent-model.js';
import { faratinLevel } from './time-dependent.js';

export interface BayesianSettings extends OpponentModelSettings {
  /** walk away once the posterior puts at least this probability on a floor above the budget (1: never) */
  readonly walkAway: number;
}

/** What a built-in negotiator may use of its agent: a counter in the run's reasons, and a pool of idle models. */
export interface BuiltinHost {
  reason(key: string): void;
  readonly idleModels: OpponentModel[];
}

/** A negotiator that can do, ahead of a delivery, work its respond() will need (results unchanged). */
export interface Preparing extends Negotiator {
  prepare(state: NegotiationState, offer: number): boolean;
}

function pastDeadline(s: NegotiationState): boolean {
  return s.deadlineUs !== undefined && s.elapsedUs >= s.deadlineUs;
}

/** The buyer's last counter, or 0 before its first. */
function lastProposal(s: NegotiationState): number {
  const h = s.history;
  for (let i = h.length - 1; i >= 0; i--) if (h[i]!.by === 'buyer') return h[i]!.total;
  return 0;
}

export function bayesian(e: number, settings: BayesianSettings, host: BuiltinHost): Preparing {
  let model: OpponentModel | undefined;
  let steered: number | undefined;
  return {
    respond(s, ask) {
      steered = undefined;
      if (ask <= faratinLevel(s, s.round, e)) return 'accept';
      // Out of rounds or time: the engine ends it; nothing to learn.
      if (s.round >= s.maxRounds || pastDeadline(s)) return 'reject';
      if (model === undefined) {
        // The first quote of the counterpart: the top of the store's range, no evidence yet.
        model = host.idleModels.pop() ?? new OpponentModel(settings);
        model.reset(ask);
        return 'reject';
      }
      // An ask at the proposal is the store meeting it (censored), not a point on its curve.
      if (ask <= lastProposal(s)) return 'reject';
      model.observe(s.round, ask);
      host.reason('model:updates');
      // The store's horizon is taken to be the buyer's own round limit.
      const belief = model.belief(s.reservation, s.round + 1, s.maxRounds);
      if (settings.walkAway < 1 && belief.pFloorAbove >= settings.walkAway) {
        host.reason('model:walked_away');
        return 'end';
      }
      const expected = Math.max(s.aspiration, Math.ceil(belief.expectedNextAsk));
      if (expected < faratinLevel(s, s.round + 1, e)) {
        host.reason('model:proposals_lowered');
        steered = expected;
      }
      return 'reject';
    },
    propose(s) {
      const proposal = steered ?? faratinLevel(s, s.round + 1, e);
      steered = undefined;
      return proposal;
    },
    onEnd() {
      if (model !== undefined) host.idleModels.push(model);
      model = undefined;
    },
    /** The consultation respond() will make for `ask` if nothing changes before it arrives, computed ahead. */
    prepare(s, ask) {
      if (model === undefined || ask <= faratinLevel(s, s.round, e) || s.round >= s.maxRounds || pastDeadline(s) || ask <= lastProposal(s)) return false;
      return model.prepare(s.round, ask, s.reservation, s.round + 1, s.maxRounds);
    },
  };
}
