import { readFileSync } from 'node:fs';
const { parseScenarioText } = await import('/work/main/dist/src/scenario/load.js');
const { pilotTraffic } = await import('/work/main/dist/src/run/pilot.js');
const { layOut } = await import('/work/main/dist/src/run/layout.js');
for (const f of ['bench-strategy', 'bench-signing', 'bench-100k', 'opponent-model', 'volatility-spike']) {
  const p = parseScenarioText(readFileSync(`scenarios/${f}.yaml`, 'utf8'), f).plan;
  const truth = pilotTraffic(p, 80000);
  const n = truth.pairs.length;
  const weight = p.security.signing === 'off' ? 0.5 : 0.03;
  const modelOf = (k, layout) => { const o = layout.organisations[k]; const m = o.role === 'buyer' ? p.buyers[o.planIndex].strategy.opponentModel : undefined; return m ? (truth.counters[k] ?? 0) * 0.005 * m.floorSteps * m.exponentSteps : 0; };
  const out = [];
  for (const N of [2500, 5000, 10000, 20000]) {
    const t = performance.now();
    const tr = pilotTraffic(p, N);
    const ms = performance.now() - t;
    const layout = layOut(p, 2, tr);
    const shardOf = layout.organisations.map((o) => o.shard);
    const load = [0, 0];
    for (let i = 0; i < n; i++) { load[shardOf[i]] += modelOf(i, layout); for (let j = 0; j < n; j++) { const c = truth.pairs[i][j]; load[shardOf[i]] += c; load[shardOf[j]] += c; if (shardOf[i] !== shardOf[j]) { load[shardOf[i]] += weight * c; load[shardOf[j]] += weight * c; } } }
    const tot = load[0] + load[1];
    out.push(`${N}: ${shardOf.join('')} max/half ${(2 * Math.max(...load) / tot).toFixed(3)} (${ms.toFixed(0)} ms)`);
  }
  console.log(f.padEnd(18), out.join(' | '));
}
