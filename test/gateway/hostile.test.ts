/** Hostile agents against an external store, in process: what they send meets the simulator's checks before the agent sees it. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AgentLink, Answer, Outgoing } from '../../src/gateway/link.js';
import type { CommerceMessage } from '../../src/protocol/schemas.js';
import { validate } from '../../src/scenario/load.js';
import { runSimulationAsync } from '../../src/simulation.js';

/** An agent that keeps what it is handed and says nothing. */
class Listener implements AgentLink {
  readonly received: CommerceMessage[] = [];

  exchange(_agent: string, frame: Outgoing): Promise<Answer> {
    if (frame.kind === 'deliver') this.received.push(frame.message as CommerceMessage);
    return Promise.resolve({ status: 'answered', messages: [], nextAtUs: null });
  }

  from(kind: string): number {
    return this.received.filter((m) => m.from.identifier.endsWith(`-${kind}-1`)).length;
  }
}

describe('an external store beside hostile agents', () => {
  it('is attacked as any store: signed-message checks refuse forged, impersonating and flooding messages before the agent, the rest reach it', async () => {
    const data = parse(readFileSync('scenarios/external-store.yaml', 'utf8'));
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    // The external store is the only store: every attack is on it.
    Object.assign(data, {
      duration: '10s',
      budgets: [],
      stores: [],
      security: { signing: 'es256', sender_rate: '10/s', sender_burst: 10 },
      adversaries: [
        { kind: 'forger', rate: '60/m' },
        { kind: 'impersonator', rate: '60/m' },
        { kind: 'flooder', rate: '40/s', start: '5s' },
      ],
    });
    data.external[0].jwks = [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }];
    const parsed = validate(data);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const link = new Listener();
    const { results } = await runSimulationAsync(parsed.plan, { external: link });
    const s = results.security;
    expect(s.attempts.forger).toBeGreaterThan(3);
    expect(s.attempts.impersonator).toBeGreaterThan(3);
    // refused by the checks, never handed to the agent
    expect(link.from('forger')).toBe(0);
    expect(link.from('impersonator')).toBe(0);
    expect(s.rejections.signature_invalid).toBe(s.attempts.forger);
    expect(s.rejections.key_not_found).toBe(s.attempts.impersonator);
    // the flood within the per-sender limit reaches the agent; the rest is refused rate_limited
    expect(link.from('flooder')).toBeGreaterThan(0);
    expect(link.from('flooder') + s.rejections.rate_limited!).toBe(s.attempts.flooder);
    expect(s.accepted_hostile_total).toBe(0);
  });
});
