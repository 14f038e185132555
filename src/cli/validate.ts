/** `a2a-sim validate`: checks scenario files without running them. */
import { describeEstimate, estimateSize } from '../scenario/estimate.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { loadScenarioWithStrategies } from './scenario-file.js';

/** `n` and its noun, singular for one. */
const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export async function validateCommand(files: string[]): Promise<number> {
  let failed = 0;
  for (const file of files) {
    try {
      const plan = await loadScenarioWithStrategies(file);
      const agents = plan.stores.reduce((s, x) => s + x.agents, 0) + plan.buyers.reduce((s, x) => s + x.agents, 0);
      process.stdout.write(`${file}: ok (${plan.name}: ${count(agents, 'agent')}, ${count(plan.market.categories.length, 'category', 'categories')}, ${count(plan.budgets.length, 'budget')})\n`);
      process.stdout.write(`  estimate: ${describeEstimate(estimateSize(plan))}\n`);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`${err.message}\n`);
      failed++;
    }
  }
  return failed > 0 ? ExitCode.badInput : ExitCode.ok;
}
