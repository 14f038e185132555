import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, loadScenarioData, makeTmp, readJson, runCli, writeYaml } from './helpers.js';

describe('a2a-sim audit verify', () => {
  let dir: string;
  let log: string;
  let lines: string[];
  let root: string;

  beforeAll(async () => {
    dir = makeTmp('audit');
    const data = loadScenarioData('scenarios/quickstart.yaml');
    data.duration = '10s';
    data.budgets = [];
    const scenario = writeYaml(dir, 'short.yaml', data);
    log = join(dir, 'audit.ndjson');
    const run = await runCli(['run', scenario, '--out', dir, '--audit', log, '--trace', join(dir, 'trace.ndjson'), '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    root = readJson(join(dir, 'report.json')).results.audit.merkle_root;
  });
  afterAll(() => cleanup(dir));

  /** Writes an edited copy of the log and verifies it. */
  async function verifyEdited(name: string, edit: (lines: string[]) => string[], extra: string[] = []) {
    const file = join(dir, name);
    writeFileSync(file, `${edit([...lines]).join('\n')}\n`);
    return runCli(['audit', 'verify', file, ...extra]);
  }

  /** Index of the k-th entry line of `agent`. */
  function lineOf(agent: string, k: number): number {
    let seen = 0;
    for (let i = 0; i < lines.length; i++) {
      if (JSON.parse(lines[i]!).agent === agent && seen++ === k) return i;
    }
    throw new Error(`no entry ${k} of ${agent}`);
  }

  it('reports an intact log with its Merkle root (exit 0), equal to the report', async () => {
    const r = await runCli(['audit', 'verify', log, '--root', root]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('intact');
    expect(r.stdout).toContain(root);
    expect(JSON.parse(lines.at(-1)!).audit_end.merkle_root).toBe(root);
  });

  it('verifies the audit lines of a trace too', async () => {
    const r = await runCli(['audit', 'verify', join(dir, 'trace.ndjson'), '--root', root]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('intact');
  });

  it('finds an edited entry: a changed amount in a message', async () => {
    const at = lines.findIndex((l) => l.includes('"type":"a2a.commerce.quote"'));
    const r = await verifyEdited('edited.ndjson', (ls) => {
      const e = JSON.parse(ls[at]!);
      e.message.payload.totals.total += 1;
      ls[at] = JSON.stringify(e);
      return ls;
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`:${at + 1}: `);
    expect(r.stdout).toMatch(/was altered: its message does not match its digest/);
  });

  it('finds an edited entry field outside the message: its chain value no longer follows', async () => {
    const at = lineOf('agent:globex-procurement-1', 3);
    const r = await verifyEdited('rechained.ndjson', (ls) => {
      const e = JSON.parse(ls[at]!);
      e.vt_us += 1;
      ls[at] = JSON.stringify(e);
      return ls;
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`:${at + 1}: agent:globex-procurement-1 entry 3 was altered: its chain value`);
  });

  it('finds a deleted entry', async () => {
    const at = lineOf('agent:acme-audio-1', 5);
    const r = await verifyEdited('deleted.ndjson', (ls) => ls.filter((_, i) => i !== at));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('agent:acme-audio-1 entry 5 is missing (removed)');
  });

  it('finds a deleted last entry through the trailer', async () => {
    const agent = 'agent:soundwave-supply-1';
    const last = lines.reduce((k, l, i) => (JSON.parse(l).agent === agent ? i : k), -1);
    const r = await verifyEdited('truncated.ndjson', (ls) => ls.filter((_, i) => i !== last));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/agent:soundwave-supply-1 entry \d+ is missing \(removed\): the trailer records/);
    // on the trailer's line, the last of the file
    expect(r.stdout).toContain(`truncated.ndjson:${lines.length - 1}: `);
  });

  it('finds a log cut short: the trailer and the entries before it gone, or the trailer emptied', async () => {
    const cut = await verifyEdited('cut.ndjson', (ls) => ls.slice(0, -200));
    expect(cut.status).toBe(1);
    expect(cut.stdout).toContain(`cut.ndjson:${lines.length - 200}: the trailer is missing: entries may have been removed from the end`);
    for (const [name, trailer] of [
      ['null-trailer', '{"audit_end":null}'],
      ['empty-trailer', '{"audit_end":{}}'],
    ] as const) {
      const r = await verifyEdited(`${name}.ndjson`, (ls) => [...ls.slice(0, -1), trailer]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`${name}.ndjson:${lines.length}: the trailer is not an audit trailer (altered)`);
    }
  });

  it('finds an entry whose message was replaced by null, without failing itself', async () => {
    const at = lineOf('agent:acme-audio-1', 2);
    const r = await verifyEdited('null-message.ndjson', (ls) => ls.map((l, i) => (i === at ? JSON.stringify({ ...JSON.parse(l), message: null }) : l)));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`null-message.ndjson:${at + 1}: not an audit entry`);
  });

  it('exits 2 for a file that is no audit log at all (a scenario, a report)', async () => {
    for (const file of ['scenarios/quickstart.yaml', join(dir, 'report.json')]) {
      const r = await runCli(['audit', 'verify', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${file}: no audit entries`);
    }
  });

  it('finds two swapped entries', async () => {
    const a = lineOf('agent:globex-procurement-2', 2);
    const b = lineOf('agent:globex-procurement-2', 3);
    const r = await verifyEdited('swapped.ndjson', (ls) => {
      [ls[a], ls[b]] = [ls[b]!, ls[a]!];
      return ls;
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`:${a + 1}: agent:globex-procurement-2 entry 3 comes before agent:globex-procurement-2 entry 2 (reordered)`);
  });

  it("finds a line added, a member added, the trailer's counts edited, and entries of two agents swapped", async () => {
    const trailerAt = lines.length - 1;
    const withTrailer = (edit: (t: { entries: number; chains: { entries: number }[] }) => void) => (ls: string[]) => {
      const t = JSON.parse(ls[trailerAt]!);
      edit(t.audit_end);
      ls[trailerAt] = JSON.stringify(t);
      return ls;
    };
    const a = lineOf('agent:globex-procurement-2', 2);
    // The first line after `a` that belongs to another agent and happened later.
    const vt = (i: number) => JSON.parse(lines[i]!).vt_us as number;
    const b = lines.findIndex((l, i) => i > a && i < trailerAt && JSON.parse(l).agent !== 'agent:globex-procurement-2' && vt(i) > vt(a));
    const cases: [string, (ls: string[]) => string[], string][] = [
      ['added-line.ndjson', (ls) => [...ls.slice(0, 3), JSON.stringify({ event: 'note', text: 'hello' }), ...ls.slice(3)], ':4: not an audit entry (a line was added)'],
      ['added-member.ndjson', (ls) => ls.map((l, i) => (i === a ? JSON.stringify({ ...JSON.parse(l), approved_by: 'mallory' }) : l)), `:${a + 1}: an audit entry with a member it was not written with (altered)`],
      ['total-edited.ndjson', withTrailer((t) => (t.entries = 999_999)), `the trailer records 999999 entries, the log has ${lines.length - 1} (altered)`],
      ['chain-count-lowered.ndjson', withTrailer((t) => (t.chains[0]!.entries = 1)), 'entries, the trailer records 1 (altered)'],
      [
        'swapped-agents.ndjson',
        (ls) => {
          [ls[a], ls[b]] = [ls[b]!, ls[a]!];
          return ls;
        },
        `:${a + 2}`,
      ],
    ];
    for (const [name, edit, expected] of cases) {
      const r = await verifyEdited(name, edit);
      expect(r.status, name).toBe(1);
      expect(r.stdout, name).toContain(expected);
    }
  });

  it('takes --root in either case, and refuses one that is no Merkle root (exit 2)', async () => {
    expect((await runCli(['audit', 'verify', log, '--root', root.toUpperCase()])).status).toBe(0);
    for (const bad of ['xyz', '', '00'.repeat(31)]) {
      const r = await runCli(['audit', 'verify', log, '--root', bad]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('expected a Merkle root of 64 hex digits');
    }
  });

  it('fails when the root is not the expected one', async () => {
    const r = await runCli(['audit', 'verify', log, '--root', '00'.repeat(32)]);
    expect(r.status).toBe(1);
  });

  it('exits 2 for a missing file', async () => {
    const r = await runCli(['audit', 'verify', join(dir, 'nope.ndjson')]);
    expect(r.status).toBe(2);
  });
});
