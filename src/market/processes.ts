/**
 * Price processes for a category's reference price, as log returns on the tick grid: geometric
 * Brownian motion, jump diffusion, regime switching and mean reversion (Ornstein–Uhlenbeck in
 * log price), plus scripted shocks. The diffusion always draws one normal per tick from the
 * category's stream; jumps and switches draw from a stream of their own, so choosing a process
 * never shifts the diffusion of another.
 */
import { Rng } from '../engine/rng.js';
import type { RegimeTimeline } from './regimes.js';

const US_PER_MINUTE = 60_000_000;

export type ProcessSpec =
  | { readonly kind: 'gbm' }
  | { readonly kind: 'jump_diffusion'; readonly jumpRatePerUs: number; readonly jumpMean: number; readonly jumpStdev: number }
  | { readonly kind: 'mean_reversion'; readonly speedPerMinute: number; readonly levelMinor: number | undefined }
  | { readonly kind: 'regime_switching'; readonly volatilityMultipliers: readonly number[]; readonly switchRatePerUs: number };

/** A one-off move of the reference price: `change` is a fraction (-0.12 is a 12% drop). */
export interface Shock {
  readonly atUs: number;
  readonly change: number;
}

export const GBM: ProcessSpec = { kind: 'gbm' };

/**
 * Log returns r[1..n-1] (r[0] = 0) such that price[i] = price[i-1] × exp(r[i]). A shock at
 * `atUs` lands on the first tick at or after it.
 */
export function logReturns(
  spec: ProcessSpec,
  shocks: readonly Shock[],
  initialPriceMinor: number,
  tickUs: number,
  n: number,
  timeline: RegimeTimeline,
  seed: string | number,
  category: string,
): Float64Array {
  const rng = new Rng(seed, `market:${category}`);
  const extra = spec.kind === 'gbm' ? undefined : new Rng(seed, `market:${category}:${spec.kind}`);
  const shockAt = new Map<number, number>();
  for (const s of shocks) {
    const i = Math.max(1, Math.ceil(s.atUs / tickUs));
    shockAt.set(i, (shockAt.get(i) ?? 0) + Math.log(1 + s.change));
  }
  const returns = new Float64Array(n);
  const dtMin = tickUs / US_PER_MINUTE;
  const sqrtDt = Math.sqrt(dtMin);
  let logPrice = Math.log(initialPriceMinor);
  let state = 0;
  for (let i = 1; i < n; i++) {
    const regime = timeline.at((i - 1) * tickUs);
    let sigma = regime.volatilityPerMinute;
    let r: number;
    switch (spec.kind) {
      case 'gbm':
        r = (regime.driftPerMinute - (sigma * sigma) / 2) * dtMin + sigma * sqrtDt * rng.normal();
        break;
      case 'jump_diffusion': {
        r = (regime.driftPerMinute - (sigma * sigma) / 2) * dtMin + sigma * sqrtDt * rng.normal();
        if (extra!.chance(spec.jumpRatePerUs * tickUs)) r += spec.jumpMean + spec.jumpStdev * extra!.normal();
        break;
      }
      case 'regime_switching': {
        if (extra!.chance(spec.switchRatePerUs * tickUs)) {
          // Move to one of the other states, uniformly.
          const k = spec.volatilityMultipliers.length;
          state = (state + 1 + extra!.int(k - 1)) % k;
        }
        sigma *= spec.volatilityMultipliers[state]!;
        r = (regime.driftPerMinute - (sigma * sigma) / 2) * dtMin + sigma * sqrtDt * rng.normal();
        break;
      }
      case 'mean_reversion': {
        const level = Math.log(spec.levelMinor ?? initialPriceMinor);
        // Exact pull towards the level over one tick, then the diffusion.
        const pull = (1 - Math.exp(-spec.speedPerMinute * dtMin)) * (level - logPrice);
        r = pull + regime.driftPerMinute * dtMin + sigma * sqrtDt * rng.normal();
        break;
      }
    }
    r += shockAt.get(i) ?? 0;
    returns[i] = r;
    logPrice += r;
  }
  return returns;
}
