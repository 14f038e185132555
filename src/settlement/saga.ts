/**
 * The settlement saga of one accepted quote, as a state machine: reserve inventory → escrow the
 * buyer's funds → capture to the seller → ship → post the capture. A forward step that fails (or
 * whose outcome stays unknown after its retries) is followed by the compensations of every step
 * done, newest first: void the capture, refund the escrow, release the inventory; a failure the
 * store caused also forfeits part of its bond. Once shipped, the saga only goes forward.
 */

export const FORWARD_STEPS = ['reserve', 'escrow', 'capture', 'ship', 'post'] as const;
export type ForwardStep = (typeof FORWARD_STEPS)[number];
export type CompensationStep = 'void' | 'refund' | 'release' | 'forfeit';
export type SagaStepName = ForwardStep | CompensationStep;
export type SagaState = 'running' | 'compensating' | 'settled' | 'compensated';

/** Steps the clearing house performs (the others are the store's own). */
export const REMOTE_STEPS: ReadonlySet<SagaStepName> = new Set(['escrow', 'capture', 'post', 'void', 'refund', 'forfeit']);

const UNDO: Partial<Record<ForwardStep, CompensationStep>> = { capture: 'void', escrow: 'refund', reserve: 'release' };

export class Saga {
  state: SagaState = 'running';
  step: SagaStepName = 'reserve';
  /** sends of the current step so far */
  attempts = 0;
  /** the live timer's token; older timers carry stale tokens */
  token = 0;
  cause = '';
  endUs = -1;
  private readonly done: ForwardStep[] = [];
  private compensations: CompensationStep[] = [];

  constructor(readonly id: string) {}

  /** The idempotency key of a step: the same for every retry of it. */
  key(step: SagaStepName = this.step): string {
    return `${this.id}:${step}`;
  }

  get finished(): boolean {
    return this.state === 'settled' || this.state === 'compensated';
  }

  /** Forward steps completed, oldest first. */
  get completed(): readonly ForwardStep[] {
    return this.done;
  }

  /** Compensations still to run after the current one. */
  get remainingCompensations(): readonly CompensationStep[] {
    return this.compensations;
  }

  /** The current step succeeded: move to the next one. */
  succeeded(): void {
    if (this.finished) throw new Error(`saga ${this.id} already ${this.state}`);
    this.attempts = 0;
    if (this.state === 'compensating') {
      this.nextCompensation();
      return;
    }
    const step = this.step as ForwardStep;
    this.done.push(step);
    const i = FORWARD_STEPS.indexOf(step);
    if (i === FORWARD_STEPS.length - 1) this.state = 'settled';
    else this.step = FORWARD_STEPS[i + 1]!;
  }

  /**
   * The current forward step failed. `outcomeUnknown`: it may have happened after all (a
   * timeout), so it is compensated too; compensations are safe to apply to a step that never ran.
   */
  failed(cause: string, outcomeUnknown: boolean, storeAtFault: boolean): void {
    if (this.state !== 'running') throw new Error(`saga ${this.id} cannot fail while ${this.state}`);
    if (this.step === 'post') throw new Error(`saga ${this.id} has shipped: it can only go forward`);
    this.cause = cause;
    const undo: ForwardStep[] = [...this.done];
    if (outcomeUnknown) undo.push(this.step as ForwardStep);
    this.compensations = [];
    for (let i = undo.length - 1; i >= 0; i--) {
      const c = UNDO[undo[i]!];
      if (c !== undefined) this.compensations.push(c);
    }
    if (storeAtFault) this.compensations.push('forfeit');
    this.state = 'compensating';
    this.attempts = 0;
    this.nextCompensation();
  }

  private nextCompensation(): void {
    const next = this.compensations.shift();
    if (next === undefined) this.state = 'compensated';
    else this.step = next;
  }
}
