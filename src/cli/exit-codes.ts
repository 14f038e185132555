/** Process exit codes, as documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** a budget was breached (run, swarm), or an audit log was tampered with (audit verify) */
  budgetBreached: 1,
  /** bad usage or invalid input; nothing was run */
  badInput: 2,
  /** an invariant was violated (a simulator or model bug) */
  invariantViolated: 3,
  internalError: 4,
} as const;

/** An error the user can fix, reported without a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.badInput,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
