import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compactState, compileModel, createState, DAY_MS, evaluateState, foldEvent } from '../core/index.js'
import { eventsArb, modelArb } from '../core/test-support/arbitraries.js'
import { ev, NOW } from '../core/test-support/events.js'
import { exampleModel } from '../core/test-support/example-model.js'
import { deserializeState, StateMismatchError, serializeState } from './state-codec.js'

const contact = { id: 'c', properties: { title: 'VP Growth' } }

/** Through JSON text, as the store keeps it. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe('state codec', () => {
  it('round-trips a folded, compacted state: same evaluations, same folding afterwards', () => {
    fc.assert(
      fc.property(
        modelArb,
        eventsArb,
        eventsArb,
        fc.integer({ min: 0, max: 120 }),
        (doc, before, after, back) => {
          const model = compileModel(doc)
          const state = createState(model)
          for (const e of before) foldEvent(model, state, e)
          compactState(model, state, NOW - back * DAY_MS, { keep: 2 })
          const copy = deserializeState(model, viaJson(serializeState(state)))
          expect(copy).toEqual(state)
          for (const asOf of [NOW, NOW + 45 * DAY_MS]) {
            expect(evaluateState(model, contact, copy, asOf)).toEqual(
              evaluateState(model, contact, state, asOf),
            )
          }
          // folding more events (ids unseen since compaction) goes on exactly alike
          const fresh = after.map((e) => ({
            ...e,
            id: `late-${e.id}`,
            ts: Math.max(e.ts, state.horizon + 1),
          }))
          for (const e of fresh) {
            foldEvent(model, state, e)
            foldEvent(model, copy, e)
          }
          expect(evaluateState(model, contact, copy, NOW + DAY_MS)).toEqual(
            evaluateState(model, contact, state, NOW + DAY_MS),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('keeps non-finite numbers and names compactly', () => {
    const model = compileModel(exampleModel)
    const state = createState(model)
    for (let i = 0; i < 5; i++) foldEvent(model, state, ev('page', i, { path: '/pricing' }, `p${i}`))
    const data = serializeState(state)
    expect(data.horizon).toBe('-Infinity')
    expect(data.activityResidual).toBe('-Infinity')
    expect(data.names).toEqual(['page'])
    const round = deserializeState(model, viaJson(data))
    expect(round.horizon).toBe(Number.NEGATIVE_INFINITY)
    expect(round).toEqual(state)
  })

  it('writes each kept event once, and still reads states written by version 1', () => {
    const model = compileModel(exampleModel)
    const state = createState(model)
    for (let i = 0; i < 6; i++) foldEvent(model, state, ev('page', i, { path: '/pricing' }, `p${i}`))
    const data = serializeState(state)
    expect(data.v).toBe(2)
    expect(data.events).toHaveLength(6 * 3)
    // what version 1 wrote: every map entry with its event
    const v1 = {
      v: 1,
      names: ['page'],
      rules: state.rules.map((map) =>
        [...map].map(([key, e]) => [key === `e:${e.id}` ? null : key, e.id, 0, e.ts]),
      ),
      residuals: state.residuals.map(() => null),
      history: state.history.map((map) => [...map.values()].map((e) => [e.id, 0, e.ts])),
      historyResidual: [...state.historyResidual],
      activity: [...state.activity.values()].map((e) => [e.id, 0, e.ts]),
      activityResidual: '-Infinity',
      horizon: '-Infinity',
    }
    expect(deserializeState(model, viaJson(v1))).toEqual(state)
    expect(JSON.stringify(data).length).toBeLessThan(JSON.stringify(v1).length)
    expect(() => deserializeState(model, { ...(viaJson(data) as object), activity: [99] })).toThrow(
      /refers to event #99/,
    )
  })

  it('refuses data that is not a state of this model', () => {
    const model = compileModel(exampleModel)
    const other = compileModel({ ...exampleModel, engagement: { max: 10, groups: [] } })
    const data = viaJson(serializeState(createState(model)))
    expect(() => deserializeState(other, data)).toThrow(StateMismatchError)
    expect(() => deserializeState(other, data)).toThrow(/engagement rules/)
    expect(() => deserializeState(model, { v: 2 })).toThrow(StateMismatchError)
    expect(() => deserializeState(model, null)).toThrow(StateMismatchError)
  })
})
