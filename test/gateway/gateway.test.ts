/** The gateway in process: a run with an external store played through a2a-market-sim/client. */
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { parseFrame } from '../../src/gateway/frames.js';
import { ReplayLink, ReplayMismatch } from '../../src/gateway/replay.js';
import { Gateway } from '../../src/gateway/server.js';
import type { Outgoing } from '../../src/gateway/link.js';
import type { CommerceMessage } from '../../src/protocol/schemas.js';
import { runSimulationAsync } from '../../src/simulation.js';
import { planOf } from '../plans.js';

const plan = { ...planOf('scenarios/external-store.yaml'), duration: 10_000_000 };

/** A store that quotes 100.00 a unit and stands by it: counters get the same total again. */
function onMessage(m: CommerceMessage, turn: Parameters<Parameters<typeof connect>[1]['onMessage']>[1]): CommerceMessage[] {
  const totals = (units: number) => ({ subtotal: 100 * units, shipping: 0, tax: 0, total: 100 * units });
  switch (m.type) {
    case 'a2a.commerce.intent': {
      const items = m.payload.items.map((it) => ({ sku: it.sku, name: it.sku, unit_price: 100, quantity: it.quantity, availability: 'in_stock' as const }));
      const units = items.reduce((s, it) => s + it.quantity, 0);
      return [turn.envelope(m.from, 'a2a.commerce.quote', m.conversation_id, { quote_id: `q_${m.id}`, valid_until: '2099-01-01T00:00:00.000Z', items, totals: totals(units), delivery_estimate: '2025-01-20' })];
    }
    case 'a2a.commerce.accept':
      return [turn.envelope(m.from, 'a2a.commerce.confirmation', m.conversation_id, { order_id: `o_${m.payload.quote_id}`, status: 'confirmed', items: [{ sku: 'WH-PRO-001', name: 'x', unit_price: 100, quantity: 1, availability: 'in_stock' }], totals: totals(1), tracking: { url: 'https://open-store.example/t' } })];
    default:
      return [];
  }
}

describe('gateway', () => {
  it('runs a store played through the client, deterministically, and stops listening after', async () => {
    const run = async () => {
      const gateway = await Gateway.listen({ plan, port: 0 });
      const agent = await connect(gateway.url, { organisation: 'open-store', onMessage });
      expect(agent.welcome.agents.map((a) => a.identifier)).toEqual(['agent:open-store-1', 'agent:open-store-2']);
      const profiles = await agent.discover('headphones');
      expect(profiles.map((p) => p.agent)).toContain('agent:open-store-1');
      expect(await gateway.waitForAgents(1000)).toEqual([]);
      const result = await runSimulationAsync(plan, { external: gateway });
      await gateway.close(result.results.virtual_end_us, 'done');
      expect((await agent.closed).code).toBe(1000);
      expect(result.external!.frames).toBe(result.external!.answers);
      expect(gateway.stats.replyLatency.count).toBe(result.external!.answers);
      return { result, url: gateway.url };
    };
    const first = await run();
    expect(first.result.results.negotiation.outcomes.succeeded).toBeGreaterThan(0);
    const second = await run();
    expect(JSON.stringify(second.result.results)).toBe(JSON.stringify(first.result.results));
    await expect(connect(first.url, { organisation: 'open-store', onMessage })).rejects.toThrow();
  });

  it('a replay that diverges from its recording says where', () => {
    const answers = new Map([['agent:a-1\n0', { agent: 'agent:a-1', n: 0, kind: 'time' as const, vt_us: 0, status: 'answered' as const, messages: [] }]]);
    const link = new ReplayLink(answers, 'rec.ndjson');
    const frame: Outgoing = { kind: 'deliver', vtUs: 5, message: {} };
    expect(() => link.exchange('agent:a-1', frame)).toThrow(ReplayMismatch);
    expect(() => link.exchange('agent:a-1', { kind: 'time', vtUs: 0 })).toThrow(/went past the recording/);
  });

  it('classifies frames: envelopes, control frames, and what is malformed', () => {
    expect(parseFrame('{"type":"a2a.commerce.quote"}').kind).toBe('envelope');
    expect(parseFrame('{"type":"a2a-sim.next","re":"f1","at_us":5}').kind).toBe('control');
    expect(parseFrame('not json')).toMatchObject({ kind: 'malformed', reason: 'not JSON' });
    expect(parseFrame('[1]')).toMatchObject({ kind: 'malformed' });
    expect(parseFrame('{"type":"a2a-sim.next"}')).toMatchObject({ kind: 'malformed' });
    expect(parseFrame('{"type":"a2a-sim.next","re":"f1","at_us":-1}')).toMatchObject({ kind: 'malformed' });
    expect(parseFrame('{"type":"a2a-sim.hello","agent":"agent:x-1","organisation":"x"}')).toMatchObject({ kind: 'malformed' });
    expect(parseFrame('{"type":"a2a-sim.warp"}')).toMatchObject({ kind: 'malformed' });
  });
});

