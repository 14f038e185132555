import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../../src/broker/trace.js';
import { runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

describe('a duplicated message id', () => {
  it('is answered from the reply already given and never processed twice', () => {
    const base = planOf('scenarios/quickstart.yaml');
    // A lossy network: confirmations get lost, buyers retransmit their accepts (same id, new nonce).
    // Buyers who accept the first quote, so most negotiations reach the accept.
    const buyers = base.buyers.map((b) => ({ ...b, target_margin: 0.6, budget_margin: 0.7 }));
    const plan = { ...base, buyers, duration: 30_000_000, budgets: [], network: { ...base.network, loss_probability: 0.2 } };
    const lines: TraceLine[] = [];
    const { results } = runSimulation(plan, { reporters: [{ onTrace: (l) => lines.push(l) }] });
    expect(results.security.duplicates_answered).toBeGreaterThan(0);
    const deliveries = new Map<string, { quoteId: string; count: number; nonces: Set<string> }>();
    const executions = new Map<string, number>();
    for (const l of lines) {
      if (l.event === 'delivered') {
        const m = l.message as { type: string; id: string; nonce: string; payload: { quote_id: string } };
        if (m.type !== 'a2a.commerce.accept') continue;
        const d = deliveries.get(m.id) ?? { quoteId: m.payload.quote_id, count: 0, nonces: new Set<string>() };
        d.count++;
        d.nonces.add(m.nonce);
        deliveries.set(m.id, d);
      } else if (l.event === 'execution') {
        executions.set(l.execution.quote_id, (executions.get(l.execution.quote_id) ?? 0) + 1);
      }
    }
    const repeated = [...deliveries.values()].filter((d) => d.count > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const d of repeated) {
      // each retransmission is a fresh envelope (nonce) around the same message id
      expect(d.nonces.size).toBe(d.count);
      expect(executions.get(d.quoteId) ?? 0).toBeLessThanOrEqual(1);
    }
    for (const n of executions.values()) expect(n).toBe(1);
  });
});
