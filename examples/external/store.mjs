// An external store agent in plain Node, using only `ws`: it quotes at a list price per SKU,
// meets a counter-offer halfway (never below its floor), and confirms accepted quotes.
// Deterministic: the same frames give the same answers, so virtual-time runs repeat exactly.
//
// In a scenario with a settlement section the simulator settles each confirmed order for the
// store (docs/external-agents.md, Settlement): the buyer hears the outcome from it, and an order
// whose settlement failed comes back here as a confirmation with status `cancelled`.
//
//   a2a-sim run scenarios/external-store.yaml --listen 127.0.0.1:8765
//   node examples/external/store.mjs ws://127.0.0.1:8765 [organisation] [private-key.jwk.json]
//
// With a private key (a JWK file; the scenario names its public half in `key`), it proves its
// identity at hello and, when the run signs messages, signs every envelope as the simulated
// agents do: a nonce, then a detached JWS over the RFC 8785 JSON of the envelope.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:8765';
const organisation = process.argv[3] ?? 'open-store';
const privateKey = process.argv[4] ? createPrivateKey({ key: JSON.parse(readFileSync(process.argv[4], 'utf8')), format: 'jwk' }) : undefined;
const alg = privateKey?.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
const b64 = (text) => Buffer.from(text).toString('base64url');
const signed = (input) => (alg === 'EdDSA' ? sign(null, Buffer.from(input), privateKey) : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })).toString('base64url');

/** RFC 8785 canonical JSON (enough for A2A payloads: objects, arrays, strings, integers, decimals). */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A nonce and a detached JWS by the organisation's key, under the agent's kid (from the welcome). */
function seal(message, kid) {
  const m = { ...message, nonce: createHash('sha256').update(`${message.id}`).digest('base64url').slice(0, 22) };
  const header = b64(JSON.stringify({ alg, kid }));
  return { ...m, signature: `${header}..${signed(`${header}.${b64(canonical(m))}`)}` };
}
// Per SKU, in the scenario's currency: the list price it opens at and the floor it never goes below.
const PRICES = { 'WH-PRO-001': { list: 180, floor: 150 }, 'WH-LITE-001': { list: 108, floor: 90 } };
const priceOf = (sku) => PRICES[sku] ?? { list: 180, floor: 150 };
const VALIDITY_MS = 5000;

const cents = (x) => Math.round(x * 100);
const money = (minor) => minor / 100;
const ws = new WebSocket(url);
const quotes = new Map(); // quote_id → { items, totalMinor, floorMinor, round }
const orders = new Map(); // order_id → 'confirmed' | 'cancelled' | 'acknowledged'
let welcome;
let seq = 0;

function envelope(type, from, to, conversationId, timestamp, payload) {
  return { type, id: `msg_${from.identifier.slice(6)}_${++seq}`, from, to, conversation_id: conversationId, timestamp, payload };
}

function quote(m, agent, items, totalMinor, floorMinor, round, replaces) {
  const quoteId = `q_${agent.identifier.slice(6)}_${++seq}`;
  const subtotal = items.reduce((s, it) => s + cents(it.unit_price) * it.quantity, 0);
  // The total is what is negotiated: any difference from the list is a discount.
  const discount = Math.max(0, subtotal - totalMinor);
  quotes.set(quoteId, { items, totalMinor, floorMinor, round });
  const validUntil = new Date(Date.parse(m.timestamp) + VALIDITY_MS).toISOString();
  return envelope('a2a.commerce.quote', agent, m.from, m.conversation_id, m.timestamp, {
    quote_id: quoteId,
    valid_until: validUntil,
    ...(replaces ? { replaces } : {}),
    items,
    totals: { subtotal: money(subtotal), shipping: 0, tax: 0, ...(discount > 0 ? { discount: money(discount) } : {}), total: money(totalMinor) },
    delivery_estimate: m.timestamp.slice(0, 10),
  });
}

