import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildNameIndex, builtNameIndex } from '../core/columnar/event-match.js'
import { type EventColumns, EventColumnsBuilder } from '../core/columnar/events.js'
import { prepareFit, scoreColumns } from '../core/columnar/score.js'
import { ScoreCache } from '../core/columnar/score-cache.js'
import { contactsArb, richModelArb } from '../core/columnar/test-support/models.js'
import { plain } from '../core/columnar/test-support/plain.js'
import { compileModel } from '../core/compile.js'
import type { ContactEvent } from '../core/input.js'
import { eventsArb } from '../core/test-support/arbitraries.js'
import { ev, NOW } from '../core/test-support/events.js'
import { exampleModel } from '../core/test-support/example-model.js'
import { scoreColumnsInThreads, sortInWorker, startRuleWorker } from './score-threads.js'

function columnsOf(perContact: readonly ContactEvent[][], shared: boolean) {
  const builder = new EventColumnsBuilder({ contacts: perContact.length, shared })
  perContact.forEach((events, c) => {
    for (const event of events) builder.add(c, event)
  })
  return builder.finish()
}

/** The events appended in the order of `keys` (any interleaving of contacts, duplicates included). */
function appended(perContact: readonly ContactEvent[][], keys: readonly number[], shared: boolean) {
  const rows = perContact.flatMap((events, c) => events.map((event) => [c, event] as const))
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => (keys[a % keys.length] ?? 0) - (keys[b % keys.length] ?? 0) || a - b)
  const builder = new EventColumnsBuilder({
    contacts: perContact.length,
    shared,
    properties: ['path', 'email_id'],
  })
  for (const i of order) builder.add(rows[i]![0], rows[i]![1])
  return builder
}

/** The columns as plain arrays, to compare. */
function arrays(events: EventColumns) {
  return {
    length: events.length,
    offsets: [...events.offsets],
    ts: [...events.ts.subarray(0, events.length)],
    name: [...events.name.subarray(0, events.length)],
    names: events.names,
    idHash: [...events.idHash.subarray(0, events.length)],
    properties: [...events.properties].map(([key, p]) => [
      key,
      [...p.codes.subarray(0, events.length)],
      p.values,
    ]),
  }
}

describe('sortInWorker', () => {
  it('sorts appended events on the worker as on this thread (duplicates dropped), with a name index both threads use', async () => {
    const started = startRuleWorker({ anyCores: true })!
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventsArb, { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }),
          async (perContact, keys) => {
            // each contact's events twice (the same ids: one counts), appended interleaved
            const doubled = perContact.map((events) => [...events, ...events.slice(0, 2)])
            const expected = appended(doubled, keys, false).finish()
            const sorted = await sortInWorker(started, appended(doubled, keys, true).unsorted())
            expect(arrays(sorted)).toEqual(arrays(expected))
            expect(sorted.ts.buffer).toBeInstanceOf(SharedArrayBuffer)
            const index = builtNameIndex(sorted)
            expect(index?.positions.buffer).toBeInstanceOf(SharedArrayBuffer)
            const fresh = buildNameIndex(expected)
            expect([...index!.start]).toEqual([...fresh.start])
            expect([...index!.positions]).toEqual([...fresh.positions])
          },
        ),
        { numRuns: 30 },
      )
      // thirty answers leave no listener behind (only the worker's own failure watch)
      expect(started.worker.listenerCount('message')).toBe(0)
      expect(started.worker.listenerCount('exit')).toBe(1)
    } finally {
      await started.close()
    }
  }, 120_000)

  it('scores the events it sorted with the rules shared, as one thread scores them sorted here', async () => {
    const model = compileModel(exampleModel)
    const contacts = { length: 2, ids: ['c0', 'c1'], properties: [{ job_title: 'VP Marketing' }, {}] }
    const perContact = [
      [
        ev('Email Opened', 1, { email_id: 'm1' }),
        ev('page', 2, { path: '/pricing' }),
        ev('page', 2, { path: '/pricing' }),
      ],
      [ev('page', 40), ev('page', 3, { path: '/pricing' })],
    ]
    const started = startRuleWorker({ anyCores: true })!
    try {
      const sorted = await sortInWorker(started, appended(perContact, [3, 1, 2, 0, 4], true).unsorted())
      const expected = appended(perContact, [3, 1, 2, 0, 4], false).finish()
      const scores = await scoreColumnsInThreads(model, contacts, sorted, NOW, {
        minEvents: 0,
        worker: true,
        started,
      })
      expect(plain(scores)).toEqual(plain(scoreColumns(model, contacts, expected, NOW)))
      expect(scores.total[0]).toBeGreaterThan(0)
    } finally {
      await started.close()
    }
  })
})

describe('scoreColumnsInThreads', () => {
  it('gives the scores of one thread, the rules shared with a worker reading the same columns', async () => {
    await fc.assert(
      fc.asyncProperty(
        richModelArb,
        contactsArb(8),
        fc.array(eventsArb, { minLength: 8, maxLength: 8 }),
        async (doc, rows, perContact) => {
          const model = compileModel(doc)
          const contacts = {
            length: rows.length,
            ids: rows.map((_, i) => `c${i}`),
            properties: rows.map((c) => c.properties),
            accounts: rows.map((c) => c.account),
          }
          const events = columnsOf(perContact, true)
          expect(events.ts.buffer).toBeInstanceOf(SharedArrayBuffer)
          const expected = plain(scoreColumns(model, contacts, events, NOW))
          const threads = await scoreColumnsInThreads(model, contacts, events, NOW, {
            minEvents: 0,
            worker: true,
          })
          expect(plain(threads)).toEqual(expected)
          // a worker started ahead, idle until the columns come (a 2-core machine has one)
          const started = startRuleWorker()
          try {
            // with the fit part prepared before the events were ready (as `leadscore score` does)
            const fitCache = new ScoreCache({ timeless: true })
            prepareFit(model, contacts, undefined, NOW, fitCache)
            const ahead = await scoreColumnsInThreads(model, contacts, events, NOW, {
              minEvents: 0,
              started,
              fitCache,
            })
            expect(plain(ahead)).toEqual(expected)
          } finally {
            await started?.close()
          }
        },
      ),
      { numRuns: 8 },
    )
  }, 120_000)

  it('scores on this thread alone when the columns are not shared, or the events few: the same scores', async () => {
    const model = compileModel(exampleModel)
    const contacts = { length: 2, ids: ['c0', 'c1'], properties: [{ job_title: 'VP Marketing' }, {}] }
    const perContact = [
      [ev('page', 2, { path: '/pricing' }), ev('Email Opened', 1, { email_id: 'm1' })],
      [ev('page', 40)],
    ]
    for (const [shared, minEvents] of [
      [false, 0],
      [true, 10],
    ] as const) {
      const events = columnsOf(perContact, shared)
      const scores = await scoreColumnsInThreads(model, contacts, events, NOW, { minEvents })
      expect(plain(scores)).toEqual(plain(scoreColumns(model, contacts, events, NOW)))
      expect(scores.total[0]).toBeGreaterThan(0)
    }
  })
})
