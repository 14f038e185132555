/**
 * Writes the structure validators of every message type ahead of time, as ajv standalone code,
 * beside validate.js (the build runs it: `node dist/src/protocol/build-validators.js`). Each is
 * stored with the JSON Schema text it was built from; validate.ts uses one only while the
 * schema still reads the same.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MESSAGE_TYPES } from './schemas.js';
import { AJV_OPTIONS, PREBUILT_FILE, structureSchema } from './validate.js';

const require = createRequire(import.meta.url);
const AjvClass = require('ajv') as typeof import('ajv').default;
const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;

/** The module's source: CommonJS, one export per message type, plus `schemas`. */
export function prebuiltSource(): string {
  const ajv = new AjvClass({ ...AJV_OPTIONS, code: { source: true } });
  const schemas: Record<string, string> = {};
  for (const type of MESSAGE_TYPES) {
    const schema = structureSchema(type);
    ajv.addSchema(schema, type);
    schemas[type] = JSON.stringify(schema);
  }
  const code = standaloneCode(ajv, Object.fromEntries(MESSAGE_TYPES.map((t) => [t, t])));
  return `${code}\nexports.schemas = ${JSON.stringify(schemas)};\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileURLToPath(new URL(PREBUILT_FILE, import.meta.url));
  writeFileSync(file, prebuiltSource());
  process.stdout.write(`wrote ${MESSAGE_TYPES.length} message validators to ${file}\n`);
}
