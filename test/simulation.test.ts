import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOf } from './plans.js';
import type { SimulationPlan } from '../src/scenario/schema.js';
import type { CommerceMessage } from '../src/protocol/schemas.js';
import { evaluateBudgets, runSimulation } from '../src/simulation.js';
import type { TraceLine } from '../src/broker/trace.js';


function traced(p: SimulationPlan, seed?: number): { results: string; trace: string } {
  const lines: TraceLine[] = [];
  const run = runSimulation(p, { ...(seed !== undefined ? { seed } : {}), reporters: [{ onTrace: (l) => lines.push(l) }] });
  return { results: JSON.stringify(run.results), trace: lines.map((l) => JSON.stringify(l)).join('\n') };
}

describe('determinism', () => {
  const quickstart = planOf('scenarios/quickstart.yaml');

  it('gives byte-identical results and traces for the same scenario and seed', () => {
    const a = traced(quickstart);
    const b = traced(quickstart);
    expect(a.results).toBe(b.results);
    expect(a.trace).toBe(b.trace);
    expect(a.trace.length).toBeGreaterThan(1000);
  });

  it('gives different results for a different seed', () => {
    expect(traced(quickstart, 1).results).not.toBe(traced(quickstart, 2).results);
  });

  it('does not depend on whether a trace is being recorded', () => {
    expect(JSON.stringify(runSimulation(quickstart).results)).toBe(traced(quickstart).results);
  });

  it("does not shift one buyer organisation's behaviour when another organisation is added", () => {
    // Per-agent and per-link random streams are keyed by name, so a new organisation's agents
    // draw from streams of their own; the existing buyers' intent arrivals stay where they were.
    // Every negotiation of the first organisation: its conversation and when its first intent was sent.
    const arrivals = (p: SimulationPlan) => {
      const first = new Map<string, string>();
      runSimulation(p, {
        reporters: [
          {
            onTrace: (l) => {
              if (l.event !== 'delivered' && l.event !== 'dropped') return;
              const m = l.message as CommerceMessage;
              if (m.type === 'a2a.commerce.intent' && m.from.identifier.startsWith('agent:globex-procurement-') && !first.has(m.conversation_id)) first.set(m.conversation_id, m.timestamp);
            },
          },
        ],
      });
      return [...first].sort();
    };
    const extended: SimulationPlan = { ...quickstart, buyers: [...quickstart.buyers, { ...quickstart.buyers[0]!, organisation: 'initech-procurement', agents: 3 }] };
    const before = arrivals(quickstart);
    const after = arrivals(extended);
    expect(before.length).toBeGreaterThan(50);
    expect(after).toEqual(before);
  });
});

describe('budgets', () => {
  it('reports a breached budget with its value', () => {
    const p = planOf('scenarios/quickstart.yaml');
    const run = runSimulation(p);
    const verdicts = evaluateBudgets([{ expression: 'negotiation.count < 1', metric: 'negotiation.count', operator: '<', threshold: 1 }], run.results);
    expect(verdicts[0]).toMatchObject({ passed: false, value: run.results.negotiation.count });
  });
});

describe('the determinism contract in source', () => {
  // Simulation code never reads the wall clock, timers, Math.random or the environment.
  const forbidden =
    /Math\.random|\bDate\s*[.[]\s*['"]?now|\bnow\s*}\s*=\s*Date|performance\b|new Date\(\)|setTimeout|setInterval|setImmediate|process\.env|process\.hrtime|hrtime|randomUUID|randomBytes|randomInt|getRandomValues|availableParallelism|cpus\(|node:os|node:perf_hooks/;
  const allowed = new Set(['cli', 'report', 'client']);
  // Thread plumbing may use a timer, and only to sample progress for display (never results).
  // It also reads the core count: for `--workers auto` and to decide whether threads spin while
  // they wait. Results never depend on either (tests run every scenario on 0, 1, 2 and 4 workers).
  // The gateway's server is the edge to agent processes: it measures reply times on the wall
  // clock (report.json wallclock) and bounds every wait with a timer; the simulation sees only the
  // answers it hands over (gateway/link.ts), so a recording of them replays the same run.
  // Whether threads pay is raced on the wall clock (fallback.ts): it decides only whether the run
  // goes on inline or on threads: the results are the same either way.
  const plumbing = new Map([
    ['run/parallel.ts', /setInterval\(tick, \d+\)|clearInterval\(timer\)|availableParallelism|from 'node:os'/],
    ['run/fallback.ts', /performance\.now\(\)/],
    ['gateway/server.ts', /performance\.now\(\)|setTimeout|Date\.now\(\)|randomBytes/],
  ]);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!allowed.has(name)) walk(path);
      } else if (path.endsWith('.ts')) files.push(path);
    }
  };
  walk('src');

  it.each(files.map((f) => [relative('src', f)]))('%s reads no wall clock, timer, Math.random or environment', (file) => {
    const exempt = plumbing.get(file);
    const offending = readFileSync(join('src', file), 'utf8')
      .split('\n')
      .filter((line) => forbidden.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*'))
      .filter((line) => !(exempt && exempt.test(line)));
    expect(offending).toEqual([]);
  });
});
