/**
 * Hostile agents: each runs one kind of attack at the scenario's rate against the stores it
 * discovers (or the buyers it can name), through the same broker as everyone else. Each attack
 * is counted as an attempt; the honest agents' verifiers decide, and the metrics tell whether
 * any attempt got through.
 *
 * - forger: an intent whose signature is not the sender key's (`signature_invalid`)
 * - replayer: re-sends a message it already sent, byte for byte (`replay_detected`), and once
 *   the freshness window has passed, an old one (`message_expired`)
 * - impersonator: claims an honest buyer's identifier, signs with its own key (`key_not_found`)
 * - stale_key: signs with a key rotated out two epochs ago (`key_not_found`)
 * - mandate_exceeder: accepts a quote above its mandate's limit (`mandate_exceeded`)
 * - tamperer: edits a store's signed quote (halves the total) and passes it to a buyer
 *   (`signature_invalid`)
 * - flooder: sends intents far faster than the per-sender limit (`rate_limited`)
 */
import { transactionHash } from '../protocol/hash.js';
import type { BusinessProfile, CommerceMessage, MessageOf, Party } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import type { AdversaryPlan } from '../scenario/schema.js';
import { Agent, type AgentContext } from './agent.js';
import type { Mandate } from './mandates.js';

const ATTACK = 1;
const REPLAY = 2;

interface Captured {
  readonly message: CommerceMessage;
  readonly sentUs: number;
}

export class AdversaryAgent extends Agent {
  private readonly mandate: Mandate;
  private readonly captured: Captured[] = [];
  private target: BusinessProfile | undefined;
  private seqOwn = 0;

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party },
    private readonly plan: AdversaryPlan,
    /** honest buyers it may impersonate or pass tampered quotes to */
    private readonly buyers: readonly Party[],
    /** every category of the market (when the plan names none) */
    private readonly allCategories: readonly string[],
    private readonly durationUs: number,
    ctx: AgentContext,
  ) {
    super(address, ctx);
    this.mandate = ctx.mandates.forOrganisation(address.organisation);
  }

  start(): void {
    this.next(this.plan.start);
  }

  private next(fromUs: number): void {
    if (this.plan.rate <= 0) return;
    const at = Math.max(this.nowUs, fromUs) + Math.max(1, Math.round(this.rng.exponential(1 / this.plan.rate)));
    if (at < this.durationUs) this.after(at - this.nowUs, ATTACK, null);
  }

  // A hostile agent checks nothing it receives.
  override receive(message: CommerceMessage): void {
    this.onMessage(message);
  }

  protected onMessage(message: CommerceMessage): void {
    if (message.type !== 'a2a.commerce.quote') return;
    if (this.plan.kind === 'mandate_exceeder') this.exceedMandate(message);
    else if (this.plan.kind === 'tamperer') this.tamper(message);
  }

  handle(kind: number, data: unknown): void {
    if (kind === REPLAY) {
      this.attempt();
      this.dispatch(data as CommerceMessage, { seal: false });
      return;
    }
    this.next(this.nowUs);
    this.attack();
  }

  private attempt(): void {
    this.ctx.metrics.security.attempt(this.plan.kind);
  }

  private attack(): void {
    const store = this.pickStore();
    if (store === undefined) return;
    const to: Party = { type: 'agent', identifier: store.profile.agent, name: store.profile.name };
    switch (this.plan.kind) {
      case 'forger': {
        const m = this.intent(this.party, to, store.sku);
        this.signer?.seal(m, this.nowUs);
        const s = m as { signature?: string };
        if (s.signature !== undefined) {
          // Keep the header, replace the signature with bytes that are not one.
          const bytes = Buffer.alloc(64);
          for (let i = 0; i < 64; i++) bytes[i] = this.rng.int(256);
          s.signature = `${s.signature.split('.')[0]}..${bytes.toString('base64url')}`;
        }
        this.attempt();
        this.dispatch(m, { seal: false });
        return;
      }
      case 'replayer': {
        const old = this.captured[0];
        if (old !== undefined && this.nowUs - old.sentUs > this.ctx.trust!.policy.freshness + this.ctx.trust!.policy.clock_skew) {
          this.captured.shift();
          this.attempt();
          this.dispatch(old.message, { seal: false });
        }
        const m = this.intent(this.party, to, store.sku);
        this.dispatch(m);
        this.captured.push({ message: m, sentUs: this.nowUs });
        if (this.captured.length > 64) this.captured.shift();
        this.after(50_000, REPLAY, m);
        return;
      }
      case 'impersonator': {
        const victim = this.buyers[this.rng.int(this.buyers.length)];
        if (victim === undefined) return;
        this.attempt();
        this.dispatch(this.intent(victim, to, store.sku));
        return;
      }
      case 'stale_key': {
        this.attempt();
        const key = this.signer?.keyAt(this.nowUs, -2);
        this.dispatch(this.intent(this.party, to, store.sku), key ? { key } : {});
        return;
      }
      case 'flooder': {
        this.target ??= store.profile;
        const fixed: Party = { type: 'agent', identifier: this.target.agent, name: this.target.name };
        this.attempt();
        this.dispatch(this.intent(this.party, fixed, store.sku));
        return;
      }
      default:
        // mandate_exceeder and tamperer start with an honest intent and attack on the quote.
        this.dispatch(this.intent(this.party, to, store.sku));
    }
  }

  private exceedMandate(quote: MessageOf<'a2a.commerce.quote'>): void {
    this.attempt();
    const proofHash = transactionHash(quote.payload);
    this.send(quote.from, 'a2a.commerce.accept', quote.conversation_id, {
      quote_id: quote.payload.quote_id,
      mandate_proof: { mandate_id: this.mandate.mandateId, transaction_hash: proofHash, signature: this.ctx.mandates.sign(this.mandate, proofHash) },
      shipping_address: { line1: '13 Shadow Lane', city: 'Nowhere', postal_code: '00000', country: 'US' },
    });
  }

  private tamper(quote: MessageOf<'a2a.commerce.quote'>): void {
    const victim = this.buyers[this.rng.int(this.buyers.length)];
    if (victim === undefined) return;
    // The delivered object may be the store's own: edit a copy.
    const edited = structuredClone(quote);
    const t = edited.payload.totals;
    t.total = Math.round(t.total * 50) / 100;
    edited.to = victim;
    this.attempt();
    this.dispatch(edited, { seal: false });
  }

  private pickStore(): { profile: BusinessProfile; sku: string } | undefined {
    const categories = this.plan.categories ?? this.allCategories;
    const category = categories[this.rng.int(categories.length)]!;
    const stores = this.ctx.directory.discover(category, 'negotiation');
    const skus = this.ctx.market.skusIn(category);
    if (stores.length === 0 || skus.length === 0) return undefined;
    return { profile: stores[this.rng.int(stores.length)]!, sku: skus[this.rng.int(skus.length)]!.sku };
  }

  private intent(from: Party, to: Party, sku: string): MessageOf<'a2a.commerce.intent'> {
    return {
      type: 'a2a.commerce.intent',
      id: `msg_${this.localName}_x${++this.seqOwn}`,
      from,
      to,
      conversation_id: `conv_${this.localName}_${this.seqOwn}`,
      timestamp: isoTimestamp(this.ctx.epochMs, this.nowUs),
      payload: { intent: 'purchase', items: [{ sku, quantity: 1 }], constraints: { currency: this.ctx.currency }, mandate_ref: this.mandate.mandateId },
    };
  }
}
