import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/input.js'
import { scoredBacktest } from './backtest.js'
import { drift } from './drift.js'
import { outcomesOf } from './leads.js'
import { rollingBacktest } from './rolling.js'
import { signals } from './signals.js'
import { asColumns } from './test-support/as-columns.js'
import { compile } from './test-support/models.js'
import { leadData, type PlantedLead, T0 } from './test-support/planted.js'
import { lead, modelSource, sorted } from './test-support/random-models.js'
import { thresholdForCapacity } from './threshold.js'

/** Leads with properties of every kind: text with repeats, numbers, dates, absent values. */
const richLead: fc.Arbitrary<PlantedLead> = fc
  .tuple(
    lead,
    fc.option(fc.constantFrom('NL', 'ES', 'US', ' nl ', ''), { nil: undefined }),
    fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
    fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined }),
  )
  .map(([l, country, employees, createdDay]) => ({
    ...l,
    properties: {
      ...l.properties,
      ...(country === undefined ? {} : { country }),
      ...(employees === undefined ? {} : { employees }),
      ...(createdDay === undefined ? {} : { created_at: new Date(T0 + createdDay * DAY_MS).toISOString() }),
    },
  }))

describe('lead data read as columns', () => {
  it('gives the same signals, backtests, threshold and drift as an object per contact', () => {
    fc.assert(
      fc.property(modelSource, fc.array(richLead, { minLength: 1, maxLength: 30 }), (source, leads) => {
        const model = compile(source)
        const bags = leadData(sorted(leads))
        const columns = asColumns(bags)
        const asOf = T0 + 60 * DAY_MS
        const both = <T>(run: (data: typeof bags) => T) => expect(run(columns)).toEqual(run(bags))
        // the outcomes and first-seen times read from the properties
        for (const spec of [
          { kind: 'event', name: 'Deal Won' },
          { kind: 'property', name: 'plan', value: 'pro' },
          { kind: 'stage', stage: 'customer' },
        ] as const)
          both((data) => outcomesOf(spec, data.contacts, data.events, 'created_at'))
        both((data) => signals(data, { model }))
        both((data) => signals(data, { model, asOf, horizonDays: 30 }))
        both((data) => scoredBacktest(model, data, { asOf, horizonDays: 30 }).report)
        both((data) =>
          rollingBacktest(model, data, { from: T0 + 10 * DAY_MS, to: T0 + 100 * DAY_MS, horizonDays: 20 }),
        )
        both((data) =>
          thresholdForCapacity(model, data, { capacityPerWeek: 2, to: asOf, weeks: 4, horizonDays: 20 }),
        )
        both((data) =>
          drift(model, data, { from: T0, to: asOf, horizonDays: 20, dataEnd: T0 + 125 * DAY_MS }),
        )
      }),
      { numRuns: 40 },
    )
  })
})
