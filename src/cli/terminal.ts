/** What the command line knows of the terminal it prints to. */
import { DEFAULT_WIDTH } from '../report/fit.js';

/** Columns of the terminal on stdout; DEFAULT_WIDTH (100) when stdout is not a terminal. */
export function terminalWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns !== undefined && columns > 0 ? columns : DEFAULT_WIDTH;
}
