/**
 * The cross-references of a scenario: what its sections must agree on (organisations, categories,
 * SKUs, links, faults, settlement, amounts), checked over the whole file.
 */
import type { z } from 'zod';
import { parseBudget } from './budgets.js';
import { MAX_AMOUNT_MINOR, MAX_AMOUNT_TEXT } from './fields.js';
import { didYouMean } from './suggest.js';
import { formatDurationUs } from './units.js';

type Loose = Record<string, unknown>;
const list = (x: unknown): Loose[] => (Array.isArray(x) ? x.filter((e): e is Loose => typeof e === 'object' && e !== null) : []);
const names = (x: unknown): string[] => (Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : []);
const record = (x: unknown): Loose => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Loose) : {});
const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

/**
 * Cross-references the schema alone cannot express; every problem gets its own path. It also
 * runs when other fields are invalid (so a file lists all its problems at once), hence it
 * reads the value defensively.
 */
export function checkReferences(value: unknown, ctx: z.RefinementCtx): void {
  const s = record(value);
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const categoryList = list(record(s.market).categories);
  const categories = new Set<string>();
  const skuOwner = new Map<string, string>();
  categoryList.forEach((c, i) => {
    const name = text(c.name);
    if (name === undefined) return;
    if (categories.has(name)) issue(['market', 'categories', i, 'name'], `duplicate category "${name}"`);
    categories.add(name);
    list(c.skus).forEach((k, j) => {
      const sku = text(k.sku);
      if (sku === undefined) return;
      if (skuOwner.has(sku)) issue(['market', 'categories', i, 'skus', j, 'sku'], `duplicate SKU "${sku}"`);
      skuOwner.set(sku, name);
    });
  });
  const orgs = new Set<string>();
  const checkOrg = (name: unknown, path: (string | number)[]) => {
    if (typeof name !== 'string') return;
    if (orgs.has(name)) issue(path, `duplicate organisation "${name}"`);
    orgs.add(name);
  };
  const checkCategories = (x: unknown, path: (string | number)[]) =>
    names(x).forEach((c, i) => {
      if (categoryList.length > 0 && !categories.has(c)) issue([...path, i], `unknown category "${c}"${didYouMean(c, categories) || ` (market.categories has ${[...categories].join(', ')})`}`);
    });
  const externals = list(s.external);
  // Simulated and external organisations together: at least one store and one buyer.
  for (const [key, role] of [['stores', 'store'], ['buyers', 'buyer']] as const) {
    if (Array.isArray(s[key]) && (s[key] as unknown[]).length === 0 && !externals.some((e) => e.role === role)) issue([key], `expected at least 1 entry, got 0 (or an external organisation with role ${role})`);
  }
  const stores = [...list(s.stores), ...externals.filter((e) => e.role === 'store')];
  list(s.stores).forEach((st, i) => {
    checkOrg(st.organisation, ['stores', i, 'organisation']);
    checkCategories(st.categories, ['stores', i, 'categories']);
    const sells = names(st.categories);
    // With no category list to go by, or an unknown category in it (each is itself reported), the
    // stock cannot be checked against it: a mistyped category is reported once, not once per SKU.
    const sellsKnown = Array.isArray(st.categories) && sells.length > 0 && sells.length === st.categories.length && sells.every((c) => categories.has(c));
    for (const sku of Object.keys(record(st.stock))) {
      const cat = skuOwner.get(sku);
      if (categoryList.length === 0 || skuOwner.size === 0) continue;
      if (cat !== undefined && !sellsKnown) continue;
      if (cat === undefined) issue(['stores', i, 'stock', sku], `unknown SKU "${sku}"${didYouMean(sku, skuOwner.keys())}`);
      else if (!sells.includes(cat)) issue(['stores', i, 'stock', sku], `SKU "${sku}" is in category "${cat}", which this store does not sell`);
    }
    const margin = num(st.margin);
    const floor = num(st.floor_margin);
    if (margin !== undefined && floor !== undefined && floor > margin) issue(['stores', i, 'floor_margin'], 'floor_margin must not exceed margin');
  });
  externals.forEach((e, i) => {
    checkOrg(e.organisation, ['external', i, 'organisation']);
    checkCategories(e.categories, ['external', i, 'categories']);
  });
  if (externals.length > 0) {
    // With signing on, an external agent signs its envelopes with its organisation's key, which
    // its counterparts find in the organisation's JWK set. With a settlement section, the sagas of
    // an external store's deals are run for it by the simulator (gateway/custodian.ts).
    if ((text(record(s.security).signing) ?? 'es256') !== 'off') {
      externals.forEach((e, i) => {
        if (e.key === undefined && e.jwks === undefined) issue(['external', i, 'key'], 'with signing on, give the organisation\'s public key (a JWK file its agents sign with), or set security.signing: off');
      });
    }
  }
  list(s.buyers).forEach((b, i) => {
    checkOrg(b.organisation, ['buyers', i, 'organisation']);
    checkCategories(b.categories, ['buyers', i, 'categories']);
    const budget = num(b.budget_margin);
    const target = num(b.target_margin);
    if (budget !== undefined && target !== undefined && Number.isFinite(budget) && Number.isFinite(target) && target > budget) issue(['buyers', i, 'target_margin'], 'target_margin must not exceed budget_margin');
    const mandate = record(b.mandate);
    for (const key of ['merchants', 'excluded_merchants'] as const) {
      names(mandate[key]).forEach((m, j) => {
        if (stores.length > 0 && !stores.some((st) => st.organisation === m)) issue(['buyers', i, 'mandate', key, j], `unknown store organisation "${m}"${didYouMean(m, names(stores.map((st) => st.organisation)))}`);
      });
    }
    for (const key of ['categories', 'excluded_categories'] as const) checkCategories(mandate[key], ['buyers', i, 'mandate', key]);
    const wants = names(b.categories);
    // (not when a category here or a store's is unknown: that is reported as the cause)
    const allKnown = [...wants, ...stores.flatMap((st) => names(st.categories))].every((c) => categories.has(c));
    if (stores.length > 0 && wants.length > 0 && allKnown && !stores.some((st) => names(st.categories).some((c) => wants.includes(c)))) {
      issue(['buyers', i, 'categories'], 'no store sells any of these categories');
    }
  });
  const settlementOrg = text(record(s.settlement).organisation) ?? (s.settlement !== undefined ? 'clearing-house' : undefined);
  if (settlementOrg !== undefined) checkOrg(settlementOrg, ['settlement', 'organisation']);
  const faults = record(s.faults);
  list(faults.partitions).forEach((p, i) => {
    names(p.between).forEach((org, j) => {
      if (!orgs.has(org)) issue(['faults', 'partitions', i, 'between', j], `unknown organisation "${org}"${didYouMean(org, orgs)}`);
    });
    const [a, b] = names(p.between);
    if (a !== undefined && a === b) issue(['faults', 'partitions', i, 'between', 1], `a partition is between two organisations, not "${a}" and itself`);
  });
  list(faults.crashes).forEach((c, i) => {
    const org = text(c.organisation);
    if (org === undefined) return;
    const owner = [...stores, ...list(s.buyers)].find((o) => o.organisation === org);
    if (!owner) issue(['faults', 'crashes', i, 'organisation'], `unknown organisation "${org}"${didYouMean(org, names([...stores, ...list(s.buyers)].map((o) => o.organisation))) || ' (only stores and buyers crash)'}`);
    else if (externals.includes(owner)) issue(['faults', 'crashes', i, 'organisation'], `${org} is an external organisation: its agents are processes outside the simulator (stop one to see a crash)`);
    const agent = num(c.agent);
    const size = num(owner?.agents);
    if (agent !== undefined && size !== undefined && agent > size) issue(['faults', 'crashes', i, 'agent'], `${org} has ${size} agents`);
  });
  const settlementFaults = ['payment_failure_probability', 'settlement_slowdown'] as const;
  for (const f of settlementFaults) {
    if (faults[f] !== undefined && s.settlement === undefined) issue(['faults', f], 'needs a settlement section');
  }
  if (faults.back_office_rejection_probability !== undefined && s.settlement === undefined) issue(['faults', 'back_office_rejection_probability'], 'needs a settlement section');
  // A step refused or lost is retried after up to step_timeout + retry_backoff_max: a shorter
  // bound would be broken by a single retry, and the run would stop on an invariant it cannot keep.
  const settlement = record(s.settlement);
  const [stepUs, backoffUs, boundUs] = [num(settlement.step_timeout), num(settlement.retry_backoff_max) ?? 5_000_000, num(settlement.saga_bound)];
  if (stepUs !== undefined && boundUs !== undefined && boundUs <= stepUs + backoffUs) {
    issue(['settlement', 'saga_bound'], `must be longer than step_timeout + retry_backoff_max (${formatDurationUs(stepUs + backoffUs)}): one retry of a refused or lost step already takes that long`);
  }
  // Saga and bond metrics have a value only with settlement, and the gateway's wall-clock figures
  // only with external organisations; a budget on one without them would always breach.
  const external = Array.isArray(s.external) && s.external.length > 0;
  // Budgets arrive parsed when they are valid, as text when something else was not.
  (Array.isArray(s.budgets) ? (s.budgets as unknown[]) : []).forEach((b, i) => {
    const metric = text(record(typeof b === 'string' ? parseBudget(b) : b).metric);
    if (metric === undefined) return;
    if (s.settlement === undefined && /^(sagas|bonds)\./.test(metric)) issue(['budgets', i], `${metric} has a value only with a settlement section (without one the budget would always breach)`);
    if (!external && /^external\./.test(metric)) issue(['budgets', i], `${metric} has a value only with external organisations (without them the budget would always breach)`);
  });
  // The dearest purchase a buyer could make must stay an exact amount: the largest list price in
  // its categories (reference × price factor × (1 + the highest margin and premium)) × quantity.max
  // × items_per_intent.
  const uplift = 1 + Math.max(0, ...list(s.stores).map((st) => Math.max(0, num(st.margin) ?? 0) + (num(st.volatility_premium) ?? 0)));
  const dearest = new Map<string, number>();
  categoryList.forEach((c) => {
    const name = text(c.name);
    const reference = num(c.reference_price);
    if (name === undefined || reference === undefined) return;
    // (a price factor out of bounds is reported on its own, not again here)
    const factor = Math.max(1, ...list(c.skus).map((k) => num(k.price_factor) ?? 1).filter((f) => f <= 1_000_000));
    dearest.set(name, reference * factor * uplift);
  });
  list(s.buyers).forEach((b, i) => {
    const quantity = num(record(b.quantity).max);
    if (quantity === undefined) return;
    const unit = Math.max(0, ...names(b.categories).map((c) => dearest.get(c) ?? 0));
    const total = unit * quantity * (num(b.items_per_intent) ?? 1);
    if (total > MAX_AMOUNT_MINOR) {
      issue(['buyers', i, 'quantity', 'max'], `a purchase could come to ${Math.round(total / 100).toLocaleString('en-US')}.00 (${quantity} units at up to ${Math.round(unit / 100).toLocaleString('en-US')}.00), past the largest amount the simulator keeps exact (${MAX_AMOUNT_TEXT})`);
    }
  });
  list(s.adversaries).forEach((a, i) => {
    checkOrg(a.organisation ?? adversaryOrganisation(text(a.kind) ?? 'adversary', i), ['adversaries', i, 'organisation']);
    checkCategories(a.categories, ['adversaries', i, 'categories']);
  });
  list(record(s.network).links).forEach((l, i) => {
    for (const end of ['from', 'to'] as const) {
      const org = text(l[end]);
      if (org !== undefined && !orgs.has(org)) issue(['network', 'links', i, end], `unknown organisation "${org}"${didYouMean(org, orgs)}`);
    }
    // An organisation's agents never message each other: such a link would carry nothing.
    if (text(l.from) !== undefined && l.from === l.to) issue(['network', 'links', i, 'to'], `a link from "${String(l.from)}" to itself carries no message (an organisation's agents do not talk to each other)`);
  });
  const regimeNames = new Set<string>();
  list(record(s.market).regimes).forEach((r, i) => {
    const name = text(r.name);
    if (name === undefined) return;
    if (regimeNames.has(name)) issue(['market', 'regimes', i, 'name'], `duplicate regime "${name}" (results are reported by regime)`);
    regimeNames.add(name);
  });
}

/** The organisation of the i-th adversary when the scenario names none. */
export function adversaryOrganisation(kind: string, index: number): string {
  return `hostile-${index + 1}-${kind.replace(/_/g, '-')}`;
}
