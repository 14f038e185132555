import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSecurity, renderSecurityMarkdown } from '../../src/report/security.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/simulation.js';

describe('the security summary', () => {
  it('names the quarantined senders and the messages dropped unread from them, on the console and in summary.md', () => {
    const text = readFileSync('scenarios/hostile-agents.yaml', 'utf8')
      .replace(/^security:\n/m, 'security:\n  quarantine: { rejection_rate: 0.5, min_messages: 5 }\n');
    const parsed = parseScenarioText(text, 'hostile.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const r = runSimulation(parsed.plan).results;
    const s = r.security;
    expect(s.quarantined.length).toBeGreaterThan(0);
    expect(s.quarantined_messages).toBeGreaterThan(0);
    const line = `quarantined: ${s.quarantined.length} sender${s.quarantined.length === 1 ? '' : 's'} `;
    const console = renderSecurity(r);
    expect(console).toContain(line);
    expect(console).toContain(`${s.quarantined_messages.toLocaleString('en-US')} messages from them dropped unread`);
    for (const q of s.quarantined) expect(console).toContain(q.agent);
    expect(renderSecurityMarkdown(r)).toContain(`Q${line.slice(1)}`);
  });

  it('says why each flagged sender was flagged: rejections, signature failures, or quotes far off the market', () => {
    const parsed = parseScenarioText(readFileSync('scenarios/hostile-agents.yaml', 'utf8'), 'hostile.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const r = runSimulation(parsed.plan).results;
    const base = r.security.anomalies[0]!;
    const flagged = (a: Partial<typeof base>) => renderSecurity({ ...r, security: { ...r.security, anomalies: [{ ...base, ...a }] } }, undefined, 1000);
    expect(flagged({ agent: 'agent:x', received: 8, rejected: 4, rejection_rate: 0.5, signature_failures: 0, quotes: 0, price_outliers: 0 })).toContain('agent:x (50.0% of 8 rejected)');
    expect(flagged({ agent: 'agent:x', received: 7, rejected: 7, rejection_rate: 1, signature_failures: 7, quotes: 0, price_outliers: 0 })).toContain('agent:x (100.0% of 7 rejected, 7 signature failures)');
    // a store pricing far from the market has nothing rejected: the line names its quotes instead
    expect(flagged({ agent: 'agent:x', received: 40, rejected: 0, rejection_rate: 0, signature_failures: 0, quotes: 20, price_outliers: 9 })).toContain('agent:x (9 of 20 quotes over 50% off the market price)');
  });
});
