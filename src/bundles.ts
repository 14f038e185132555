/**
 * Bundles each entry point that starts a fresh module graph (a worker thread's script, and the
 * command line's program) with everything it imports into one module beside it (`worker.js` →
 * `worker.bundle.js`). A thread or a command then loads one file instead of a few hundred
 * modules: a worker thread is ready in about half the time (0.2 s instead of 0.4 s here, two
 * threads starting at once), and every `a2a-sim` command starts about 0.2 s sooner. The build
 * runs it after tsc (`node dist/src/bundles.js`); `preferBundle` picks a bundle only when it is at
 * least as new as the script it was built from, so without one (rolldown missing, or only tsc
 * run since) the modules load as before. Same code either way: a bundle is the compiled modules
 * joined, not rewritten.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The scripts that are bundled, relative to the compiled `src/` folder. */
export const BUNDLED_SCRIPTS = ['run/worker.js', 'run/swarm-worker.js', 'run/tournament-worker.js', 'cli/program.js'] as const;

/**
 * Loaded from node_modules at run time, not bundled: piscina starts its threads from a script of
 * its own that it finds beside its modules, and rolldown is what builds the bundles.
 */
const EXTERNAL = ['piscina', 'rolldown'];

/** The bundle built from a script: `worker.js` → `worker.bundle.js`. */
export function bundleName(script: string): string {
  return script.replace(/\.js$/, '.bundle.js');
}

/**
 * The file to load: the bundle of `scriptPath` when there is one at least as new as the script,
 * else the script itself.
 */
export function preferBundle(scriptPath: string): string {
  const bundle = bundleName(scriptPath);
  try {
    return statSync(bundle).mtimeMs >= statSync(scriptPath).mtimeMs ? bundle : scriptPath;
  } catch {
    return scriptPath;
  }
}

/** Writes the bundles of the scripts under `folder` (the compiled `src/`); resolves to the files written. */
export async function bundleScripts(folder: string): Promise<string[]> {
  const { build } = await import('rolldown');
  const written: string[] = [];
  for (const script of BUNDLED_SCRIPTS) {
    const file = `${folder}/${bundleName(script)}`;
    await build({
      input: `${folder}/${script}`,
      platform: 'node',
      external: EXTERNAL,
      output: { file, format: 'esm' },
      // hdr-histogram-js reaches zlib through eval (for histogram encodings, which runs never use).
      onLog(level, log, handler) {
        if (log.code !== 'EVAL') handler(level, log);
      },
    });
    written.push(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
  try {
    const files = await bundleScripts(folder);
    process.stdout.write(`bundled ${files.length} scripts: ${files.join(', ')}\n`);
  } catch (err) {
    // An install without the dev dependencies: threads and commands load the modules instead.
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    process.stdout.write('rolldown is not installed: worker threads and commands will load their modules one by one\n');
  }
}
