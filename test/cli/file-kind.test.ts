import { describe, expect, it } from 'vitest';
import { fileKind } from '../../src/cli/file-kind.js';

describe('fileKind', () => {
  it('names a tournament by its competitors and a scenario by its market', () => {
    expect(fileKind('name: t\ncompetitors: []\nscenarios: []\n')).toBe('tournament');
    expect(fileKind('{"name": "s", "market": {}, "buyers": []}')).toBe('scenario');
  });

  it('names neither for text that is not a mapping, does not parse, or has neither key', () => {
    expect(fileKind('- a\n- b\n')).toBeUndefined();
    expect(fileKind('a: [unclosed\n')).toBeUndefined();
    expect(fileKind('name: only\n')).toBeUndefined();
    expect(fileKind('')).toBeUndefined();
  });
});
