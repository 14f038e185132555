// An external buyer agent in plain Node, using only `ws` (and node:crypto): each of its agents
// asks a store for a quote once a virtual second, counters until the price comes within its
// budget, accepts with a mandate proof and acknowledges the confirmation (or the cancellation of a
// deal that could not be settled, in a scenario with settlement). Deterministic: the same
// frames give the same answers, so virtual-time runs repeat exactly.
//
//   a2a-sim run scenarios/external-buyer.yaml --listen 127.0.0.1:8765
//   node examples/external/buyer.mjs ws://127.0.0.1:8765 [organisation]
import { createHash, createHmac } from 'node:crypto';
import WebSocket from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:8765';
const organisation = process.argv[3] ?? 'open-buyer';
const UNIT_BUDGET = 190; // the most it pays per unit, in the scenario's currency
const EVERY_US = 1_000_000; // one intent per agent per virtual second
const MAX_ROUNDS = 8;

const ws = new WebSocket(url);
let welcome;
let stores = []; // business profiles of the stores it buys from
let seq = 0;
let backlog = []; // frames that came before discovery answered
const conversations = new Map(); // conversation_id → { units, round }

/** RFC 8785 canonical JSON (enough for A2A payloads: objects, arrays, strings, integers, decimals). */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const cents = (x) => Math.round(x * 100);
const send = (frame) => ws.send(JSON.stringify(frame));

function envelope(type, agent, to, conversationId, timestamp, payload) {
  return { type, id: `msg_${agent.identifier.slice(6)}_${++seq}`, from: agent, to, conversation_id: conversationId, timestamp, payload };
}

function timestampAt(vtUs) {
  return new Date(Date.parse(welcome.start_time) + Math.floor(vtUs / 1000)).toISOString();
}

function me(identifier) {
  const a = welcome.agents.find((x) => x.identifier === identifier);
  return { type: 'agent', identifier: a.identifier, name: a.name };
}

/** Its own turn: one intent to the next store in turn, for the next SKU in turn. */
function onTime(frame) {
  const agent = me(frame.agent);
  const k = Math.floor(frame.vt_us / EVERY_US) + welcome.agents.findIndex((a) => a.identifier === agent.identifier);
  const store = stores[k % stores.length];
  const sku = welcome.skus[k % welcome.skus.length];
  const units = 1 + (k % 2);
  const conversationId = `conv_${agent.identifier.slice(6)}_${++seq}`;
  conversations.set(conversationId, { units, round: 0 });
  send(
    envelope('a2a.commerce.intent', agent, { type: 'agent', identifier: store.agent, name: store.name }, conversationId, timestampAt(frame.vt_us), {
      intent: 'purchase',
      items: [{ sku: sku.sku, quantity: units }],
      constraints: { max_total: UNIT_BUDGET * units, currency: welcome.currency },
      mandate_ref: welcome.mandate.mandate_id,
    }),
  );
  send({ type: 'a2a-sim.next', re: frame.id, at_us: frame.vt_us + EVERY_US });
}

function onMessage(frame) {
  const m = frame.message;
  const agent = me(frame.agent);
  const c = conversations.get(m.conversation_id);
  if (c && m.type === 'a2a.commerce.quote') {
    const total = cents(m.payload.totals.total);
    const willing = Math.round(cents(UNIT_BUDGET) * c.units * (0.8 + 0.025 * c.round));
    if (total <= willing) {
      const hash = `sha256:${createHash('sha256').update(canonical(m.payload)).digest('hex')}`;
      const key = Buffer.from(welcome.mandate.key, 'base64url');
      const signature = createHmac('sha256', key).update(`${welcome.mandate.mandate_id}\n${hash}`).digest('base64url');
      send(
        envelope('a2a.commerce.accept', agent, m.from, m.conversation_id, m.timestamp, {
          quote_id: m.payload.quote_id,
          mandate_proof: { mandate_id: welcome.mandate.mandate_id, transaction_hash: hash, signature },
          shipping_address: { line1: '1 Market Street', city: 'San Francisco', postal_code: '94105', country: 'US' },
        }),
      );
    } else if (c.round < MAX_ROUNDS) {
      c.round++;
      send(envelope('a2a.commerce.counter', agent, m.from, m.conversation_id, m.timestamp, { quote_id: m.payload.quote_id, proposed_changes: { max_total: willing / 100, reason: 'over budget' } }));
    } else conversations.delete(m.conversation_id);
  } else if (c && m.type === 'a2a.commerce.confirmation' && (m.payload.status === 'confirmed' || m.payload.status === 'cancelled')) {
    // Confirmed, or (with settlement) cancelled because the deal could not be settled: either way
    // the store is told the answer came, and the conversation is over.
    conversations.delete(m.conversation_id);
    send(envelope('a2a.commerce.confirmation', agent, m.from, m.conversation_id, m.timestamp, { ...m.payload, status: 'acknowledged' }));
  } else if (c && m.type === 'a2a.commerce.error') conversations.delete(m.conversation_id);
  send({ type: 'a2a-sim.next', re: frame.id });
}

function onFrame(frame) {
  if (frame.type === 'a2a-sim.time') onTime(frame);
  else if (frame.type === 'a2a-sim.deliver') onMessage(frame);
}

ws.on('message', (data) => {
  const frame = JSON.parse(data.toString());
  switch (frame.type) {
    case 'a2a-sim.challenge':
      send({ type: 'a2a-sim.hello', organisation });
      break;
    case 'a2a-sim.welcome':
      welcome = frame;
      send({ type: 'a2a-sim.discover', id: 'stores', category: welcome.categories[0], capability: 'negotiation' });
      break;
    case 'a2a-sim.profiles':
      stores = frame.profiles;
      for (const f of backlog) onFrame(f);
      backlog = undefined;
      break;
    case 'a2a-sim.time':
    case 'a2a-sim.deliver':
      if (backlog) backlog.push(frame);
      else onFrame(frame);
      break;
    case 'a2a-sim.end':
      ws.close();
      break;
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
