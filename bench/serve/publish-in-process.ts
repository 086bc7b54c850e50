/**
 * The publish job alone, in this process (no server, no ingestion): a new version of the
 * primary model published over a copy of a big database (`bench/serve/big-store.ts`), timed
 * from the publish to the job's end, with the CPU split by phase. Run it under
 * `node --cpu-prof` to see where the time goes.
 *
 *   npx tsx bench/serve/publish-in-process.ts DB_FILE [--keep]
 *
 * DB_FILE is copied next to itself first (`<file>.publish.db`) unless `--keep` (publish on it).
 * @module
 */
import { copyFileSync, rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createEngine, systemClock } from '../../src/engine/index.js'
import { openStore } from '../../src/store/index.js'
import { count, load, machine, round } from './stats.js'

const calls = new Map<string, { n: number; ms: number }>()
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { keep: { type: 'boolean', default: false } },
})
const source = positionals[0]
if (source === undefined) throw new Error('usage: npx tsx bench/serve/publish-in-process.ts DB_FILE [--keep]')
let location = source
if (!values.keep) {
  location = `${source}.publish.db`
  for (const suffix of ['', '-wal', '-shm']) rmSync(location + suffix, { force: true })
  copyFileSync(source, location)
}
console.log(`npx tsx bench/serve/publish-in-process.ts ${process.argv.slice(2).join(' ')}`)
console.log(machine(), `load ${load().join(' ')}`)
const store = timed(await openStore(location))
const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
try {
  const primary = engine.primaryModel()
  const current = await store.getModel(primary.record.id, primary.record.version)
  const text = `${current!.source.trimEnd()}\n# republished ${new Date().toISOString()}\n`
  const draft = await engine.createDraft(text)
  const t = performance.now()
  const cpu = process.cpuUsage()
  const job = await engine.publishModel(draft.model.id, draft.model.version)
  let shown = t
  const timer = setInterval(() => {
    shown = performance.now()
    console.log(`  ${count(job.scored)} contacts after ${round((shown - t) / 1000)} s`)
  }, 10_000)
  await job.done
  clearInterval(timer)
  const seconds = (performance.now() - t) / 1000
  const used = process.cpuUsage(cpu)
  const spent = [...calls].sort((a, b) => b[1].ms - a[1].ms)
  for (const [name, c] of spent.slice(0, 14))
    console.log(
      `  ${name.padEnd(22)} ${String(c.n).padStart(8)} calls ${round(c.ms / 1000)
        .toString()
        .padStart(7)} s`,
    )
  console.log(
    `publish ${job.status}: ${count(job.scored)} contacts, ${count(job.accounts)} accounts in ${round(seconds)} s ` +
      `(${round((seconds * 1e6) / Math.max(1, job.scored))} µs/contact; CPU user ${round(used.user / 1e6)} s, system ${round(used.system / 1e6)} s); ` +
      `rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
  )
} finally {
  await engine.close()
  await store.close()
}

/** Milliseconds spent in each store method (its promise settled), transactions' own calls included. */
function timed<T extends object>(target: T, prefix = ''): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver)
      if (typeof value !== 'function' || typeof key !== 'string') return value
      return (...args: unknown[]) => {
        if (key === 'transaction') {
          const [work, ...rest] = args as [(tx: object) => Promise<unknown>, ...unknown[]]
          return value.call(object, (tx: object) => work(timed(tx, 'tx.')), ...rest)
        }
        const t = performance.now()
        const result = value.apply(object, args)
        if (!(result instanceof Promise)) return result
        return result.finally(() => {
          const c = calls.get(prefix + key) ?? { n: 0, ms: 0 }
          c.n++
          c.ms += performance.now() - t
          calls.set(prefix + key, c)
        })
      }
    },
  })
}
