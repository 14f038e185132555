/**
 * Bundles each worker thread's script, with everything it imports, into one module beside it
 * (`worker.bundle.js`, `swarm-worker.bundle.js`). A thread then loads one file instead of a few
 * hundred modules and is ready in about half the time (0.2 s instead of 0.4 s here, two threads
 * starting at once), which every run on workers waits for. The build runs it after tsc
 * (`node dist/src/run/bundle-workers.js`); `workerScript` in parallel.ts uses a bundle only when
 * it is at least as new as the script it was built from, so without one (rolldown missing, or
 * only tsc run since) threads load the modules as before. Same code either way: the bundle is
 * the compiled modules joined, not rewritten.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The worker scripts of this folder that run in threads. */
export const WORKER_SCRIPTS = ['worker.js', 'swarm-worker.js'] as const;

/** The bundle built from a worker script: `worker.js` → `worker.bundle.js`. */
export function bundleName(script: string): string {
  return script.replace(/\.js$/, '.bundle.js');
}

/**
 * The file to start a thread from: the bundle of `scriptPath` when there is one at least as new
 * as the script, else the script itself.
 */
export function preferBundle(scriptPath: string): string {
  const bundle = bundleName(scriptPath);
  try {
    return statSync(bundle).mtimeMs >= statSync(scriptPath).mtimeMs ? bundle : scriptPath;
  } catch {
    return scriptPath;
  }
}

/** Writes the bundles of this folder's worker scripts; resolves to the files written. */
export async function bundleWorkers(folder: string): Promise<string[]> {
  const { build } = await import('rolldown');
  const written: string[] = [];
  for (const script of WORKER_SCRIPTS) {
    const file = `${folder}/${bundleName(script)}`;
    await build({
      input: `${folder}/${script}`,
      platform: 'node',
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
    const files = await bundleWorkers(folder);
    process.stdout.write(`bundled ${files.length} worker scripts: ${files.join(', ')}\n`);
  } catch (err) {
    // An install without the dev dependencies: threads load the modules instead.
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    process.stdout.write('rolldown is not installed: worker threads will load their modules one by one\n');
  }
}
