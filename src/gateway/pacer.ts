/**
 * external_clock: realtime. Virtual time paced to the wall clock: every STEP_US of virtual time
 * the pacer waits (holding the kernel, as a strategy's Promise does) until the link says the wall
 * clock has got there, and the answers external agents sent meanwhile take effect at that virtual
 * time. Virtual time so runs ahead of the clock by at most one step, and a reply takes effect at
 * most one step after it arrived. What happens then depends on when replies arrive: the run is
 * not reproducible, and its report says so (wallclock.external.clock).
 */
import type { Entity, Kernel } from '../engine/kernel.js';
import { Priority } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import type { AgentLink } from './link.js';

/** One millisecond of virtual time: how far virtual time may run ahead of the clock. */
export const STEP_US = 1_000;
const TICK = 1;

export class Pacer implements EventTarget, Entity {
  seq = 0;
  /** answers that arrived since the last step, each applied at the step's virtual time */
  private arrived: (() => void)[] = [];

  constructor(
    readonly id: number,
    private readonly kernel: Kernel,
    private readonly link: AgentLink,
    /** no pacing past the scenario's end: what is left drains at once */
    private readonly endUs: number,
  ) {}

  start(): void {
    this.kernel.schedule(0, Priority.timer, this, this, TICK, null);
  }

  /** An answer has come: `apply` runs at the next step, at its virtual time. */
  arrive(apply: () => void): void {
    this.arrived.push(apply);
  }

  handle(): void {
    const wait = this.link.paceTo?.(this.kernel.nowUs);
    if (wait === undefined) this.step();
    else this.kernel.block(wait.then(() => this.step()));
  }

  private step(): void {
    const arrived = this.arrived;
    this.arrived = [];
    for (const apply of arrived) apply();
    const next = this.kernel.nowUs + STEP_US;
    if (next <= this.endUs) this.kernel.schedule(next, Priority.timer, this, this, TICK, null);
  }
}
