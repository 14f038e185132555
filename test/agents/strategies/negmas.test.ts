import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planOf } from '../../plans.js';
import { bilateral, configure } from './negmas-reference.js';

interface Run {
  buyer: string;
  seller: string;
  n_steps: number;
  offers: [number, 'buyer' | 'seller', number][];
  agreement: number | null;
  steps: number;
}

const reference = JSON.parse(readFileSync('../shared/reference/negmas/time-based-traces.json', 'utf8')) as { runs: Run[] };
const base = planOf('scenarios/bilateral-negmas.yaml');

describe("NegMAS's time-based negotiators, offer for offer", () => {
  it('has all 81 reference runs to check', () => {
    expect(reference.runs).toHaveLength(81);
    expect(reference.runs.filter((r) => r.agreement !== null).length).toBeGreaterThan(0);
    expect(reference.runs.filter((r) => r.agreement === null).length).toBeGreaterThan(0);
  });

  it.each(reference.runs.map((r) => [`${r.buyer} buyer, ${r.seller} seller, ${r.n_steps} steps`, r] as const))('%s', (_name, run) => {
    const got = bilateral(configure(base, run.buyer, run.seller, run.n_steps), run.n_steps);
    expect(got.offers).toEqual(run.offers);
    expect(got.agreement).toBe(run.agreement);
    expect(got.steps).toBe(run.steps);
  });
});
