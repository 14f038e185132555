/**
 * run --listen / --record / --replay: the link to a scenario's external organisations. Listening
 * starts the gateway (the URL goes to stderr), waits for the agents, and hands the run its
 * connections; replaying hands it a recording's answers instead.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Gateway } from '../gateway/server.js';
import type { AgentLink } from '../gateway/link.js';
import { readRecording, Recorder, ReplayLink } from '../gateway/replay.js';
import { externalWallclock, type ExternalWallclock } from '../gateway/wallclock.js';
import type { ExternalTally } from '../gateway/external-agent.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { publicKeyOf, type PublicJwk } from '../trust/jws.js';
import { parseDurationUs } from '../scenario/units.js';
import { UsageError } from './exit-codes.js';

export interface ExternalOptions {
  listen?: string;
  connectTimeout?: string;
  record?: string;
  replay?: string;
}

export interface ExternalSession {
  readonly link: AgentLink;
  /** ends the session (closes the gateway, the recording) and returns the wall-clock figures */
  finish(vtUs: number, tally: ExternalTally | undefined, reason: string): Promise<ExternalWallclock>;
}

/** HOST:PORT, :PORT or PORT → host and port (loopback by default; port 0 picks one). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: expected HOST:PORT, :PORT or PORT (port 0 picks a free one), e.g. 127.0.0.1:0`);
  const host = m[1] === undefined || m[1] === '' ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

/**
 * The plan with the public keys the scenario names read in (paths relative to it, into each
 * external organisation's jwks); every unreadable one is listed.
 */
export function withExternalKeys(file: string, plan: SimulationPlan): SimulationPlan {
  if (!plan.external.some((e) => e.key !== undefined)) return plan;
  const problems: string[] = [];
  const external = plan.external.map((e, i) => {
    if (e.key === undefined) return e;
    const path = resolve(dirname(resolve(file)), e.key);
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as PublicJwk | { keys?: PublicJwk[] };
      const given = 'keys' in data && Array.isArray(data.keys) ? data.keys : [data as PublicJwk];
      if (given.length === 0) throw new Error('an empty JWK set');
      const jwks = given.map((k) => {
        if ((k.kty !== 'EC' || k.crv !== 'P-256') && (k.kty !== 'OKP' || k.crv !== 'Ed25519')) throw new Error('expected EC P-256 or OKP Ed25519 keys');
        publicKeyOf(k);
        return { kty: k.kty, crv: k.crv, x: k.x, ...(k.y !== undefined ? { y: k.y } : {}) };
      });
      return { ...e, jwks };
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      problems.push(`  external[${i}].key: ${e.key}: not a public JWK or JWK set (${why})`);
      return e;
    }
  });
  if (problems.length > 0) throw new UsageError(`${file}: invalid scenario, ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.join('\n')}`);
  return { ...plan, external };
}

/** Checks the options against the scenario before anything runs; undefined when it has no external organisations. */
export function checkExternalOptions(file: string, plan: SimulationPlan, opts: ExternalOptions): void {
  const names = plan.external.map((e) => e.organisation);
  if (names.length === 0) {
    for (const [option, v] of [['--listen', opts.listen], ['--record', opts.record], ['--replay', opts.replay], ['--connect-timeout', opts.connectTimeout]] as const) {
      if (v !== undefined) throw new UsageError(`${file}: ${option} is for scenarios with external organisations, and this one has none`);
    }
    return;
  }
  if (opts.listen === undefined && opts.replay === undefined) {
    throw new UsageError(`${file}: the scenario has external organisations (${names.join(', ')}), whose agents are processes outside the simulator: run it with --listen HOST:PORT (they connect there), or with --replay FILE (a recording made with --record)`);
  }
  if (opts.listen !== undefined && opts.replay !== undefined) throw new UsageError('--listen and --replay: give one (a replay needs no agents)');
  if (opts.record !== undefined && opts.replay !== undefined) throw new UsageError('--record and --replay: a replay records nothing new');
  if (plan.external_clock === 'realtime' && (opts.record !== undefined || opts.replay !== undefined)) {
    throw new UsageError(`${file}: external_clock: realtime: replies take effect when they arrive, so a recording could not give the same run again; --record and --replay need external_clock: virtual`);
  }
  if (opts.listen !== undefined) parseListen(opts.listen);
  connectTimeoutMs(opts.connectTimeout);
}

function connectTimeoutMs(value: string | undefined): number {
  if (value === undefined) return 30_000;
  const us = parseDurationUs(value);
  if (us === null || us <= 0) throw new UsageError(`--connect-timeout ${value}: expected a duration like 10s or 500ms`);
  return Math.ceil(us / 1000);
}

/** Opens the link: the gateway (waiting for the agents) or the recording. */
export async function openExternal(file: string, plan: SimulationPlan, seed: string | number, opts: ExternalOptions): Promise<ExternalSession> {
  if (opts.replay !== undefined) {
    let recording;
    try {
      recording = readRecording(opts.replay);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`--replay ${opts.replay}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    if (recording.header.scenario !== plan.name || String(recording.header.seed) !== String(seed)) {
      throw new UsageError(`--replay ${opts.replay}: recorded from scenario ${recording.header.scenario} with seed ${recording.header.seed}, not ${plan.name} with seed ${seed}`);
    }
    const link = new ReplayLink(recording.answers, opts.replay);
    process.stderr.write(`replaying ${recording.answers.size} recorded answers of external agents from ${opts.replay}\n`);
    return { link, finish: async (_vt, tally) => externalWallclock('replay', plan, tally, []) };
  }
  const { host, port } = parseListen(opts.listen!);
  let recorder: Recorder | undefined;
  try {
    recorder = opts.record !== undefined ? new Recorder(opts.record, plan.name, seed) : undefined;
  } catch (err) {
    throw new UsageError(`--record ${opts.record}: cannot write there (${(err as Error).message})`);
  }
  let gateway: Gateway;
  try {
    gateway = await Gateway.listen({ plan: { ...plan, seed }, host, port, ...(recorder ? { onAnswer: (a, n, f, ans) => recorder!.answer(a, n, f, ans) } : {}) });
  } catch (err) {
    recorder?.close();
    throw new UsageError(`--listen ${opts.listen}: cannot listen there (${(err as Error).message})`);
  }
  process.stderr.write(`listening on ${gateway.url}\n`);
  const timeoutMs = connectTimeoutMs(opts.connectTimeout);
  const missing = await gateway.waitForAgents(timeoutMs);
  if (missing.length > 0) {
    process.stderr.write(`${missing.length} external agent${missing.length === 1 ? '' : 's'} not connected after ${timeoutMs} ms (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): the run goes on, and messages to ${missing.length === 1 ? 'it' : 'them'} are answered agent_unreachable until ${missing.length === 1 ? 'it connects' : 'they connect'}\n`);
  }
  return {
    link: gateway,
    finish: async (vtUs, tally, reason) => {
      await gateway.close(vtUs, reason);
      recorder?.close();
      return externalWallclock('listen', plan, tally, missing, gateway.stats.report(), gateway.url);
    },
  };
}