describe('gateway with signing on', () => {
  it('an external store signs with its organisation key, published in its JWK set: its quotes verify and deals are made', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' }) as { kty: 'EC'; crv: 'P-256'; x: string; y: string };
    const signed = { ...plan, security: { ...plan.security, signing: 'es256' as const }, external: plan.external.map((e) => ({ ...e, jwks: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }] })) };
    const gateway = await Gateway.listen({ plan: signed, port: 0 });
    const agent = await connect(gateway.url, { organisation: 'open-store', key: pair.privateKey, onMessage });
    expect(agent.welcome.agents[0]!.kid).toBe('agent:open-store-1#-1');
    const [profile] = await agent.discover('headphones');
    expect(profile!.signing_keys!.length).toBeGreaterThan(0);
    const result = await runSimulationAsync(signed, { external: gateway });
    await gateway.close(result.results.virtual_end_us, 'done');
    expect(result.results.negotiation.outcomes.succeeded).toBeGreaterThan(0);
    // Every message checked passed: none refused for its signature, key, freshness or nonce.
    expect(result.results.security.rejections).toEqual({});
    expect(result.results.security.signatures_verified).toBeGreaterThan(100);
  });

  it('a proof by another key is refused at hello', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' }) as { kty: 'EC'; crv: 'P-256'; x: string; y: string };
    const keyed = { ...plan, external: plan.external.map((e) => ({ ...e, jwks: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }] })) };
    const gateway = await Gateway.listen({ plan: keyed, port: 0 });
    await expect(connect(gateway.url, { organisation: 'open-store', key: other.privateKey, onMessage })).rejects.toThrow(/1008/);
    await expect(connect(gateway.url, { organisation: 'open-store', onMessage })).rejects.toThrow(/1008/);
    expect(gateway.stats.refusedKey).toBe(2);
    await gateway.close(0, 'done');
  });
});

describe('gateway faults', () => {
  it('an agent that never answers is silent for each message after reply_timeout: the run ends, timeouts counted', async () => {
    const { default: WebSocket } = await import('ws');
    const quiet = { ...plan, duration: 3_000_000, external: plan.external.map((e) => ({ ...e, reply_timeout: 50_000 })) };
    const gateway = await Gateway.listen({ plan: quiet, port: 0 });
    const ws = new WebSocket(gateway.url);
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString());
      if (f.type === 'a2a-sim.challenge') ws.send(JSON.stringify({ type: 'a2a-sim.hello', organisation: 'open-store' }));
    });
    expect(await gateway.waitForAgents(5000)).toEqual([]);
    const result = await runSimulationAsync(quiet, { external: gateway });
    await gateway.close(result.results.virtual_end_us, 'done');
    expect(result.external!.timeouts).toBeGreaterThan(0);
    expect(result.external!.timeouts).toBe(result.external!.answers);
    expect(gateway.stats.replyTimeouts).toBe(result.external!.timeouts);
    // Buyers asked the silent store and the simulated one; they bought from the simulated one.
    expect(result.results.negotiation.outcomes.succeeded).toBeGreaterThan(0);
  });

  it('an agent that disconnects mid-run and connects again resumes: frames reach it again, the disconnect and reconnect counted', async () => {
    const gateway = await Gateway.listen({ plan, port: 0 });
    let before = 0;
    let after = 0;
    let back: Promise<unknown> | undefined;
    // agent 1 drops its connection after a few answers and connects again at once; agent 2, on a
    // connection of its own, holds its next answer until agent 1 is back (so the run waits for it)
    const first = await connect(gateway.url, {
      agent: 'agent:open-store-1',
      onMessage(m, turn) {
        if (++before === 10) {
          first.close();
          back = connect(gateway.url, { agent: 'agent:open-store-1', onMessage: (m2, t2) => (after++, onMessage(m2, t2)) });
        }
        return onMessage(m, turn);
      },
    });
    await connect(gateway.url, {
      agent: 'agent:open-store-2',
      async onMessage(m, turn) {
        if (back !== undefined) await back;
        return onMessage(m, turn);
      },
    });
    expect(await gateway.waitForAgents(1000)).toEqual([]);
    const result = await runSimulationAsync(plan, { external: gateway });
    await gateway.close(result.results.virtual_end_us, 'done');
    expect(gateway.stats.disconnects).toBe(1);
    expect(gateway.stats.reconnects).toBe(1);
    expect(after).toBeGreaterThan(0);
    expect(result.results.negotiation.outcomes.succeeded).toBeGreaterThan(0);
  });

  it('a slow reader is held to a bound: frames past it wait their turn instead of piling up, and the run ends', async () => {
    const gateway = await Gateway.listen({ plan, port: 0, maxOutstanding: 1 });
    let inFlight = 0;
    let most = 0;
    const agent = await connect(gateway.url, {
      organisation: 'open-store',
      async onMessage(m, turn) {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return onMessage(m, turn);
      },
    });
    expect(await gateway.waitForAgents(1000)).toEqual([]);
    const result = await runSimulationAsync(plan, { external: gateway });
    await gateway.close(result.results.virtual_end_us, 'done');
    await agent.closed;
    expect(gateway.stats.backpressureWaits).toBeGreaterThan(0);
    // one connection serves both agents, each frame held until the one before was answered
    expect(most).toBe(1);
    expect(result.external!.answers).toBe(result.external!.frames);
  });
});
