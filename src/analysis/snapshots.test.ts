import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/input.js'
import { inPlayRows, scoreRows } from './snapshots.js'
import { compile } from './test-support/models.js'
import { leadData, T0 } from './test-support/planted.js'
import { lead, modelSource, sorted } from './test-support/random-models.js'

const KEYS = [
  'fit',
  'engagement',
  'total',
  'grade',
  'level',
  'label',
  'band',
  'stage',
  'journey',
  'segments',
] as const

/** Every column of a snapshot's scores as plain arrays. */
const columns = (scores: ReturnType<typeof scoreRows>['scores']) =>
  Object.fromEntries(KEYS.map((k) => [k, Array.from(scores[k] as ArrayLike<unknown>)]))

describe('scoreRows', () => {
  it('scoring every contact and picking the rows in play equals scoring copies of those rows', () => {
    fc.assert(
      fc.property(
        modelSource,
        fc.array(lead, { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 125 }), { minLength: 1, maxLength: 4 }),
        (source, leads, days) => {
          const model = compile(source)
          const data = leadData(sorted(leads))
          // several times over the same data: the second and later reuse the kept cache
          for (const day of days) {
            const t = T0 + day * DAY_MS
            const rows = inPlayRows(data, t)
            fc.pre(rows.length * 2 >= data.contacts.length)
            const picked = scoreRows(model, data, t)
            // a per-contact limit takes the path that copies the rows and their events
            const copied = scoreRows(model, data, t, { limit: () => t + 1 })
            expect([...picked.rows]).toEqual([...copied.rows])
            expect(picked.scores.length).toBe(rows.length)
            expect(columns(picked.scores)).toEqual(columns(copied.scores))
          }
        },
      ),
      { numRuns: 80 },
    )
  })
})
