/**
 * Starting a worker thread on a module of this package: the compiled `.js` next to the
 * caller, or, from the TypeScript sources (tests, tsx), the `.ts` source through tsx.
 * @module
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Flags of the process a worker refuses: `--input-type` (from `node --input-type=module -e`)
 * and the V8 heap sizes (a worker's `resourceLimits` set them).
 */
const REFUSED = ['--input-type', '--max-semi-space-size', '--max-old-space-size']

/**
 * Starts the worker module `name` (no extension) of the folder of the module at `here`
 * (its `import.meta.url`), with the process's flags a worker accepts.
 *
 * @example
 * const worker = startModuleWorker(import.meta.url, 'event-columns-worker', { workerData: { path } })
 */
export function startModuleWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  const execArgv = process.execArgv.filter((arg) => !REFUSED.some((flag) => arg.startsWith(flag)))
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), { ...options, execArgv })
  // tsx's ESM API (dist/esm/api/index.mjs next to its loader), whose register() adds its hooks
  const loader = createRequire(here).resolve('tsx')
  const tsx = pathToFileURL(join(dirname(loader), 'esm', 'api', 'index.mjs')).href
  const source = new URL(`./${name}.ts`, here).href
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { ...options, eval: true, execArgv })
}
