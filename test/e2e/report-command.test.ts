/** `a2a-sim report <report.json> [--out FILE]` and `run --no-html`, as a user runs them. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, makeTmp, quickstartFile, readJson, runCli, type CliResult } from './helpers.js';

let tmp: string;
let run: CliResult;
let noHtml: CliResult;

beforeAll(async () => {
  tmp = makeTmp('report');
  [run, noHtml] = await Promise.all([runCli(['run', quickstartFile, '--out', join(tmp, 'q')]), runCli(['run', quickstartFile, '--out', join(tmp, 'n'), '--no-html'])]);
  if (run.status !== 0 || noHtml.status !== 0) throw new Error(`run exited ${run.status}/${noHtml.status}:\n${run.stderr}${noHtml.stderr}`);
});

afterAll(() => cleanup(tmp));

describe('run writes report.html', () => {
  it('beside report.json, and names it on the report line', () => {
    expect(existsSync(join(tmp, 'q', 'report.html'))).toBe(true);
    expect(run.stdout).toMatch(/^report: .*report\.json, .*summary\.md, .*report\.html/m);
  });

  it('not with --no-html', () => {
    expect(existsSync(join(tmp, 'n', 'report.json'))).toBe(true);
    expect(existsSync(join(tmp, 'n', 'report.html'))).toBe(false);
    expect(noHtml.stdout).not.toContain('report.html');
  });
});

describe('a2a-sim report', () => {
  it('rewrites the HTML of a run from its report.json, byte for byte', async () => {
    const out = join(tmp, 'again.html');
    const r = await runCli(['report', join(tmp, 'q', 'report.json'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`report: ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(tmp, 'q', 'report.html'), 'utf8'));
  });

  it('writes report.html beside report.json without --out', async () => {
    const r = await runCli(['report', join(tmp, 'n', 'report.json')]);
    expect(r.status).toBe(0);
    const html = readFileSync(join(tmp, 'n', 'report.html'), 'utf8');
    expect(html).toContain(JSON.stringify(readJson(join(tmp, 'n', 'report.json')).results.negotiation.outcomes));
  });

  it('draws a report written before the percentile table, the bands and the tool were recorded', async () => {
    const old = readJson(join(tmp, 'q', 'report.json'));
    delete old.latency_percentiles;
    delete old.limit_bands;
    delete old.tool;
    const file = join(tmp, 'old.json');
    writeFileSync(file, JSON.stringify(old));
    const r = await runCli(['report', file, '--out', join(tmp, 'old.html')]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(tmp, 'old.html'), 'utf8')).toContain('"format":"a2a-market-sim/report@1"');
  });

  it('refuses what is not a report it draws with exit 2, in words, and writes nothing', async () => {
    writeFileSync(join(tmp, 'broken.json'), '{"format": ');
    writeFileSync(join(tmp, 'other.json'), '{"format": "a2a-market-sim/partial@1", "results": {}}');
    writeFileSync(join(tmp, 'none.json'), '[1, 2]');
    writeFileSync(join(tmp, 'thin.json'), '{"format": "a2a-market-sim/swarm@1", "scenario": "x"}');
    const cases: [string[], RegExp][] = [
      [['report', join(tmp, 'missing.json')], /missing\.json: cannot read it \(no such file\)/],
      [['report', join(tmp, 'broken.json')], /broken\.json: not JSON/],
      [
        ['report', join(tmp, 'other.json')],
        /other\.json: not a report this tool draws \(its "format" is "a2a-market-sim\/partial@1"; expected one of "a2a-market-sim\/report@1" \(report\.json of a2a-sim run\), "a2a-market-sim\/swarm@1" \(swarm\.json of a2a-sim swarm --out\), "a2a-market-sim\/compare@1" \(compare\.json of a2a-sim compare --out\), "a2a-market-sim\/tournament@1" \(tournament\.json of a2a-sim tournament\)\)/,
      ],
      [['report', join(tmp, 'none.json')], /none\.json: not a report this tool draws \(it has no "format"/],
      [['report', join(tmp, 'thin.json')], /thin\.json: the swarm report has no summary, outcomes/],
      [['report', join(tmp, 'q', 'report.json'), '--out', join(tmp, 'no-such-folder', 'r.html')], /--out .*r\.html: cannot write there \(its folder does not exist\)/],
      [['report'], /missing required argument/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(tmp, 'report.html'))).toBe(false);
    rmSync(join(tmp, 'broken.json'));
  });

  it('is listed in --help, with its own --help; run --help lists --no-html', async () => {
    const [top, own, runHelp] = await Promise.all([runCli(['--help']), runCli(['report', '--help']), runCli(['run', '--help'])]);
    for (const r of [top, own, runHelp]) expect(r.status).toBe(0);
    expect(top.stdout).toMatch(/^\s+report \[options\] <report\.json>/m);
    expect(own.stdout).toContain('--out <file>');
    expect(own.stdout).toContain('Exit codes:');
    expect(runHelp.stdout).toContain('--no-html');
  });
});
