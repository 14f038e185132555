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
});