function answer(m, agentId) {
  const agent = welcome.agents.find((a) => a.identifier === agentId);
  const me = { type: 'agent', identifier: agent.identifier, name: agent.name };
  switch (m.type) {
    case 'a2a.commerce.intent':
    case 'a2a.commerce.request': {
      const items = m.payload.items.map((it) => ({ sku: it.sku, name: it.sku, unit_price: priceOf(it.sku).list, quantity: it.quantity, availability: 'in_stock' }));
      const listMinor = items.reduce((s, it) => s + cents(it.unit_price) * it.quantity, 0);
      const floorMinor = items.reduce((s, it) => s + cents(priceOf(it.sku).floor) * it.quantity, 0);
      return [quote(m, me, items, listMinor, floorMinor, 0)];
    }
    case 'a2a.commerce.counter': {
      const q = quotes.get(m.payload.quote_id);
      if (!q || q.round >= 20) return [envelope('a2a.commerce.error', me, m.from, m.conversation_id, m.timestamp, { code: q ? 'negotiation_closed' : 'quote_not_found', message: q ? 'no more rounds' : 'unknown quote', reference: m.payload.quote_id })];
      const asked = cents(m.payload.proposed_changes.max_total);
      const next = Math.max(q.floorMinor, Math.round((q.totalMinor + asked) / 2));
      return [quote(m, me, q.items, next, q.floorMinor, q.round + 1, m.payload.quote_id)];
    }
    case 'a2a.commerce.accept': {
      const q = quotes.get(m.payload.quote_id);
      if (!q) return [envelope('a2a.commerce.error', me, m.from, m.conversation_id, m.timestamp, { code: 'quote_not_found', message: 'unknown quote', reference: m.payload.quote_id })];
      quotes.delete(m.payload.quote_id);
      const subtotal = q.items.reduce((s, it) => s + cents(it.unit_price) * it.quantity, 0);
      const discount = Math.max(0, subtotal - q.totalMinor);
      const orderId = `ord_${me.identifier.slice(6)}_${++seq}`;
      orders.set(orderId, 'confirmed');
      return [
        envelope('a2a.commerce.confirmation', me, m.from, m.conversation_id, m.timestamp, {
          order_id: orderId,
          status: 'confirmed',
          items: q.items,
          totals: { subtotal: money(subtotal), shipping: 0, tax: 0, ...(discount > 0 ? { discount: money(discount) } : {}), total: money(q.totalMinor) },
          tracking: { url: `https://${organisation}.example/track/${orderId}` },
        }),
      ];
    }
    case 'a2a.commerce.confirmation':
      // The buyer's receipt of an order, or (with settlement) the clearing house's word that the
      // order was cancelled: its payment failed and was compensated, so the goods stay here.
      if (orders.has(m.payload.order_id) && orders.get(m.payload.order_id) !== 'cancelled') {
        orders.set(m.payload.order_id, m.payload.status === 'cancelled' ? 'cancelled' : 'acknowledged');
      }
      return [];
    default:
      return []; // errors: nothing to answer
  }
}

function proofOf(nonce) {
  const input = `${b64(JSON.stringify({ alg, kid: 'hello' }))}.${b64(JSON.stringify({ nonce }))}`;
  return `${input}.${signed(input)}`;
}

ws.on('message', (data) => {
  const frame = JSON.parse(data.toString());
  switch (frame.type) {
    case 'a2a-sim.challenge':
      ws.send(JSON.stringify({ type: 'a2a-sim.hello', organisation, ...(privateKey ? { proof: proofOf(frame.nonce) } : {}) }));
      break;
    case 'a2a-sim.welcome':
      welcome = frame;
      break;
    case 'a2a-sim.deliver':
      for (const reply of answer(frame.message, frame.agent)) {
        const kid = welcome.agents.find((a) => a.identifier === frame.agent)?.kid;
        ws.send(JSON.stringify(privateKey && kid ? seal(reply, kid) : reply));
      }
      ws.send(JSON.stringify({ type: 'a2a-sim.next', re: frame.id }));
      break;
    case 'a2a-sim.time':
      ws.send(JSON.stringify({ type: 'a2a-sim.next', re: frame.id, at_us: null })); // a store acts only when asked
      break;
    case 'a2a-sim.end': {
      const count = (status) => [...orders.values()].filter((s) => s === status).length;
      process.stdout.write(`${organisation}: ${orders.size} orders confirmed, ${count('acknowledged')} acknowledged by their buyers, ${count('cancelled')} cancelled in settlement\n`);
      ws.close();
      break;
    }
  }
});
ws.on('close', (code, reason) => {
  if (code !== 1000) process.stderr.write(`closed: ${code} ${reason}\n`);
  process.exit(code === 1000 ? 0 : 1);
});
ws.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
