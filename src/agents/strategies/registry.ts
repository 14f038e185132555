/**
 * A scenario's strategy, resolved once per agent: a built-in by kind, or a plug-in module by
 * path (loaded beforehand into this thread by loadStrategyModules, run/strategy-modules.ts).
 * It makes one negotiator per negotiation.
 */
import type { BayesianSettings, BuiltinHost } from './bayesian.js';
import { builtinFactory, FARATIN_KINDS } from './builtins.js';
import type { Negotiator, NegotiatorFactory, Role } from './contract.js';
import { StrategyFailure } from './host.js';
import { NEGMAS_EXPONENTS } from './negmas-time.js';

/** A strategy as the scenario gives it (plain data: it crosses to worker threads). */
export interface StrategyPlan {
  /** a built-in kind, or 'module' */
  readonly kind: string;
  /** how reports name it: the kind, the module file's name, or the scenario's `name` */
  readonly name: string;
  /** Faratin's exponent (boulware, linear, conceder) */
  readonly e?: number | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** absolute path of a plug-in module (kind 'module'); as written in the file until resolved */
  readonly module?: string | undefined;
  readonly maxRounds: number;
  readonly deadlineUs?: number | undefined;
  readonly opponentModel?: BayesianSettings | undefined;
}

/** Plug-in factories loaded into this thread, by absolute path. */
const loaded = new Map<string, NegotiatorFactory>();

export function registerStrategyModule(path: string, factory: NegotiatorFactory): void {
  loaded.set(path, factory);
}

export function strategyModuleLoaded(path: string): boolean {
  return loaded.has(path);
}

export class Strategy {
  readonly name: string;
  /**
   * A built-in Faratin tactic without an opponent model: one shared negotiator that keeps no
   * state, reads no history and has no hooks, whose first offer is its aspiration (at t = 0
   * nothing is conceded). A store then makes its view when the first counter comes.
   */
  readonly stateless: boolean;
  /**
   * Whether its negotiators read the offers made (`history`): all but the built-ins that need
   * none (the stateless ones) or only how many each side made (NegMAS's time-based tactics),
   * unless an opponent model reads them.
   */
  readonly keepsOffers: boolean;
  private readonly make: (role: Role, agent: string, organisation: string, conversationId: string, category: string, host: BuiltinHost) => Negotiator;

  constructor(readonly plan: StrategyPlan) {
    this.name = plan.name;
    this.stateless = (FARATIN_KINDS as readonly string[]).includes(plan.kind) && plan.opponentModel === undefined;
    this.keepsOffers = !(this.stateless || (Object.hasOwn(NEGMAS_EXPONENTS, plan.kind) && plan.opponentModel === undefined));
    if (plan.kind === 'module') {
      const factory = loaded.get(plan.module ?? '');
      if (factory === undefined) throw new Error(`strategy module ${plan.module} is not loaded: load the scenario's strategies first (loadStrategyModules)`);
      const options = plan.options;
      const strategy = plan.name;
      this.make = (role, agent, organisation, conversationId, category) => factory(options, { role, agent, organisation, conversationId, category, strategy });
    } else {
      // A built-in needs nothing of who it is for but the agent's host.
      const make = builtinFactory(plan);
      this.make = (_role, _agent, _organisation, _conversationId, _category, host) => make(host);
    }
  }

  /** A negotiator for one negotiation, or the failure of a factory that broke the contract. */
  negotiator(role: Role, agent: string, organisation: string, conversationId: string, category: string, host: BuiltinHost): Negotiator | StrategyFailure {
    let n: Negotiator;
    try {
      n = this.make(role, agent, organisation, conversationId, category, host);
    } catch (err) {
      return new StrategyFailure(`createNegotiator threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 500));
    }
    if (typeof n !== 'object' || n === null || typeof n.respond !== 'function' || typeof n.propose !== 'function') {
      return new StrategyFailure('createNegotiator returned no object with respond and propose methods');
    }
    return n;
  }
}
