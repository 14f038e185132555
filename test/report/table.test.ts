import { describe, expect, it } from 'vitest';
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
