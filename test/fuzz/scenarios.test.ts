/**
 * The standing fuzz, small: mutated scenarios (fuzz/mutate.ts) hold the rule that validation is
 * the contract. `npm run fuzz` runs the same cases through the command line, thousands at a time.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantViolation } from '../../src/engine/kernel.js';
import { runSimulationAsync } from '../../src/simulation.js';
import { verifyAuditLog } from '../../src/trust/audit-verify.js';
import { validateCase } from '../../fuzz/check.js';
import { baseScenarios, mutateCase } from '../../fuzz/mutate.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bases = baseScenarios(root);

/**
 * The cases `npm test` runs are fixed, so a failure in CI is one anyone can replay; FUZZ_SEED
 * picks others, and `npm run fuzz` explores thousands.
 */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261207);

/** Runs small enough for a unit test: the estimate says well under a second. */
const SMALL_RUN_S = 1;

describe('mutated scenarios', () => {
  it('never crash validation, and those that validate and are small run to their end', async () => {
    let ran = 0;
    await fc.assert(
      // half the cases mutate the tiny base: its runs are small enough to run here
      fc.asyncProperty(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: bases.length - 1 })), fc.string({ minLength: 1, maxLength: 8 }), async (b, seed) => {
        const c = mutateCase(bases[b]!, seed);
        const v = validateCase(c);
        expect(v.kind, `${c.base} ${c.mutations.join('; ')}`).not.toBe('crashed');
        if (v.kind !== 'valid' || v.estimate.seconds > SMALL_RUN_S) return;
        ran++;
        try {
          const result = await runSimulationAsync(v.plan);
          expect(result.results.events).toBeGreaterThanOrEqual(0);
        } catch (err) {
          // exit 3 only where the scenario asks for a defect; nothing else may escape
          if (!(err instanceof InvariantViolation && v.plan.defects.length > 0)) throw new Error(`${c.base} seed ${JSON.stringify(c.seed)}: ${c.mutations.join('; ')}: ${String(err)}`);
        }
      }),
      { numRuns: 200, seed: FUZZ_SEED },
    );
    // the mutations must leave enough scenarios valid for the property to say something
    expect(ran).toBeGreaterThan(5);
  });

  it('of the tiny base, a mutation of one value validates often enough', () => {
    const tiny = bases.find((b) => b.name === 'tiny')!;
    const valid = Array.from({ length: 100 }, (_, i) => validateCase(mutateCase(tiny, `v${i}`))).filter((v) => v.kind === 'valid').length;
    expect(valid).toBeGreaterThan(10);
  });
});

describe('edited audit logs', () => {
  const entry = { agent: 'a', seq: 0, dir: 'sent', vt_us: 0, message_id: 'm', digest: 'x', chain: 'y', message: { n: 1 } };
  /** an entry whose message holds `text` (JSON text, as an editor would type it) */
  const lineWith = (text: string) => JSON.stringify(entry).replace('{"n":1}', () => `{"v":${text}}`);
  const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;

  it('never crash audit verify: any message it cannot canonicalise is tampering, with its line', () => {
    const texts = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 1, max: 20_000 }).map(deep),
      fc.constantFrom('1e400', '-1e400', '"\\ud800"', '{"\\udc00":1}'),
    );
    fc.assert(
      fc.property(texts, fc.nat({ max: 3 }), (text, blank) => {
        const lines = [...Array.from({ length: blank }, () => ''), lineWith(text)];
        const finding = verifyAuditLog(lines);
        expect(finding.ok).toBe(false);
        if (!finding.ok) expect(finding.line).toBe(blank + 1);
      }),
      { numRuns: 300, seed: FUZZ_SEED },
    );
  });

  it('treats numbers past double range (1e400) and 10,000-deep nesting as tampering, not a crash', () => {
    for (const text of ['1e400', deep(10_000)]) expect(verifyAuditLog([lineWith(text)])).toMatchObject({ ok: false, line: 1, problem: expect.stringMatching(/no canonical JSON form/) });
  });
});
