/** The keys a run publishes (trust/publication.ts), derived from the scenario and seed alone. */
import { MandateRegistry } from '../agents/mandates.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { KeyPublisher } from '../trust/publication.js';
import { layOut } from './layout.js';
import { trustContext } from './shard.js';

/** The publisher of a run's keys, or undefined when the scenario signs nothing. `plan.seed` is the run's seed. */
export function keyPublisherFor(plan: SimulationPlan): KeyPublisher | undefined {
  if (plan.security.signing === 'off') return undefined;
  const layout = layOut(plan, 1);
  const { keys } = trustContext(plan, layout);
  const mandates = new MandateRegistry(plan, keys);
  return new KeyPublisher(
    keys,
    layout.organisations.map((o) => {
      const token = mandates.get(`mandate_${o.name}`)?.token;
      return {
        name: o.name,
        role: o.role,
        agents: o.agentIds.map((id) => layout.agents[id]!.party.identifier),
        ...(token !== undefined ? { mandates: [{ mandate_id: `mandate_${o.name}`, token }] } : {}),
      };
    }),
  );
}
