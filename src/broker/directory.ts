/** Step 1 of the flow: business profiles published by stores, looked up by category and capability. */
import type { BusinessProfile } from '../protocol/schemas.js';

export class Directory {
  private readonly byCategory = new Map<string, BusinessProfile[]>();

  publish(profile: BusinessProfile): void {
    for (const c of profile.categories) {
      const list = this.byCategory.get(c) ?? [];
      list.push(profile);
      this.byCategory.set(c, list);
    }
  }

  /** Profiles of stores selling `category` whose A2A transport offers `capability`. */
  discover(category: string, capability: 'negotiation' | 'multi-item' | 'scheduling'): readonly BusinessProfile[] {
    return (this.byCategory.get(category) ?? []).filter((p) => p.transports.a2a.capabilities.includes(capability));
  }
}
