/**
 * Bayesian opponent model of a store that concedes by a time-dependent tactic (after Zeng and
 * Sycara's Bayesian learning in negotiation, and the opponent models of the GENIUS agents).
 *
 * The buyer does not know the store's floor F or its concession exponent e. It believes the
 * store's asking total at counter round r of R is
 *
 *     ask(r) = L − (L − F) · (r / R)^(1/e)
 *
 * where L is the store's first quote. Each hypothesis is one pair (F, e): F on an even grid from
 * LOWEST_FLOOR·L to L, e log-spaced from 0.1 to 10. Starting from a uniform prior, every ask the
 * store makes multiplies each hypothesis by a Gaussian likelihood of the ask it predicts. From
 * the posterior the buyer reads how likely the floor is above what it may pay, and what the store
 * is expected to ask next.
 *
 * The work per consultation grows with the number of hypotheses (floor steps × exponent steps)
 * times the asks seen: with many thousands of hypotheses a buyer does real arithmetic for every
 * quote it receives.
 */

/** The lowest floor considered, as a share of the first quote. */
export const LOWEST_FLOOR = 0.5;
/** Asks are believed exact to within this share of the first quote (plus one minor unit). */
export const ASK_NOISE = 0.01;
const LOWEST_EXPONENT = 0.1;
const HIGHEST_EXPONENT = 10;

export interface OpponentModelSettings {
  readonly floorSteps: number;
  readonly exponentSteps: number;
}

export interface Belief {
  /** posterior probability that the store's floor is above `reservation` */
  readonly pFloorAbove: number;
  /** posterior mean of the floor */
  readonly expectedFloor: number;
  /** posterior mean of the store's ask at the next round */
  readonly expectedNextAsk: number;
}

/** The concession exponents of the grid, log-spaced (one step: e = 1). */
export function exponentGrid(steps: number): Float64Array {
  const grid = new Float64Array(steps);
  if (steps === 1) {
    grid[0] = 1;
    return grid;
  }
  const lo = Math.log(LOWEST_EXPONENT);
  const span = Math.log(HIGHEST_EXPONENT) - lo;
  for (let j = 0; j < steps; j++) grid[j] = Math.exp(lo + (span * j) / (steps - 1));
  return grid;
}

/**
 * The evidence about one store in one negotiation, and the posterior it implies. Only the asks
 * are kept (at most one per round); the posterior over all hypotheses is evaluated from them
 * when the buyer consults it, in one pass that needs no memory per hypothesis, so a buyer can
 * hold many open negotiations with fine grids.
 */
export class OpponentModel {
  readonly hypotheses: number;
  /** 1/e per exponent step */
  private readonly inverseExponents: Float64Array;
  private firstQuote = 0;
  private readonly rounds: number[] = [];
  private readonly asks: number[] = [];
  /** bumped by every reset and observation: names the evidence the model holds */
  private version = 0;
  /** a belief computed ahead of time by prepare(), with what it was computed for */
  private prepared: Prepared | undefined;

  constructor(private readonly settings: OpponentModelSettings) {
    this.hypotheses = settings.floorSteps * settings.exponentSteps;
    this.inverseExponents = exponentGrid(settings.exponentSteps).map((e) => 1 / e);
  }

  /** Starts over for a negotiation whose first quote totals `firstQuoteMinor` (uniform prior). */
  reset(firstQuoteMinor: number): void {
    this.firstQuote = firstQuoteMinor;
    this.rounds.length = 0;
    this.asks.length = 0;
    this.version++;
    this.prepared = undefined;
  }

  /** Asks observed since the last reset. */
  get observations(): number {
    return this.asks.length;
  }

  /** The floor of hypothesis step `i`. */
  floorAt(i: number): number {
    const steps = this.settings.floorSteps;
    const share = steps === 1 ? 1 : LOWEST_FLOOR + ((1 - LOWEST_FLOOR) * i) / (steps - 1);
    return this.firstQuote * share;
  }

  /** Records an ask the store made at `round` (its first quote is round 0). */
  observe(round: number, askMinor: number): void {
    this.rounds.push(round);
    this.asks.push(askMinor);
    this.version++;
  }

