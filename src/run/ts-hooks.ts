/**
 * Module customization hooks (node:module register) that let a strategy be written in
 * TypeScript: a `.ts` or `.mts` file is transpiled with the TypeScript compiler's own
 * transpileModule (types are dropped, nothing is type-checked), and a relative `./x.js` import
 * from such a file finds `./x.ts` when only that exists.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Next<C, R> = (specifier: string, context: C) => Promise<R>;
interface ResolveContext {
  readonly parentURL?: string;
}
interface LoadResult {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array;
  readonly shortCircuit?: boolean;
}

const TS_FILE = /\.m?ts$/;

export async function resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, unknown>): Promise<unknown> {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL ?? '';
    if (TS_FILE.test(parent) && /^\.\.?\//.test(specifier) && /\.m?js$/.test(specifier)) return next(specifier.replace(/(m?)js$/, '$1ts'), context);
    throw err;
  }
}

export async function load(url: string, context: object, next: Next<object, LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return next(url, context);
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  const { default: ts } = await import('typescript');
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true, isolatedModules: true },
  });
  const problem = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (problem) {
    const where = problem.file && problem.start !== undefined ? problem.file.getLineAndCharacterOfPosition(problem.start) : undefined;
    const text = ts.flattenDiagnosticMessageText(problem.messageText, '\n');
    throw new SyntaxError(`${file}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: ${text}`);
  }
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
