import { readFileSync } from 'node:fs';
const { parseScenarioText } = await import('/work/main/dist/src/scenario/load.js');
const { pilotTraffic } = await import('/work/main/dist/src/run/pilot.js');
const p = parseScenarioText(readFileSync('scenarios/bench-strategy.yaml', 'utf8'), 'x').plan;
globalThis.__mark = performance.now();
pilotTraffic(p);
console.log('pilot', (performance.now() - globalThis.__mark).toFixed(0));
