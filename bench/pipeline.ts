/**
 * Broker + kernel + validation with trivial agents bouncing quotes: the per-message floor of a
 * run on one thread, whatever its agents do.
 *
 *   node dist/bench/pipeline.js [messages timed, default 2,000,000] [warm-up messages, default 400,000]
 *
 * The warm-up runs first and is timed on its own: until the compiler has settled, a message
 * costs about a fifth more, which would otherwise be spread over the timed messages (about
 * 0.04 µs each over two million). Both figures are printed, and the whole run's too.
 *
 * Each agent answers the quote it was sent with a quote of its own, in the same conversation, as
 * a store answers in the conversation it was asked in. Its message and quote ids and its
 * timestamps are fresh for each quote, built as agents build theirs; its one quoted line is
 * built once and frozen, as a store's quotes within a negotiation share theirs.
 */
import { addressBookOf, Broker, type Endpoint } from '../src/broker/broker.js';
import { NetworkModel } from '../src/broker/network.js';
import { Kernel } from '../src/engine/kernel.js';
import { MetricsCollector } from '../src/metrics/collector.js';
import { IdMaker } from '../src/protocol/ids.js';
import { isoTimestamp } from '../src/protocol/time.js';
import type { CommerceMessage, Party, QuoteItem } from '../src/protocol/schemas.js';
import { parseScenarioText } from '../src/scenario/load.js';
import { validateMessage } from '../src/protocol/validate.js';
import { readFileSync } from 'node:fs';

const parsed = parseScenarioText(readFileSync('scenarios/bench-100k.yaml', 'utf8'), 'x.yaml');
if (!parsed.ok) throw new Error('bad');
const kernel = new Kernel();
const metrics = new MetricsCollector();
const plan = { ...parsed.plan, network: { ...parsed.plan.network, loss_probability: 0 } };
let broker: Broker;
const N = 200;
const TIMED = count(process.argv[2], 2_000_000, 'messages timed', 1);
const WARM_UP = count(process.argv[3], 400_000, 'warm-up messages', 0);
/** quotes sent so far, and how many may be sent before the agents stop answering */
let sent = 0;
let limit = 0;

/** A count given on the command line (or `fallback`); exits 2 unless it is a whole number of at least `least`. */
function count(arg: string | undefined, fallback: number, what: string, least: number): number {
  const n = arg === undefined ? fallback : Number(arg);
  if (!Number.isSafeInteger(n) || n < least) {
    process.stderr.write(`${what} must be a whole number of at least ${least}, got ${arg}\nusage: node dist/bench/pipeline.js [messages timed] [warm-up messages]\n`);
    process.exit(2);
  }
  return n;
}

class Bouncer implements Endpoint {
  seq = 0;
  n = 0;
  readonly party: Party;
  private readonly messageIds: IdMaker;
  private readonly quoteIds: IdMaker;
  /** frozen: the quoted line of every quote this agent sends */
  private readonly items: QuoteItem[];
  constructor(readonly id: number, readonly identifier: string, readonly organisation: string) {
    // frozen, as the layout gives agents theirs (validation checks a frozen party once)
    this.party = Object.freeze({ type: 'agent', identifier, name: identifier });
    this.messageIds = new IdMaker(`msg_${identifier}_`);
    this.quoteIds = new IdMaker(`q_${identifier}_`);
    this.items = [Object.freeze({ sku: 'WH-PRO-001', name: 'Pro Wireless Headphones', unit_price: 149.99, quantity: 1, availability: 'in_stock' as const })];
    Object.freeze(this.items);
  }
  receive(m: CommerceMessage): void {
    if (sent >= limit) return;
    this.bounce(m.from, m.conversation_id);
  }
  bounce(to: Party, conversation: string): void {
    sent++;
    broker.send(this, this.quote(to, conversation));
  }
  /** A quote from this agent to `to` in `conversation`, built as agents build theirs (fresh flat ids and timestamps). */
  quote(to: Party, conversation: string): CommerceMessage {
    return {
      type: 'a2a.commerce.quote',
      id: this.messageIds.make(++this.n),
      from: this.party,
      to,
      conversation_id: conversation,
      timestamp: isoTimestamp(1736937000000, kernel.nowUs),
      payload: {
        quote_id: this.quoteIds.make(this.n),
        valid_until: isoTimestamp(1736937000000, kernel.nowUs + 3_000_000),
        currency: 'USD',
        items: this.items,
        totals: { subtotal: 149.99, shipping: 9.99, tax: 14.4, total: 174.38 },
        delivery_estimate: '2025-01-18',
      },
    };
  }
  replyError(): void {}
}
const agents = Array.from({ length: N }, (_, i) => new Bouncer(i + 1, `agent:b-${i}`, i % 2 ? 'northwind' : 'initech'));
broker = new Broker(kernel, new NetworkModel(plan, 1), metrics, undefined, addressBookOf(agents));
for (const a of agents) broker.register(a);

