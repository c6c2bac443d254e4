import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `name` beside the caller (`importerUrl` is its `import.meta.url`):
 * the JavaScript from dist, or, when the caller itself runs from the TypeScript sources under tsx (tests,
 * benchmarks), the TypeScript, which a thread can load only once it has registered tsx itself.
 *
 * @example
 * const worker = startModuleWorker(import.meta.url, 'log-writer-worker', { workerData: { path } });
 */
export function startModuleWorker(importerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = importerUrl.endsWith('.ts');
  const module = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, importerUrl);
  if (!fromSources) return new Worker(module, options);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
