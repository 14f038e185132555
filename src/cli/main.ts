#!/usr/bin/env node
/**
 * The a2a-sim command. Starts the program (program.ts) from its bundle when the build made a
 * current one (bundles.ts: one file to load instead of a few hundred modules), else from its
 * modules; the same code either way.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { preferBundle } from '../bundles.js';

await import(pathToFileURL(preferBundle(fileURLToPath(new URL('./program.js', import.meta.url)))).href);