/** Sends `messages` more quotes, each pair of agents bouncing them in a conversation of its own; returns the seconds they took. */
function bounceFor(messages: number): number {
  limit = sent + messages;
  const t0 = performance.now();
  for (let i = 0; i < N && sent < limit; i += 2) agents[i]!.bounce(agents[i + 1]!.party, `conv_${i / 2}`);
  kernel.runUntil(Infinity);
  return (performance.now() - t0) / 1000;
}
const warmUpSeconds = WARM_UP > 0 ? bounceFor(WARM_UP) : 0;
const warmUpDelivered = metrics.messagesDelivered;
const s = bounceFor(TIMED);
const delivered = metrics.messagesDelivered - warmUpDelivered;
const usPerMessage = (s * 1e6) / delivered;
const wholeUsPerMessage = ((s + warmUpSeconds) * 1e6) / metrics.messagesDelivered;
console.log(
  `${delivered} delivered in ${s.toFixed(2)} s after ${warmUpDelivered} to warm up: ${Math.round(delivered / s).toLocaleString('en-US')} msgs/s, ${usPerMessage.toFixed(2)} µs/msg ` +
    `(the warm-up ${warmUpDelivered > 0 ? ((warmUpSeconds * 1e6) / warmUpDelivered).toFixed(2) : '-'} µs/msg; the whole run ${wholeUsPerMessage.toFixed(2)} µs/msg)`,
);

// The same messages outside the broker: building one, and building and validating one.
const a = agents[0]!;
const b = agents[1]!.party;
function perMessage(f: () => void): number {
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t0) * 1000) / n;
}
let build = Infinity;
let buildAndValidate = Infinity;
for (let pass = 0; pass < 5; pass++) {
  build = Math.min(build, perMessage(() => a.quote(b, 'conv_0')));
  buildAndValidate = Math.min(
    buildAndValidate,
    perMessage(() => {
      if (!validateMessage(a.quote(b, 'conv_0')).ok) throw new Error('the bench quote does not validate');
    }),
  );
}
const validate = buildAndValidate - build;
console.log(
  `of which (best of 5 passes outside the broker): building a quote ${build.toFixed(2)} µs, validating it ${validate.toFixed(2)} µs; ` +
    `so the broker, kernel and network model take about ${(usPerMessage - buildAndValidate).toFixed(2)} µs`,
);
console.log(`with agents that do nothing but this, one thread delivers at most ${Math.round(1e6 / usPerMessage).toLocaleString('en-US')} validated msgs/s`);
// For bench/run.ts: the same figures as one JSON line.
console.log(JSON.stringify({ us_per_message: usPerMessage, messages_per_s: 1e6 / usPerMessage, warm_up_messages: warmUpDelivered, warm_up_us_per_message: warmUpDelivered > 0 ? (warmUpSeconds * 1e6) / warmUpDelivered : null, whole_us_per_message: wholeUsPerMessage, build_us: build, validate_us: validate }));
