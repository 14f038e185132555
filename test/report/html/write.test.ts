/** report.html as text: self-contained, the report embedded safely, the script allowed by hash alone. */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInfo } from '../../../src/report/html/build-page.js';
import { jsonForScript, renderHtml } from '../../../src/report/html/write.js';
import { buildReport, type Report } from '../../../src/report/report.js';
import { buildSwarmReport } from '../../../src/report/swarm-report.js';
import { runSimulation } from '../../../src/simulation.js';
import { planOf } from '../../plans.js';

const wallclock = { started_at: '2026-01-01T00:00:00.000Z', elapsed_ms: 1, events_per_s: 1, messages_per_s: 1, negotiations_per_s: 1, peak_rss_bytes: 1, node: '20', workers: 0 };
const plan = planOf('scenarios/quickstart.yaml');
const base = buildReport('scenarios/quickstart.yaml', runSimulation({ ...plan, duration: 5_000_000 }), wallclock);
const assets = { script: 'document.title = "</script><b>";', styles: 'body { color: red; }\n' };

/** The JSON inside the page's data element, parsed. */
function embedded(html: string): unknown {
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error('no report-data element');
  return JSON.parse(m[1]!);
}

describe('renderHtml', () => {
  it('embeds the report as it is, so the page is drawn from report.json alone', () => {
    expect(embedded(renderHtml(base, assets))).toEqual({ kind: 'run', report: JSON.parse(JSON.stringify(base)) });
  });

  it('keeps a hostile name inside its element: no "</script" or "<!--" in the data, the title escaped', () => {
    const name = '</script><script>alert(1)</script><!--';
    const report: Report = { ...base, scenario_file: name, results: { ...base.results, scenario: name } };
    const html = renderHtml(report, assets);
    const data = /id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(data).not.toMatch(/<\/script|<!--/i);
    expect((embedded(html) as { report: Report }).report.results.scenario).toBe(name);
    expect(html).toContain('<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--: run report</title>');
    expect(jsonForScript('\u2028<')).toBe('"\\u2028\\u003c"');
  });

  it('inlines the script and styles; the policy allows that script by its hash, and no source at all', () => {
    const html = renderHtml(base, assets);
    const inline = /<script>(.*?)<\/script>\n<\/body>/s.exec(html)![1]!;
    expect(inline).toBe('document.title = "<\\/script><b>";');
    const hash = createHash('sha256').update(inline).digest('base64');
    expect(html).toContain(`content="default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toContain('<style>\nbody { color: red; }\n</style>');
    expect(html).not.toMatch(/\ssrc=|<link/);
  });
});

describe('renderHtml of other kinds of report', () => {
  const swarm = buildSwarmReport({ scenario: '<b>unit</b>', file: 'unit.yaml', firstSeed: 1, budgets: [], outcomes: [], wallclock: { started_at: '', elapsed_ms: 0, workers: 0, node: '' } });

  it('embeds a swarm report as a swarm, titled by its scenario and seeds', () => {
    const html = renderHtml(swarm, assets);
    expect(embedded(html)).toEqual({ kind: 'swarm', report: JSON.parse(JSON.stringify(swarm)) });
    expect(html).toContain('<title>&lt;b&gt;unit&lt;/b&gt;: swarm of 0 seeds</title>');
  });

  it('refuses a document of a format it has no page for', () => {
    expect(() => renderHtml({ ...swarm, format: 'a2a-market-sim/partial@1' } as never, assets)).toThrow(/no page for a report of format "a2a-market-sim\/partial@1"/);
  });
});

describe('buildInfo', () => {
  it('names the commit of a checkout of its own, and whether tracked files changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'a2a-sim-build-info-'));
    try {
      expect(buildInfo(dir)).toEqual({});
      const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
      git('init', '-q');
      execFileSync('sh', ['-c', `echo a > "${dir}/f" && git -C "${dir}" add f && git -C "${dir}" -c user.name=t -c user.email=t@t commit -qm one`]);
      const head = git('rev-parse', 'HEAD');
      expect(buildInfo(dir)).toEqual({ commit: head, dirty: false });
      execFileSync('sh', ['-c', `echo b > "${dir}/f"`]);
      expect(buildInfo(dir)).toEqual({ commit: head, dirty: true });
      // A folder inside someone else's checkout is not a checkout of its own.
      execFileSync('sh', ['-c', `mkdir "${dir}/inner"`]);
      expect(buildInfo(join(dir, 'inner'))).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
