import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { tableFromRows } from '../../predict/table.js'
import { syntheticLeads } from '../../predict/test-support/synthetic.js'
import { trainModel } from '../../predict/train.js'
import { trainModelInThreads } from './fold-pool.js'

// with a time column: the final fit and the forward-in-time check run as one batch of two
const { table: leads } = syntheticLeads(1200, 3)
const table = tableFromRows(
  [...leads.header, 'created'],
  Array.from({ length: leads.rowCount }, (_, r) => [
    ...leads.columns.map((c) => c[r]!),
    new Date(Date.UTC(2024, 0, 1) + r * 3_600_000).toISOString(),
  ]),
)
const options = {
  label: 'converted',
  idColumn: 'lead_id',
  timeColumn: 'created',
  missingValues: ['Select'],
  params: { gbdtBags: 1 },
} as const
const single = trainModel(table, options)
const same = (result: { model: unknown; report: unknown }) => {
  expect(JSON.stringify(result.model)).toBe(JSON.stringify(single.model))
  expect(JSON.stringify(result.report)).toBe(JSON.stringify(single.report))
}

describe('trainModelInThreads', () => {
  it('fits the folds in two threads and gives exactly the single-threaded model and report', async () => {
    const seen: string[] = []
    const result = await trainModelInThreads(table, {
      ...options,
      threads: 2,
      onProgress: (m) => seen.push(m),
    })
    expect(result.threads).toBe(2)
    expect(result.fallbacks).toBe(0)
    same(result)
    expect(result.report.timeSplit).not.toBeNull()
    expect(seen).toContain('cross-validating gbdt: fold 5 of 5')
  }, 60_000)

  it('runs in this thread when workers cannot be started', async () => {
    const result = await trainModelInThreads(table, {
      ...options,
      threads: 2,
      startWorker: () => {
        throw new Error('no threads here')
      },
    })
    expect(result.threads).toBe(1)
    expect(result.fallbacks).toBe(12) // 2 learners × 5 folds, the final fit, the time check
    same(result)
  })

  it('hands the fits of a worker that dies back to this thread', async () => {
    const result = await trainModelInThreads(table, {
      ...options,
      threads: 2,
      startWorker: () => new Worker('process.exit(3)', { eval: true }),
    })
    expect(result.fallbacks).toBe(12)
    same(result)
  })

  it('with one thread starts no worker', async () => {
    let started = 0
    const result = await trainModelInThreads(table, {
      ...options,
      threads: 1,
      startWorker: () => {
        started++
        throw new Error('not expected')
      },
    })
    expect(started).toBe(0)
    expect(result).toMatchObject({ threads: 1, fallbacks: 0 })
    same(result)
  })
})
