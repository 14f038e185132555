import { describe, expect, it } from 'vitest';
import { inlineOnly } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/exit-codes.js';

describe('a run with external organisations, whatever the workers asked for', () => {
  it('says inline when threads were asked for, by --workers or by the scenario, and nothing when inline was', () => {
    expect(inlineOnly(undefined, 0)).toBeUndefined();
    expect(inlineOnly('0', 2)).toBeUndefined();
    expect(inlineOnly(undefined, 2)).toContain("the scenario's workers: 2 is not used");
    expect(inlineOnly(undefined, 'auto')).toContain("the scenario's workers: auto is not used");
    expect(inlineOnly('4', 0)).toContain('--workers 4 is not used');
  });

  it('still refuses a --workers value that is no number of threads (exit 2)', () => {
    expect(() => inlineOnly('many', 0)).toThrow(UsageError);
  });
});
