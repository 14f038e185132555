/**
 * An outside verifier with a standard JOSE library (jose) and nothing of the simulator: from the
 * trace's `keys` lines (or keys.json) it checks every agent key's certificate against its
 * organisation's root key, then every delivered message's signature, of every type and across
 * key rotations; and the mandates' capability tokens against the buyers' root keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { compactVerify, flattenedVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, loadScenarioData, makeTmp, readJson, runCli, writeYaml, type CliResult } from './helpers.js';

interface PublishedKey extends JWK {
  kid: string;
  sub: string;
  epoch: number;
  nbf: string;
  exp: string;
  certificate: string;
}
interface OrganisationKeys {
  organisation: string;
  role: string;
  root_key: JWK & { kid: string };
  keys: PublishedKey[];
  mandates?: { mandate_id: string; token: string }[];
}
type Line = { vt_us: number; event: string; keys?: OrganisationKeys; message?: Record<string, unknown> & { type: string; timestamp: string; from: { identifier: string }; signature: string } };

let tmp: string;
let run: CliResult;
let lines: Line[];
let keysJson: { format: string; algorithm: string; rotation_us: number; organisations: OrganisationKeys[] };

beforeAll(async () => {
  tmp = makeTmp('keys');
  const data = loadScenarioData('scenarios/settlement-faults.yaml');
  data.security = { ...(data.security ?? {}), signing: 'es256', key_rotation: '30s', key_overlap: '5s' };
  const file = writeYaml(tmp, 'rotating.yaml', data);
  run = await runCli(['run', file, '--out', join(tmp, 'out'), '--trace', join(tmp, 'trace.ndjson'), '--no-progress'], 120_000);
  lines = readFileSync(join(tmp, 'trace.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  keysJson = readJson(join(tmp, 'out', 'keys.json'));
}, 120_000);
afterAll(() => cleanup(tmp));

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, any>;

describe('keys published for outside verifiers', () => {
  it('the trace publishes every organisation\'s keys at the start and the new ones on each rotation, and keys.json holds them all', () => {
    expect(run.status).toBe(0);
    const published = lines.filter((l) => l.event === 'keys');
    const roles = new Set(published.map((l) => l.keys!.role));
    expect([...roles].sort()).toEqual(['buyer', 'settlement', 'store']);
    const epochs = new Set(published.flatMap((l) => l.keys!.keys.map((k) => k.epoch)));
    expect(Math.max(...epochs)).toBeGreaterThanOrEqual(3);
    for (const l of published) for (const k of l.keys!.keys) expect(l.vt_us).toBe(k.epoch * 30_000_000);
    expect(keysJson.format).toBe('a2a-market-sim/keys@1');
    const inJson = new Map(keysJson.organisations.flatMap((o) => o.keys.map((k) => [k.kid, k] as const)));
    for (const l of published) for (const k of l.keys!.keys) expect(inJson.get(k.kid)).toEqual(k);
  });

  it('jose verifies every certificate with the root key, every message of every type with its certified key, and mandate tokens', async () => {
    const roots = new Map<string, Awaited<ReturnType<typeof importJWK>>>();
    const certified = new Map<string, { org: string; key: Awaited<ReturnType<typeof importJWK>>; sub: string; nbf: number; exp: number; publishedAt: number }>();
    for (const l of lines) {
      if (l.event !== 'keys') continue;
      const org = l.keys!;
      if (!roots.has(org.organisation)) roots.set(org.organisation, await importJWK(org.root_key, org.root_key.alg));
      const root = roots.get(org.organisation)!;
      for (const k of org.keys) {
        const { payload, protectedHeader } = await compactVerify(k.certificate, root);
        expect(protectedHeader.kid).toBe(org.root_key.kid);
        const claims = JSON.parse(new TextDecoder().decode(payload)) as { sub: string; org: string; kid: string; jwk: JWK; nbf: string; exp: string };
        expect(claims).toMatchObject({ sub: k.sub, org: org.organisation, kid: k.kid, nbf: k.nbf, exp: k.exp });
        expect(claims.jwk).toMatchObject({ x: k.x, y: k.y, crv: k.crv });
        certified.set(k.kid, { org: org.organisation, key: await importJWK(claims.jwk, claims.jwk.alg), sub: claims.sub, nbf: Date.parse(claims.nbf), exp: Date.parse(claims.exp), publishedAt: l.vt_us });
      }
      for (const m of org.mandates ?? []) {
        const claims = JSON.parse(new TextDecoder().decode((await compactVerify(m.token, root)).payload)) as { mandate_id: string; iss: string };
        expect(claims).toMatchObject({ mandate_id: m.mandate_id, iss: `org:${org.organisation}` });
      }
    }
    const delivered = lines.filter((l) => l.event === 'delivered');
    expect(delivered.length).toBeGreaterThan(1000);
    const types = new Set<string>();
    const epochs = new Set<string>();
    for (const { vt_us, message } of delivered) {
      const [head, empty, signature] = message!.signature.split('.');
      expect(empty).toBe('');
      const header = decode(head!) as { alg: string; kid: string };
      const key = certified.get(header.kid);
      expect(key, `${header.kid} published before ${vt_us}`).toBeDefined();
      expect(key!.publishedAt).toBeLessThanOrEqual(vt_us);
      expect(key!.sub).toBe(message!.from.identifier);
      const sentAt = Date.parse(message!.timestamp);
      expect(sentAt >= key!.nbf && sentAt < key!.exp, `${header.kid} valid at ${message!.timestamp}`).toBe(true);
      const { signature: _s, ...unsigned } = message!;
      const payload = Buffer.from(canonicalize(unsigned)!).toString('base64url');
      await flattenedVerify({ protected: head!, payload, signature: signature! }, key!.key);
      types.add(message!.type);
      epochs.add(header.kid.split('#')[1]!);
    }
    expect([...types].filter((t) => t.startsWith('a2a.settlement.')).length).toBeGreaterThanOrEqual(5);
    expect(types).toContain('a2a.commerce.error');
    expect(types).toContain('a2a.commerce.confirmation');
    expect(epochs.size).toBeGreaterThanOrEqual(4);
  });
});
