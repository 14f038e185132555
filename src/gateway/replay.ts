/**
 * Record and replay. A recording is NDJSON: a header line (scenario, seed), then one line per
 * answer an external agent gave, keyed by the agent and the index of the frame it answers, with
 * the frame's virtual time and the envelopes the agent sent. Replaying hands the simulation those
 * answers in place of the agents, so a run can be reproduced without them (in CI, say).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { AgentLink, Answer, Outgoing } from './link.js';

export const RECORDING_FORMAT = 'a2a-market-sim/external-recording@1';

interface Header {
  readonly format: typeof RECORDING_FORMAT;
  readonly scenario: string;
  readonly seed: string | number;
}

interface Line {
  readonly agent: string;
  readonly n: number;
  readonly kind: Outgoing['kind'];
  readonly vt_us: number;
  readonly status: Answer['status'];
  readonly messages: readonly unknown[];
  readonly at_us?: number | null;
}

/** Writes a recording as answers come (so a run that fails still leaves what it had). */
export class Recorder {
  private readonly fd: number;
  lines = 0;

  constructor(path: string, scenario: string, seed: string | number) {
    this.fd = openSync(path, 'w');
    const header: Header = { format: RECORDING_FORMAT, scenario, seed };
    writeSync(this.fd, `${JSON.stringify(header)}\n`);
  }

  answer(agent: string, n: number, frame: Outgoing, answer: Answer): void {
    const line: Line = { agent, n, kind: frame.kind, vt_us: frame.vtUs, status: answer.status, messages: answer.messages, ...(answer.nextAtUs !== undefined ? { at_us: answer.nextAtUs } : {}) };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.lines++;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The replay diverged from the recording: another scenario, seed or build, or an agent that was not deterministic. */
export class ReplayMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayMismatch';
  }
}

/** Reads a recording; throws Error with the line at fault when it is not one. */
export function readRecording(path: string): { header: Header; answers: Map<string, Line> } {
  const text = readFileSync(path, 'utf8');
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const parse = (row: string, i: number): unknown => {
    try {
      return JSON.parse(row);
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON`);
    }
  };
  const header = parse(rows[0] ?? '', 0) as Partial<Header>;
  if (header.format !== RECORDING_FORMAT) throw new Error(`${path}: not a recording of external agents (expected format ${RECORDING_FORMAT} on the first line)`);
  const answers = new Map<string, Line>();
  rows.slice(1).forEach((row, k) => {
    const l = parse(row, k + 1) as Partial<Line>;
    if (typeof l.agent !== 'string' || !Number.isInteger(l.n) || (l.kind !== 'deliver' && l.kind !== 'time') || !Number.isInteger(l.vt_us) || !Array.isArray(l.messages) || !['answered', 'timeout', 'unreachable'].includes(l.status as string)) {
      throw new Error(`${path}:${k + 2}: expected an answer line (agent, n, kind, vt_us, status, messages)`);
    }
    answers.set(`${l.agent}\n${l.n}`, l as Line);
  });
  return { header: header as Header, answers };
}

/** The answers of a recording, handed to the simulation in place of the agents. */
export class ReplayLink implements AgentLink {
  private readonly counts = new Map<string, number>();
  replayed = 0;

  constructor(
    private readonly answers: ReadonlyMap<string, Line>,
    private readonly path: string,
  ) {}

  exchange(agent: string, frame: Outgoing): Promise<Answer> {
    const n = this.counts.get(agent) ?? 0;
    this.counts.set(agent, n + 1);
    const line = this.answers.get(`${agent}\n${n}`);
    if (line === undefined) throw new ReplayMismatch(`${this.path}: no answer of ${agent} to its frame ${n} (a ${frame.kind} at ${frame.vtUs} µs): the run went past the recording`);
    if (line.kind !== frame.kind || line.vt_us !== frame.vtUs) {
      throw new ReplayMismatch(`${this.path}: ${agent}'s frame ${n} was a ${line.kind} at ${line.vt_us} µs when recorded, a ${frame.kind} at ${frame.vtUs} µs now: the replay diverged`);
    }
    this.replayed++;
    return Promise.resolve({ status: line.status, messages: line.messages, ...(line.at_us !== undefined ? { nextAtUs: line.at_us } : {}) });
  }
}
