/**
 * Broker + kernel + validation with trivial agents bouncing quotes: the per-message floor of a
 * run on one thread, whatever its agents do (`node dist/bench/pipeline.js [messages]`).
 */
import { addressBookOf, Broker, type Endpoint } from '../src/broker/broker.js';
import { NetworkModel } from '../src/broker/network.js';
import { Kernel } from '../src/engine/kernel.js';
import { MetricsCollector } from '../src/metrics/collector.js';
import { IdMaker } from '../src/protocol/ids.js';
import { isoTimestamp } from '../src/protocol/time.js';
import type { CommerceMessage, Party } from '../src/protocol/schemas.js';
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
let sent = 0;
const LIMIT = Number(process.argv[2] ?? 400_000);
class Bouncer implements Endpoint {
  seq = 0;
  n = 0;
  readonly party: Party;
  private readonly messageIds: IdMaker;
  private readonly quoteIds: IdMaker;
  constructor(readonly id: number, readonly identifier: string, readonly organisation: string) {
    // frozen, as the layout gives agents theirs (validation checks a frozen party once)
    this.party = Object.freeze({ type: 'agent', identifier, name: identifier });
    this.messageIds = new IdMaker(`msg_${identifier}_`);
    this.quoteIds = new IdMaker(`q_${identifier}_`);
  }
  receive(m: CommerceMessage): void {
    if (sent >= LIMIT) return;
    this.bounce(m.from);
  }
  bounce(to: Party): void {
    sent++;
    broker.send(this, this.quote(to));
  }
  /** A quote from this agent to `to`, built as agents build theirs (fresh flat ids and timestamps). */
  quote(to: Party): CommerceMessage {
    return {
      type: 'a2a.commerce.quote',
      id: this.messageIds.make(++this.n),
      from: this.party,
      to,
      conversation_id: `conv_${this.n}`,
      timestamp: isoTimestamp(1736937000000, kernel.nowUs),
      payload: {
        quote_id: this.quoteIds.make(this.n),
        valid_until: isoTimestamp(1736937000000, kernel.nowUs + 3_000_000),
        currency: 'USD',
        items: [{ sku: 'WH-PRO-001', name: 'Pro Wireless Headphones', unit_price: 149.99, quantity: 1, availability: 'in_stock' }],
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
for (let i = 0; i < N; i += 2) agents[i]!.bounce(agents[i + 1]!.party);
const t = performance.now();
kernel.runUntil(Infinity);
const s = (performance.now() - t) / 1000;
const usPerMessage = (s * 1e6) / metrics.messagesDelivered;
console.log(`${metrics.messagesDelivered} delivered in ${s.toFixed(2)} s: ${Math.round(metrics.messagesDelivered / s).toLocaleString('en-US')} msgs/s, ${usPerMessage.toFixed(2)} µs/msg`);

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
  build = Math.min(build, perMessage(() => a.quote(b)));
  buildAndValidate = Math.min(
    buildAndValidate,
    perMessage(() => {
      if (!validateMessage(a.quote(b)).ok) throw new Error('the bench quote does not validate');
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
console.log(JSON.stringify({ us_per_message: usPerMessage, messages_per_s: 1e6 / usPerMessage, build_us: build, validate_us: validate }));
