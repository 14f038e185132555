/** Waiting on a shared slot backs off from spinning when spinning does not pay (wire.ts, Waiter). */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SPINS, Waiter } from '../../src/run/wire.js';

/** A thread that bumps slot 0 every `pauseMs`, `times` times (a partner with no core to answer fast). */
function slowPartner(shared: SharedArrayBuffer, pauseMs: number, times: number): Worker {
  const code = `
    const { workerData } = require('node:worker_threads');
    const a = new Int32Array(workerData.shared);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    for (let k = 0; k < workerData.times; k++) {
      Atomics.wait(nap, 0, 0, workerData.pauseMs);
      Atomics.add(a, 0, 1);
      Atomics.notify(a, 0);
    }`;
  return new Worker(code, { eval: true, workerData: { shared, pauseMs, times } });
}

describe('Waiter', () => {
  it('spins far less than its full budget per wait when every wait ends asleep, and still sees every change', async () => {
    const shared = new SharedArrayBuffer(4);
    const a = new Int32Array(shared);
    const times = 64;
    const partner = slowPartner(shared, 3, times);
    const waiter = new Waiter(SPINS);
    for (let seen = 0; seen < times; seen = Atomics.load(a, 0)) waiter.wait(a, 0, seen);
    await partner.terminate();
    expect(Atomics.load(a, 0)).toBe(times);
    expect(waiter.slept).toBeGreaterThan(times / 2);
    // Spinning in full every time would be times × SPINS loads.
    expect(waiter.spun).toBeLessThan((times * SPINS) / 8);
  });

  it('keeps spinning in full while spinning catches every change', () => {
    const a = new Int32Array(new SharedArrayBuffer(4));
    const waiter = new Waiter(SPINS);
    a[0] = 1;
    for (let k = 0; k < 10; k++) waiter.wait(a, 0, 0);
    expect(waiter.slept).toBe(0);
    expect(waiter.spun).toBe(10);
  });
});
