import { describe, expect, it } from 'vitest';
import { Directory } from '../../src/broker/directory.js';
import type { BusinessProfile } from '../../src/protocol/schemas.js';

function profile(name: string, categories: string[], capabilities: BusinessProfile['transports']['a2a']['capabilities']): BusinessProfile {
  return {
    name,
    agent: `agent:${name}-1`,
    categories,
    transports: { a2a: { endpoint: `https://a2a.${name}.example/agents/${name}-1`, protocol_version: '1.0', capabilities } },
  };
}

describe('Directory', () => {
  const acme = profile('acme', ['headphones', 'cables'], ['negotiation', 'multi-item']);
  const basic = profile('basic', ['headphones'], ['multi-item']);
  const sched = profile('sched', ['cables'], ['negotiation', 'scheduling']);

  function directory(): Directory {
    const d = new Directory();
    for (const p of [acme, basic, sched]) d.publish(p);
    return d;
  }

  it('finds stores by category and capability', () => {
    const d = directory();
    expect(d.discover('headphones', 'negotiation')).toEqual([acme]);
    expect(d.discover('headphones', 'multi-item')).toEqual([acme, basic]);
    expect(d.discover('cables', 'negotiation')).toEqual([acme, sched]);
    expect(d.discover('cables', 'scheduling')).toEqual([sched]);
  });

  it('finds nothing for an unknown category or a capability nobody offers', () => {
    const d = directory();
    expect(d.discover('furniture', 'negotiation')).toEqual([]);
    expect(d.discover('headphones', 'scheduling')).toEqual([]);
  });

  it('keeps publication order', () => {
    const d = new Directory();
    d.publish(sched);
    d.publish(acme);
    expect(d.discover('cables', 'negotiation').map((p) => p.name)).toEqual(['sched', 'acme']);
  });

  it('finds nothing before anything is published', () => {
    expect(new Directory().discover('headphones', 'negotiation')).toEqual([]);
  });
});