  /**
   * Computes, ahead of time, the belief that observe(`round`, `askMinor`) followed by
   * belief(`reservationMinor`, `nextRound`, `horizon`) will ask for, and keeps it: a thread with
   * nothing to run may do an agent's arithmetic before the agent needs it. The model's evidence
   * is left as it was. Returns false when that belief is already kept.
   */
  prepare(round: number, askMinor: number, reservationMinor: number, nextRound: number, horizon: number): boolean {
    const version = this.version + 1;
    const p = this.prepared;
    if (p && p.version === version && p.round === round && p.ask === askMinor && p.reservation === reservationMinor && p.nextRound === nextRound && p.horizon === horizon) return false;
    this.rounds.push(round);
    this.asks.push(askMinor);
    const belief = this.compute(reservationMinor, nextRound, horizon);
    this.rounds.pop();
    this.asks.pop();
    this.prepared = { version, round, ask: askMinor, reservation: reservationMinor, nextRound, horizon, belief };
    return true;
  }

  /**
   * Bayes' rule over every hypothesis given the asks so far, at a store horizon of `horizon`
   * rounds: how likely a floor above `reservationMinor` is, and the expected ask at `nextRound`.
   */
  belief(reservationMinor: number, nextRound: number, horizon: number): Belief {
    const p = this.prepared;
    if (p !== undefined) {
      this.prepared = undefined;
      const last = this.asks.length - 1;
      if (p.version === this.version && p.round === this.rounds[last] && p.ask === this.asks[last] && p.reservation === reservationMinor && p.nextRound === nextRound && p.horizon === horizon) return p.belief;
    }
    return this.compute(reservationMinor, nextRound, horizon);
  }

  private compute(reservationMinor: number, nextRound: number, horizon: number): Belief {
    const { floorSteps, exponentSteps } = this.settings;
    const L = this.firstQuote;
    const sigma = ASK_NOISE * L + 1;
    const k = 0.5 / (sigma * sigma);
    const n = this.asks.length;
    // shares[j * (n + 1) + m]: the concession share of exponent j at observation m (m = n: next round)
    const stride = n + 1;
    const shares = new Float64Array(exponentSteps * stride);
    for (let j = 0; j < exponentSteps; j++) {
      for (let m = 0; m < n; m++) shares[j * stride + m] = share(this.rounds[m]!, horizon, this.inverseExponents[j]!);
      shares[j * stride + n] = share(nextRound, horizon, this.inverseExponents[j]!);
    }
    const lowest = this.floorAt(0);
    const floorStep = floorSteps === 1 ? 0 : this.floorAt(1) - lowest;
    // One pass with a running maximum of the log posterior (sums rescaled when it rises).
    let max = -Infinity;
    let total = 0;
    let above = 0;
    let floorSum = 0;
    let askSum = 0;
    for (let j = 0; j < exponentSteps; j++) {
      const row = j * stride;
      for (let i = 0; i < floorSteps; i++) {
        const floor = lowest + floorStep * i;
        const range = L - floor;
        let lp = 0;
        for (let m = 0; m < n; m++) {
          const d = this.asks[m]! - (L - range * shares[row + m]!);
          lp -= k * d * d;
        }
        let w = 1;
        if (lp > max) {
          const scale = Math.exp(max - lp);
          total *= scale;
          above *= scale;
          floorSum *= scale;
          askSum *= scale;
          max = lp;
        } else {
          w = Math.exp(lp - max);
        }
        total += w;
        floorSum += w * floor;
        askSum += w * (L - range * shares[row + n]!);
        if (floor > reservationMinor) above += w;
      }
    }
    return { pFloorAbove: above / total, expectedFloor: floorSum / total, expectedNextAsk: askSum / total };
  }
}

/** A belief computed ahead for the evidence of `version` (whose last observation is `round`, `ask`). */
interface Prepared {
  readonly version: number;
  readonly round: number;
  readonly ask: number;
  readonly reservation: number;
  readonly nextRound: number;
  readonly horizon: number;
  readonly belief: Belief;
}

/** The share of its range a store of exponent 1/`inverseExponent` has conceded at `round` of `horizon`. */
function share(round: number, horizon: number, inverseExponent: number): number {
  const t = horizon <= 0 ? 1 : Math.min(1, Math.max(0, round / horizon));
  return t === 0 ? 0 : Math.pow(t, inverseExponent);
}
