import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenarioText } from '../../src/scenario/load.js';
import { renderSecurity } from '../../src/report/security.js';
import { renderSummary } from '../../src/report/table.js';
import { runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('the console summary of settlement-faults', () => {
  const run = runSimulation(planOf('scenarios/settlement-faults.yaml'));
  const r = run.results;

  it.each([80, 100, 120])('fits %i columns', (width) => {
    expect(widest(renderSummary(run, width))).toBeLessThanOrEqual(width);
    expect(widest(renderSecurity(r, undefined, width))).toBeLessThanOrEqual(width);
  });

  it('says why more messages were delivered than sent, and why the error replies are fewer than the rejections', () => {
    const duplicated = r.faults!.messages_duplicated;
    expect(duplicated).toBeGreaterThan(0);
    expect(r.messages.delivered).toBeGreaterThan(r.messages.sent);
    const text = renderSummary(run, 200);
    expect(text).toContain('messages sent');
    expect(text).toContain('delivered (with fault duplicates)');
    expect(text).toContain(`${r.messages.delivered.toLocaleString('en-US')} (${duplicated} duplicates)`);
    expect(text).toContain('error replies sent (by code)');
    expect(renderSecurity(r, undefined, 400)).toContain('honest messages rejected on receipt (each answered with an error reply unless it is an error itself): replay_detected');
  });
});

describe('lists that grow with the run', () => {
  // A breaker with a 1 ms window and a 1 µs cooldown (found by the scenario fuzz) trips hundreds
  // of times; its whole list in one cell made the terminal table take 26 s to wrap.
  const data = parse(readFileSync('scenarios/quickstart.yaml', 'utf8'));
  data.buyers[0].confirmation_timeout = '1us';
  data.buyers[0].breaker = { window: '1ms', failure_threshold: 0.1, min_volume: 1, cooldown: '1us', half_open_trials: 3 };
  const parsed = parseScenarioText(stringify(data), 'tripping.yaml');

  it('shows the first few transitions of a breaker and says how many more report.json holds', () => {
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const run = runSimulation(parsed.plan);
    const transitions = run.results.breakers[0]!.transitions.length;
    expect(transitions).toBeGreaterThan(100);
    const text = renderSummary(run, 400);
    expect(text).toContain(`and ${(transitions - 8).toLocaleString('en-US')} more (report.json)`);
  });
});
