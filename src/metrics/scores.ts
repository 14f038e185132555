/**
 * Per-negotiation scores in NegMAS's sense, for tournaments (kept only when the scenario asks:
 * `negotiation.scores: true`). A negotiation is one price, so each side's utility is linear in it,
 * normalised over the negotiation's outcome range: the prices from the lower of the buyer's
 * aspiration (its target) and the store's floor to the higher of the store's list total and the
 * buyer's budget. Who knows what is split: the buyer its budget and target and the price agreed,
 * the store its floor and list. Each side records its half (per shard); the halves meet at the
 * end of the run, keyed by conversation and store, so the scores are the same for any worker
 * count. docs/tournaments.md defines every score.
 */

/** The buyer's half: its reservation (budget), aspiration (target) and the price agreed (null: none). */
export interface BuyerHalf {
  readonly buyerId: number;
  readonly reservation: number;
  readonly aspiration: number;
  readonly price: number | null;
}

/** The store's half: its reservation (floor) and aspiration (list total), from its first quote. */
export interface StoreHalf {
  readonly floor: number;
  readonly list: number;
}

/** The scores of one negotiation for one side. */
export interface SideScores {
  readonly utility: number;
  readonly reserved_value: number;
  readonly advantage: number;
  readonly partner_welfare: number;
  readonly welfare: number;
  readonly pareto_optimality: number;
  readonly nash_optimality: number;
}

export const SCORE_NAMES = ['utility', 'advantage', 'partner_welfare', 'welfare', 'pareto_optimality', 'nash_optimality'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

/** Means over a strategy's scored negotiations (null when it had none). */
export type ScoreMeans = { readonly negotiations: number } & Readonly<Record<ScoreName, number | null>>;

export interface ScoresData {
  readonly buyers: [string, BuyerHalf][];
  readonly stores: [string, StoreHalf][];
}

const key = (conversationId: string, storeId: number) => `${conversationId}\u0000${storeId}`;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const DIAMETER = Math.SQRT2;

/** Both halves of the negotiations of one shard (merged across shards at the end). */
export class NegotiationScores {
  readonly buyers = new Map<string, BuyerHalf>();
  readonly stores = new Map<string, StoreHalf>();

  /** A buyer's negotiation with store `storeId` ended. */
  buyer(conversationId: string, storeId: number, half: BuyerHalf): void {
    this.buyers.set(key(conversationId, storeId), half);
  }

  /** Store `storeId` quoted in a conversation (its first quote sets the figures). */
  store(conversationId: string, storeId: number, half: StoreHalf): void {
    const k = key(conversationId, storeId);
    if (!this.stores.has(k)) this.stores.set(k, half);
  }

  merge(o: ScoresData): void {
    for (const [k, v] of o.buyers) this.buyers.set(k, v);
    for (const [k, v] of o.stores) if (!this.stores.has(k)) this.stores.set(k, v);
  }

  toData(): ScoresData {
    return { buyers: [...this.buyers], stores: [...this.stores] };
  }

  /** Every negotiation with both halves, in key order: (buyer id, store id, buyer scores, store scores). */
  *scored(): Generator<{ buyerId: number; storeId: number; buyer: SideScores; store: SideScores }> {
    const keys = [...this.buyers.keys()].sort();
    for (const k of keys) {
      const s = this.stores.get(k);
      if (s === undefined) continue;
      const b = this.buyers.get(k)!;
      const scores = scoreNegotiation(b, s);
      if (scores === null) continue;
      yield { buyerId: b.buyerId, storeId: Number(k.slice(k.indexOf('\u0000') + 1)), ...scores };
    }
  }
}

/** A point's distance to the segment from `a` to `b` in the plane. */
function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : clamp01(((px - ax) * dx + (py - ay) * dy) / len2);
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * The scores of one negotiation for both sides, or null when its outcome range is empty (the
 * buyer's target, budget, the store's floor and list all one price). Definitions in
 * docs/tournaments.md.
 */
export function scoreNegotiation(b: BuyerHalf, s: StoreHalf): { buyer: SideScores; store: SideScores } | null {
  const lo = Math.min(b.aspiration, s.floor);
  const hi = Math.max(s.list, b.reservation);
  if (hi <= lo) return null;
  const uBuyer = (p: number) => clamp01((hi - p) / (hi - lo));
  const uStore = (p: number) => clamp01((p - lo) / (hi - lo));
  const rb = uBuyer(b.reservation);
  const rs = uStore(s.floor);
  const ub = b.price === null ? rb : uBuyer(b.price);
  const us = b.price === null ? rs : uStore(b.price);
  // The Pareto frontier: the agreements both sides prefer to none, prices from the floor to the
  // budget (on it, one side's gain is the other's loss); with no such price, no agreement is best.
  const zone = s.floor <= b.reservation;
  const [ax, ay, bx, by] = zone ? [uBuyer(s.floor), uStore(s.floor), uBuyer(b.reservation), uStore(b.reservation)] : [rb, rs, rb, rs];
  // The Nash point maximises (ub − rb)(us − rs) on the frontier: the middle of the zone.
  const nash = (s.floor + b.reservation) / 2;
  const [nx, ny] = zone ? [uBuyer(nash), uStore(nash)] : [rb, rs];
  const pareto = Math.max(0, 1 - distanceToSegment(ub, us, ax, ay, bx, by) / DIAMETER);
  const nashOpt = Math.max(0, 1 - Math.hypot(ub - nx, us - ny) / DIAMETER);
  const advantage = (u: number, r: number) => (r >= 1 ? 0 : (u - r) / (1 - r));
  const side = (u: number, r: number, partner: number): SideScores => ({
    utility: u,
    reserved_value: r,
    advantage: advantage(u, r),
    partner_welfare: partner,
    welfare: u + partner,
    pareto_optimality: pareto,
    nash_optimality: nashOpt,
  });
  return { buyer: side(ub, rb, us), store: side(us, rs, ub) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Accumulates scores into means. */
export class ScoreSums {
  negotiations = 0;
  private readonly sums = new Map<ScoreName, number>();

  add(s: SideScores): void {
    this.negotiations++;
    for (const n of SCORE_NAMES) this.sums.set(n, (this.sums.get(n) ?? 0) + s[n]);
  }

  means(): ScoreMeans {
    const out: Record<string, number | null> = { negotiations: this.negotiations };
    for (const n of SCORE_NAMES) out[n] = this.negotiations > 0 ? round6(this.sums.get(n)! / this.negotiations) : null;
    return out as unknown as ScoreMeans;
  }
}
