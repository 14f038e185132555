/**
 * The store of the external benchmark, over a2a-market-sim/client: it quotes 200.00 a unit and
 * concedes half a per cent a round, never below 160.00, so a buyer whose budget is 165.00 keeps
 * countering to the end of its rounds. It answers at once.
 */
import { connect } from '../src/client/index.js';
import type { CommerceMessage } from '../src/protocol/schemas.js';

const url = process.argv[2];
if (url === undefined) {
  process.stderr.write('usage: node dist/bench/external-store.js <ws url> [organisation]\n');
  process.exit(2);
}
const quotes = new Map<string, { units: number; totalMinor: number }>();
let seq = 0;
const money = (minor: number) => minor / 100;

const agent = await connect(url, {
  organisation: process.argv[3] ?? 'far-store',
  onMessage(m: CommerceMessage, turn) {
    const quote = (units: number, totalMinor: number, replaces?: string) => {
      const quoteId = `q${++seq}`;
      quotes.set(quoteId, { units, totalMinor });
      return turn.envelope(m.from, 'a2a.commerce.quote', m.conversation_id, {
        quote_id: quoteId,
        valid_until: '2099-01-01T00:00:00.000Z',
        ...(replaces ? { replaces } : {}),
        items: [{ sku: 'W-1', name: 'Widget', unit_price: money(totalMinor / units), quantity: units, availability: 'in_stock' as const }],
        totals: { subtotal: money(totalMinor), shipping: 0, tax: 0, total: money(totalMinor) },
        delivery_estimate: '2025-01-20',
      });
    };
    if (m.type === 'a2a.commerce.intent') return [quote(m.payload.items[0]!.quantity, 20_000 * m.payload.items[0]!.quantity)];
    if (m.type === 'a2a.commerce.counter') {
      const q = quotes.get(m.payload.quote_id);
      quotes.delete(m.payload.quote_id);
      if (q === undefined) return [];
      return [quote(q.units, Math.max(16_000 * q.units, Math.round(q.totalMinor * 0.995)), m.payload.quote_id)];
    }
    return [];
  },
});
await agent.closed;
