import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RemoteDelivery } from '../../src/broker/broker.js';
import { PairLink } from '../../src/run/pair.js';
import { runParallel, workerScript } from '../../src/run/parallel.js';
import { abortAll, ASLEEP, createChannels, PAIR_CHUNKS } from '../../src/run/wire.js';
import { runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

const delivery = (t: number, toId = 1): RemoteDelivery => ({ t, s: t, fromId: 0, toId, message: { note: `at ${t}` } as unknown as RemoteDelivery['message'] });

describe('two shards without a barrier: the bound on the other shard', () => {
  // Both ends in one thread: nothing here waits (the ring never fills).
  const pair = () => {
    const channels = createChannels(2, true);
    return [new PairLink(channels, 0, 0), new PairLink(channels, 1, 0)] as const;
  };
  const none = () => undefined;

  it('is zero until the other has published anything', () => {
    const [a] = pair();
    expect(a.receive(none)).toBe(0);
  });

  it("is the other's published next event time, or never", () => {
    const [a, b] = pair();
    b.publish(7_000);
    expect(a.receive(none)).toBe(7_000);
    b.publish(Infinity);
    expect(a.receive(none)).toBe(Infinity);
  });

  it('counts what this shard sent that the other has not yet taken in, until it has', () => {
    const [a, b] = pair();
    b.publish(9_000);
    a.send([delivery(4_000), delivery(5_000)], none, () => Infinity, 100);
    expect(a.receive(none)).toBe(4_000);
    const got: number[] = [];
    b.receive((d) => got.push(d.t));
    expect(got).toEqual([4_000, 5_000]);
    // b took them in but has not said so yet: still counted
    expect(a.receive(none)).toBe(4_000);
    b.publish(4_000);
    expect(a.receive(none)).toBe(4_000);
    b.publish(6_000);
    expect(a.receive(none)).toBe(6_000);
  });

  it('hands deliveries over in order, chunk after chunk, only to the other shard', () => {
    const [a, b] = pair();
    const sent = Array.from({ length: 3 * PAIR_CHUNKS }, (_, i) => delivery(1_000 + i));
    const got: RemoteDelivery[] = [];
    for (let i = 0; i < sent.length; i += 5) {
      a.send(sent.slice(i, i + 5), none, () => Infinity, 100);
      b.receive((d) => got.push(d));
      b.publish(Infinity);
    }
    expect(got).toEqual(sent);
    const back: RemoteDelivery[] = [];
    a.receive((d) => back.push(d));
    expect(back).toEqual([]);
  });
});

describe('two shards without a barrier: waking a sleeping shard', () => {
  // Both ends in one thread; "asleep" is the flag a waiting shard raises (wire.ts, Waiter).
  const pair = (eager: boolean) => {
    const channels = createChannels(2, true);
    const control = new Int32Array(channels.control);
    return { a: new PairLink(channels, 0, 0, eager), b: new PairLink(channels, 1, 0, eager), sleep: (shard: number, asleep: boolean) => Atomics.store(control, ASLEEP + shard, asleep ? 1 : 0) };
  };
  const none = () => undefined;

  it('does not wake a sleeper for a step that leaves it less than a lookahead to run', () => {
    const { a, b, sleep } = pair(false);
    b.publish(10_000);
    sleep(1, true);
    expect(a.otherAsleep()).toBe(true);
    a.publishStep(4_000);
    a.publishStep(12_000);
    expect(a.wakes).toBe(0);
    expect(a.deferredWakes).toBe(2);
    // an urgent publication (this shard is about to wait, or ends) always wakes it
    a.publish(12_000);
    expect(a.wakes).toBe(1);
  });

  it('wakes a sleeper as soon as it has a lookahead to run when the lookahead holds much work', () => {
    const { a, b, sleep } = pair(true);
    b.publish(10_000);
    sleep(1, true);
    a.publishStep(4_000);
    expect(a.wakes).toBe(0);
    a.publishStep(10_000);
    expect(a.wakes).toBe(1);
  });

  it('wakes a sleeper whose chunks it took in (its ring has room again), and never one that is awake', () => {
    const { a, b, sleep } = pair(false);
    b.send([delivery(5_000, 0)], none, () => Infinity, 100);
    b.publish(20_000);
    a.publishStep(1_000);
    expect(a.wakes).toBe(0);
    sleep(1, true);
    a.receive(none);
    a.publishStep(1_000);
    expect(a.wakes).toBe(1);
    sleep(1, false);
    a.publish(2_000);
    expect(a.wakes).toBe(1);
  });
});

describe('two shards without a barrier, on two threads', () => {
  // Each thread sends `chunks` one-delivery chunks before it takes anything in, then takes in
  // until it has the other's; a full ring must not leave the two waiting on each other.
  const driver = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.pair).then(({ PairLink }) => {
      const { channels, me, chunks, lazy } = workerData;
      const link = new PairLink(channels, me, 0, !lazy);
      const got = [];
      const accept = (d) => got.push(d.t);
      for (let k = 0; k < chunks; k++) {
        link.send([{ t: 1000 * me + k, s: k, fromId: me, toId: 1 - me, message: { k } }], accept, () => Infinity, 10);
        // a step's publication: a sleeping other is not always woken for it
        if (lazy) link.publishStep(k);
      }
      if (!lazy) link.publish(Infinity);
      for (;;) {
        const signal = link.otherSignal();
        link.receive(accept);
        if (got.length === chunks) break;
        if (link.owesPublication(Infinity)) lazy ? link.publishStep(Infinity) : link.publish(Infinity);
        link.waitOther(signal);
      }
      link.publish(Infinity);
      parentPort.postMessage(got);
    });
  `;
  const run = (channels: ReturnType<typeof createChannels>, me: number, chunks: number, lazy = false) =>
    new Promise<number[]>((resolve, reject) => {
      const w = new Worker(driver, { eval: true, workerData: { pair: workerScript('pair.js'), channels, me, chunks, lazy } });
      w.once('message', (m: number[]) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });

  it('both fill their rings at once, and both get everything, in order', async () => {
    const channels = createChannels(2, true);
    const chunks = 3 * PAIR_CHUNKS + 1;
    const [a, b] = await Promise.all([run(channels, 0, chunks), run(channels, 1, chunks)]);
    expect(a).toEqual(Array.from({ length: chunks }, (_, k) => 1000 + k));
    expect(b).toEqual(Array.from({ length: chunks }, (_, k) => k));
  }, 30_000);

  it('publishing steps that do not always wake the other, both still get everything, in order', async () => {
    const channels = createChannels(2, true);
    const chunks = 3 * PAIR_CHUNKS + 1;
    const [a, b] = await Promise.all([run(channels, 0, chunks, true), run(channels, 1, chunks, true)]);
    expect(a).toEqual(Array.from({ length: chunks }, (_, k) => 1000 + k));
    expect(b).toEqual(Array.from({ length: chunks }, (_, k) => k));
  }, 30_000);

  it('a shard does not wait for one that failed before it read the signal: the run was aborted', async () => {
    const channels = createChannels(2, true);
    // Shard 0 fails and aborts the run while shard 1 is still being built; then shard 1 reads
    // the signal, which will never change again, and comes to wait on it.
    abortAll(new Int32Array(channels.control));
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.pair).then(({ PairLink, Aborted }) => {
        const link = new PairLink(workerData.channels, 1, 0);
        try {
          link.waitOther(link.otherSignal());
          parentPort.postMessage('returned');
        } catch (err) {
          parentPort.postMessage(err instanceof Aborted ? 'aborted' : String(err));
        }
      });
    `;
    const w = new Worker(code, { eval: true, workerData: { pair: workerScript('pair.js'), channels } });
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        new Promise<string>((resolve) => w.once('message', resolve)),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5_000))),
      ]);
      expect(answer).toBe('aborted');
    } finally {
      clearTimeout(timer);
      await w.terminate();
    }
  }, 10_000);
});

describe('two workers without a barrier', () => {
  it('skip empty stretches of virtual time instead of stepping through them', async () => {
    // quickstart with a trickle of intents: long quiet stretches between negotiations
    const base = planOf('scenarios/quickstart.yaml');
    const p = { ...base, buyers: base.buyers.map((b) => ({ ...b, intent_rate: b.intent_rate / 10 })) };
    const inline = runSimulation(p);
    const run = await runParallel(p, { workers: 2 });
    expect(JSON.stringify(run.results)).toBe(JSON.stringify(inline.results));
    // stepping a minute in quarter-lookahead steps (125 µs) would take 480,000 steps
    const steps = run.sync!.map((s) => s.steps);
    for (const n of steps) expect(n).toBeLessThanOrEqual(run.results.events);
    expect(run.results.events).toBeGreaterThan(50);
    expect(run.results.events).toBeLessThan(5_000);
  }, 60_000);
});
