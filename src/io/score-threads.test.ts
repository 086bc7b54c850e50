import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EventColumnsBuilder } from '../core/columnar/events.js'
import { scoreColumns } from '../core/columnar/score.js'
import { contactsArb, richModelArb } from '../core/columnar/test-support/models.js'
import { plain } from '../core/columnar/test-support/plain.js'
import { compileModel } from '../core/compile.js'
import type { ContactEvent } from '../core/input.js'
import { eventsArb } from '../core/test-support/arbitraries.js'
import { ev, NOW } from '../core/test-support/events.js'
import { exampleModel } from '../core/test-support/example-model.js'
import { scoreColumnsInThreads, startRuleWorker } from './score-threads.js'

function columnsOf(perContact: readonly ContactEvent[][], shared: boolean) {
  const builder = new EventColumnsBuilder({ contacts: perContact.length, shared })
  perContact.forEach((events, c) => {
    for (const event of events) builder.add(c, event)
  })
  return builder.finish()
}

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
            const ahead = await scoreColumnsInThreads(model, contacts, events, NOW, { minEvents: 0, started })
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
