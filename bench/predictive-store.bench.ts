/**
 * Predictive training from the store, as `leadscore predictive train` and the service run it:
 * the demo workspace's generator (with its hidden `converted` outcome) scaled to --contacts,
 * written straight into a fresh database, then one training (reading the outcomes, computing
 * the features as of each cut-off, cross-validating, storing the version) and the prediction
 * of every contact (features as of now, likelihood, reasons in points, written in batches).
 *
 *   npx tsx bench/predictive-store.bench.ts [--contacts 20000] [--learner auto] [--db postgres://...]
 *
 * Prints the command, the data size, the machine, and the time and peak memory of each phase.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateDataset } from '../src/demo/generate.js'
import { checkRequest, refreshPredictions, trainFromStore } from '../src/engine/predictive/index.js'
import { openStore } from '../src/store/index.js'

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '20000' },
    learner: { type: 'string', default: 'auto' },
    db: { type: 'string' },
  },
})
const contacts = Number(values.contacts)
const learner = values.learner as 'auto' | 'logistic' | 'gbdt'

console.log(`command: npx tsx bench/predictive-store.bench.ts ${process.argv.slice(2).join(' ')}`.trim())
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 1e9).toFixed(1)} GB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)

let peak = 0
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss())
}, 100)
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const dir = values.db === undefined ? mkdtempSync(join(tmpdir(), 'leadscore-bench-predictive-')) : undefined
const location = values.db ?? join(dir!, 'leadscore.db')
const store = await openStore(location)
try {
  // load: contacts, accounts, events, straight into the store
  const now = Date.parse('2026-10-01T00:00:00Z')
  const data = generateDataset({ seed: 42, contacts, now, outcome: true })
  let t = performance.now()
  const accounts = new Set<string>()
  for (let i = 0; i < contacts; i += 1000) {
    const page = Array.from({ length: Math.min(1000, contacts - i) }, (_, k) => data.contact(i + k))
    const accountWrites = page.flatMap((c) => {
      const id = c.properties['account_id']
      if (typeof id !== 'string' || accounts.has(id)) return []
      accounts.add(id)
      return [{ id, properties: data.account(Number(id.slice(4)) - 1).properties, at: now }]
    })
    if (accountWrites.length > 0) await store.upsertAccounts(accountWrites)
    await store.upsertContacts(
      page.map((c) => {
        const { account_id: accountId, ...properties } = c.properties
        return { id: c.id, properties, accountId: typeof accountId === 'string' ? accountId : null, at: now }
      }),
    )
  }
  let events = 0
  let batch: Parameters<typeof store.insertEvents>[0][number][] = []
  for (const e of data.events()) {
    batch.push({
      id: e.id,
      contactId: e.contactId,
      name: e.name,
      ts: e.ts,
      receivedAt: e.ts,
      properties: e.properties,
    })
    if (batch.length === 5000) {
      await store.insertEvents(batch)
      events += batch.length
      batch = []
    }
  }
  await store.insertEvents(batch)
  events += batch.length
  await store.optimize()
  console.log(
    `data: ${contacts.toLocaleString('en-US')} contacts, ${accounts.size.toLocaleString('en-US')} accounts, ${events.toLocaleString('en-US')} events in ${store.dialect} (loaded in ${secs(performance.now() - t)})\n`,
  )

  // training
  const phases: [string, number][] = []
  let phase = ''
  let phaseStart = performance.now()
  const progress = (p: { step: string }) => {
    const name = p.step.startsWith('cross-validating')
      ? 'cross-validation'
      : p.step.startsWith('fitting')
        ? 'final fit'
        : p.step
    if (name === phase) return
    if (phase !== '') phases.push([phase, performance.now() - phaseStart])
    phase = name
    phaseStart = performance.now()
  }
  t = performance.now()
  const cpu = process.cpuUsage()
  const result = await trainFromStore(
    store,
    checkRequest({ outcome: 'property=converted', learner }),
    now,
    progress,
  )
  phases.push([phase, performance.now() - phaseStart])
  const trainMs = performance.now() - t
  const trainCpu = process.cpuUsage(cpu)
  const e = result.evaluation
  console.log(
    `training (${e.learner}): ${secs(trainMs)} wall, ${secs((trainCpu.user + trainCpu.system) / 1000)} CPU; ${e.contacts.toLocaleString('en-US')} contacts, ${e.conversions.toLocaleString('en-US')} converted, ${e.features} features`,
  )
  for (const [name, ms] of phases) console.log(`  ${name.padEnd(28)} ${secs(ms)}`)
  console.log(
    `  AUC ${e.auc.toFixed(4)} ± ${e.aucStd.toFixed(4)}, log loss ${e.logLoss.toFixed(4)}, top-decile lift ${e.topDecileLift.toFixed(2)}; warnings: ${result.warnings.map((w) => w.code).join(', ') || 'none'}`,
  )

  // predicting every contact
  t = performance.now()
  const predicted = await refreshPredictions(
    store,
    () => now,
    () => {},
  )
  const predictMs = performance.now() - t
  console.log(
    `predicting: ${predicted.predicted.toLocaleString('en-US')} contacts in ${secs(predictMs)} (${Math.round(predicted.predicted / (predictMs / 1000)).toLocaleString('en-US')} contacts/s, with reasons)`,
  )
  peak = Math.max(peak, process.memoryUsage.rss())
  console.log(`peak memory (RSS): ${mb(peak)}`)
} finally {
  clearInterval(sampler)
  await store.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
}
