/** External agents over the gateway, end to end: the CLI listens on 127.0.0.1, agents connect. */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cleanup, cliPath, loadScenarioData, makeTmp, readJson, root, runCli, writeText, writeYaml } from './helpers.js';

const SCENARIO = 'scenarios/external-store.yaml';
const STORE = join(root, 'examples', 'external', 'store.mjs');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) cleanup(d);
});

function tmp(label: string): string {
  const d = makeTmp(label);
  dirs.push(d);
  return d;
}

/** Starts `run … --listen 127.0.0.1:0`; resolves the URL once it is on stderr, and the run's end. */
function listen(args: string[]): { url: Promise<string>; done: Promise<{ status: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cliPath, 'run', ...args, '--listen', '127.0.0.1:0', '--connect-timeout', '10s'], { cwd: root, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' }, timeout: 60_000 });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    const m = /listening on (ws:\/\/\S+)/.exec(stderr);
    if (m) found(m[1]!);
  });
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return { url, done };
}

function agent(script: string, ...args: string[]): Promise<number | null> {
  return agentWithOutput(script, ...args).then((r) => r.code);
}

/** Starts an agent process; resolves its exit code and what it printed. */
function agentWithOutput(script: string, ...args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  children.push(child);
  let stdout = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

async function runWithStore(out: string, extra: string[] = []): Promise<{ status: number | null; report: any; stdout: string; stderr: string }> {
  const run = listen([SCENARIO, '--out', out, ...extra]);
  const url = await run.url;
  const [result, storeExit] = await Promise.all([run.done, agent(STORE, url, 'open-store')]);
  expect(storeExit).toBe(0);
  return { ...result, report: readJson(join(out, 'report.json')) };
}

describe('external agents', () => {
  it('refuses a scenario with external organisations without --listen (exit 2)', async () => {
    const r = await runCli(['run', SCENARIO, '--out', tmp('ext-refused')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('external organisations (open-store)');
    expect(r.stderr).toContain('--listen');
    const swarm = await runCli(['swarm', SCENARIO, '--seeds', '2', '--out', tmp('ext-swarm')]);
    expect(swarm.status).toBe(2);
    expect(swarm.stderr).toContain('cannot join');
  });

  it('negotiates with the example store; virtual time repeats exactly, and so does a replay of the recording', async () => {
    const dir = tmp('ext-store');
    const recording = join(dir, 'answers.ndjson');
    const first = await runWithStore(join(dir, 'a'), ['--record', recording]);
    // (the wall-clock budgets may breach on a loaded machine: exit 1; tests never assert on time)
    expect([0, 1]).toContain(first.status);
    expect(first.report.budgets.find((b: any) => b.metric === 'negotiation.success_rate').passed).toBe(true);
    const open = first.report.results.strategies.by_strategy.find((s: any) => s.organisations.includes('open-store'));
    expect(open.negotiations).toBeGreaterThan(10);
    expect(open.succeeded).toBeGreaterThan(5);
    expect(first.report.results.negotiation.outcomes.succeeded).toBeGreaterThan(10);
    const ext = first.report.wallclock.external;
    expect(ext.frames).toBeGreaterThan(50);
    expect(ext.gateway.reply_latency.count).toBeGreaterThan(50);
    expect(first.report.budgets.find((b: any) => b.metric === 'external.reply_latency.p99').value).toBeGreaterThan(0);
    const second = await runWithStore(join(dir, 'b'));
    expect(JSON.stringify(second.report.results)).toBe(JSON.stringify(first.report.results));
    const replay = await runCli(['run', SCENARIO, '--replay', recording, '--out', join(dir, 'c')]);
    expect(replay.status).toBe(0);
    expect(replay.stderr).toContain('replaying');
    expect(JSON.stringify(readJson(join(dir, 'c', 'report.json')).results)).toBe(JSON.stringify(first.report.results));
  });

  it('external_clock: realtime paces virtual time to the wall clock, and the report says the results depend on the run', async () => {
    const dir = tmp('ext-realtime');
    const data = loadScenarioData(SCENARIO);
    // 30 s of virtual time at ten times the clock: about 3 s of wall clock
    Object.assign(data, { external_clock: 'realtime', realtime_scale: 10 });
    const file = writeYaml(dir, 'realtime.yaml', data);
    const refused = await runCli(['run', file, '--listen', '127.0.0.1:0', '--record', join(dir, 'r.ndjson'), '--out', join(dir, 'x')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('external_clock: realtime');
    const out = join(dir, 'out');
    const started = Date.now();
    const run = listen([file, '--out', out]);
    const url = await run.url;
    const [result, storeExit] = await Promise.all([run.done, agent(STORE, url, 'open-store')]);
    const wallMs = Date.now() - started;
    expect(storeExit).toBe(0);
    expect([0, 1]).toContain(result.status);
    // paced: the 30 s of virtual time took at least 3 s of wall clock (scale 10)
    expect(wallMs).toBeGreaterThanOrEqual(3_000);
    const report = readJson(join(out, 'report.json'));
    expect(report.wallclock.external).toMatchObject({ clock: 'realtime', scale: 10 });
    expect(result.stdout).toContain('realtime clock (×10)');
    const open = report.results.strategies.by_strategy.find((s: any) => s.organisations.includes('open-store'));
    expect(open.negotiations).toBeGreaterThan(10);
    expect(open.succeeded).toBeGreaterThan(5);
  });

  it('an external buyer (the example) discovers the stores and buys; virtual time repeats exactly', async () => {
    const dir = tmp('ext-buyer');
    const buy = async (out: string) => {
      const run = listen(['scenarios/external-buyer.yaml', '--out', out]);
      const url = await run.url;
      const [result, code] = await Promise.all([run.done, agent(join(root, 'examples/external/buyer.mjs'), url, 'open-buyer')]);
      expect(code).toBe(0);
      expect([0, 1]).toContain(result.status);
      return readJson(join(out, 'report.json'));
    };
    const first = await buy(join(dir, 'a'));
    const row = first.results.strategies.by_strategy.find((s: any) => s.organisations.includes('open-buyer'));
    expect(row.negotiations).toBeGreaterThan(10);
    expect(row.succeeded).toBeGreaterThan(5);
    expect(first.results.settlement.in_doubt).toBe(0);
    const second = await buy(join(dir, 'b'));
    expect(JSON.stringify(second.results)).toBe(JSON.stringify(first.results));
  });

  it('with signing on, the example store proves its key at hello and signs its envelopes, which verify', async () => {
    const dir = tmp('ext-signed');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeText(dir, 'open-store.jwk.json', JSON.stringify(pair.publicKey.export({ format: 'jwk' })));
    const secret = writeText(dir, 'open-store.private.jwk.json', JSON.stringify(pair.privateKey.export({ format: 'jwk' })));
    const data = loadScenarioData(SCENARIO);
    data.external[0].key = './open-store.jwk.json';
    data.security = { signing: 'es256' };
    const file = writeYaml(dir, 'signed.yaml', data);
    const out = join(dir, 'out');
    const run = listen([file, '--out', out]);
    const url = await run.url;
    const [r, code] = await Promise.all([run.done, agent(STORE, url, 'open-store', secret)]);
    expect(code).toBe(0);
    expect([0, 1]).toContain(r.status);
    const report = readJson(join(out, 'report.json'));
    expect(report.results.security.rejections).toEqual({});
    const open = report.results.strategies.by_strategy.find((s: any) => s.organisations.includes('open-store'));
    expect(open.succeeded).toBeGreaterThan(5);
  });

  it('settles the example store\'s deals through the clearing house for it: buyers hear the outcome, the store its cancellations; two runs give the same results', async () => {
    const dir = tmp('ext-settled');
    const settle = async (out: string) => {
      const run = listen(['scenarios/external-settlement.yaml', '--out', out]);
      const url = await run.url;
      const [result, store] = await Promise.all([run.done, agentWithOutput(STORE, url, 'open-store')]);
      expect(store.code).toBe(0);
      // (its budgets are on the results alone)
      expect(result.status).toBe(0);
      return { report: readJson(join(out, 'report.json')), said: store.stdout };
    };
    const first = await settle(join(dir, 'a'));
    const r = first.report.results;
    const sagas = r.settlement.sagas;
    const open = r.strategies.by_strategy.find((s: any) => s.organisations.includes('open-store'));
    expect(open.succeeded).toBeGreaterThan(10);
    expect(sagas.settled).toBeGreaterThanOrEqual(open.succeeded);
    expect(sagas.compensated_by_cause.payment_failed).toBeGreaterThan(0);
    expect(sagas.settled + sagas.compensated).toBe(sagas.started);
    expect(r.negotiation.outcomes.settlement_failed).toBeGreaterThan(0);
    expect(r.settlement.in_doubt).toBe(0);
    // the store confirmed every deal it made; those whose payment failed came back to it cancelled
    const [, confirmed, acknowledged, cancelled] = /(\d+) orders confirmed, (\d+) acknowledged by their buyers, (\d+) cancelled in settlement/.exec(first.said)!.map(Number);
    expect(acknowledged).toBe(open.succeeded);
    expect(cancelled).toBeGreaterThan(0);
    expect(confirmed).toBe(acknowledged! + cancelled!);
    const second = await settle(join(dir, 'b'));
    expect(JSON.stringify(second.report.results)).toBe(JSON.stringify(first.report.results));
  });

  it('runs beside hostile agents with signing on: the run ends, the attacks are counted and refused, no baseline run is made, and --workers is said to be unused', async () => {
    const dir = tmp('ext-hostile');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeText(dir, 'open-store.jwk.json', JSON.stringify(pair.publicKey.export({ format: 'jwk' })));
    const secret = writeText(dir, 'open-store.private.jwk.json', JSON.stringify(pair.privateKey.export({ format: 'jwk' })));
    const data = loadScenarioData(SCENARIO);
    data.external[0].key = './open-store.jwk.json';
    data.security = { signing: 'es256', sender_rate: '20/s', sender_burst: 40 };
    data.adversaries = ['forger', 'replayer', 'impersonator', 'tamperer'].map((kind) => ({ kind, rate: '12/m' }));
    data.adversaries.push({ kind: 'flooder', rate: '40/s', start: '25s' });
    data.budgets = ['security.accepted_hostile == 0', 'negotiation.success_rate >= 0.5'];
    const file = writeYaml(dir, 'hostile.yaml', data);
    const out = join(dir, 'out');
    const run = listen([file, '--out', out, '--workers', '2']);
    const url = await run.url;
    const [r, code] = await Promise.all([run.done, agent(STORE, url, 'open-store', secret)]);
    expect(code).toBe(0);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('external agents run inline');
    expect(r.stderr).toContain('not run again without the adversaries');
    expect(r.stdout).toContain('hostile kind');
    const report = readJson(join(out, 'report.json'));
    expect(report.wallclock.external.inline_note).toContain('--workers 2 is not used');
    expect(report.baseline).toMatchObject({ without_adversaries: null });
    const security = report.results.security;
    expect(security.attempts_total).toBeGreaterThan(20);
    expect(security.accepted_hostile_total).toBe(0);
    expect(Object.keys(security.rejections)).toEqual(expect.arrayContaining(['signature_invalid', 'key_not_found', 'replay_detected']));
    const open = report.results.strategies.by_strategy.find((s: any) => s.organisations.includes('open-store'));
    expect(open.succeeded).toBeGreaterThan(5);
  });

  it('ends on its own when the agent dies mid-run: its negotiations end agent_unreachable', async () => {
    const out = tmp('ext-dies');
    const run = listen([SCENARIO, '--out', out]);
    await Promise.all([run.url.then((url) => agent(join(root, 'test/fixtures/external/dying-store.mjs'), url, 'open-store', '12')), run.done]);
    const r = await run.done;
    // Nothing listens after the run.
    const url = await run.url;
    const refused = await new Promise<string>((resolve) => new WebSocket(url).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message)));
    expect(refused).toBe('ECONNREFUSED');
    expect([0, 1]).toContain(r.status);
    const report = readJson(join(out, 'report.json'));
    expect(report.results.negotiation.outcomes.agent_unreachable).toBeGreaterThan(0);
    expect(report.wallclock.external.gateway.disconnects).toBe(1);
    expect(report.wallclock.external.unreachable).toBeGreaterThan(0);
    expect(r.stdout).toContain('disconnects');
  });

  it('closes unknown agents and wrong keys with 1008, answers malformed frames with invalid_message', async () => {
    const dir = tmp('ext-keys');
    const good = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const bad = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeText(dir, 'open-store.jwk.json', JSON.stringify(good.publicKey.export({ format: 'jwk' })));
    const data = loadScenarioData(SCENARIO);
    data.external[0].key = './open-store.jwk.json';
    data.external[0].agents = 1;
    const file = writeYaml(dir, 'keyed.yaml', data);
    const out = join(dir, 'out');
    const run = listen([file, '--out', out]);
    const url = await run.url;
    const proof = (key: typeof good.privateKey, nonce: string) => {
      const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k' })).toString('base64url')}.${Buffer.from(JSON.stringify({ nonce })).toString('base64url')}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    /** Connects, says hello as `hello(nonce)`; resolves the close code, or answers frames until the end. */
    const connect = (hello: (nonce: string) => object, malformed = false) =>
      new Promise<{ code: number; errors: any[] }>((resolve) => {
        const ws = new WebSocket(url);
        const errors: any[] = [];
        ws.on('message', (raw) => {
          const f = JSON.parse(raw.toString());
          if (f.type === 'a2a-sim.challenge') ws.send(JSON.stringify(hello(f.nonce)));
          if (f.type === 'a2a-sim.welcome' && malformed) {
            ws.send('this is not JSON');
            ws.send(JSON.stringify({ type: 'a2a.commerce.quote', from: { type: 'agent', identifier: 'agent:acme-audio-1', name: 'x' } }));
          }
          if (f.type === 'a2a.commerce.error') errors.push(f);
          if (f.type === 'a2a-sim.deliver' || f.type === 'a2a-sim.time') ws.send(JSON.stringify({ type: 'a2a-sim.next', re: f.id, ...(f.type === 'a2a-sim.time' ? { at_us: null } : {}) }));
        });
        ws.on('close', (code) => resolve({ code, errors }));
      });
    const unknown = await connect(() => ({ type: 'a2a-sim.hello', agent: 'agent:nobody-1' }));
    expect(unknown.code).toBe(1008);
    const wrong = await connect((nonce) => ({ type: 'a2a-sim.hello', organisation: 'open-store', proof: proof(bad.privateKey, nonce) }));
    expect(wrong.code).toBe(1008);
    const right = await connect((nonce) => ({ type: 'a2a-sim.hello', organisation: 'open-store', proof: proof(good.privateKey, nonce) }), true);
    expect(right.code).toBe(1000);
    expect(right.errors.map((e) => e.payload.code)).toEqual(['invalid_message', 'invalid_message']);
    const r = await run.done;
    expect([0, 1]).toContain(r.status);
    const gateway = readJson(join(out, 'report.json')).wallclock.external.gateway;
    expect(gateway.refused).toMatchObject({ unknown_agent: 1, wrong_key: 1 });
    expect(gateway.malformed).toBe(2);
  });
});
