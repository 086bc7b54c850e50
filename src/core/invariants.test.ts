import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compactState } from './compact.js'
import { compileModel } from './compile.js'
import { evaluateContact, evaluateState } from './evaluate.js'
import { DAY_MS } from './input.js'
import type { ScoreResult } from './result.js'
import { createState, foldEvent } from './state.js'
import { eventsArb, modelArb } from './test-support/arbitraries.js'
import { NOW } from './test-support/events.js'

const contact = { id: 'c', properties: { title: 'VP Growth' } }
const RUNS = { numRuns: 300 }

/** The numbers and classes of a result, for comparisons that allow float rounding. */
function scores(r: ScoreResult) {
  return {
    fit: r.fit,
    engagement: r.engagement,
    total: r.total,
    rules: r.rules,
    groups: r.groups,
    classes: [r.grade, r.level, r.label, r.band, r.stage, r.journey, r.segments.join('|')],
  }
}

function expectClose(a: ScoreResult, b: ScoreResult): void {
  const sa = scores(a)
  const sb = scores(b)
  expect(sa.classes).toEqual(sb.classes)
  for (const k of ['fit', 'engagement', 'total'] as const) expect(sa[k]).toBeCloseTo(sb[k], 9)
  for (const [id, v] of Object.entries(sa.rules)) expect(v, id).toBeCloseTo(sb.rules[id]!, 9)
}

describe('invariants', () => {
  it('permuting the events gives the same result', () => {
    fc.assert(
      fc.property(
        modelArb,
        eventsArb.chain((evs) =>
          fc.tuple(fc.constant(evs), fc.shuffledSubarray(evs, { minLength: evs.length })),
        ),
        (doc, [events, shuffled]) => {
          const m = compileModel(doc)
          expect(evaluateContact(m, contact, shuffled, NOW)).toEqual(evaluateContact(m, contact, events, NOW))
        },
      ),
      RUNS,
    )
  })

  it('repeating an event (same id) gives the same result', () => {
    fc.assert(
      fc.property(modelArb, eventsArb, fc.array(fc.nat()), (doc, events, picks) => {
        const m = compileModel(doc)
        const repeated = [...events, ...(events.length ? picks.map((i) => events[i % events.length]!) : [])]
        expect(evaluateContact(m, contact, repeated, NOW)).toEqual(evaluateContact(m, contact, events, NOW))
      }),
      RUNS,
    )
  })

  it('events after the as-of time are ignored', () => {
    fc.assert(
      fc.property(modelArb, eventsArb, (doc, events) => {
        const m = compileModel(doc)
        const past = events.filter((e) => e.ts <= NOW)
        expect(evaluateContact(m, contact, events, NOW)).toEqual(evaluateContact(m, contact, past, NOW))
      }),
      RUNS,
    )
  })

  it('folding in increments, evaluating in between, gives the batch result', () => {
    fc.assert(
      fc.property(modelArb, eventsArb, fc.array(fc.nat(), { maxLength: 5 }), (doc, events, cuts) => {
        const m = compileModel(doc)
        const state = createState(m)
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b)
        let from = 0
        for (const to of [...bounds, events.length]) {
          for (const e of events.slice(from, to)) foldEvent(m, state, e)
          evaluateState(m, contact, state, NOW - 10 * DAY_MS)
          from = to
        }
        expect(evaluateState(m, contact, state, NOW)).toEqual(evaluateContact(m, contact, events, NOW))
      }),
      RUNS,
    )
  })

  it('compacting the state as time passes keeps the scores (up to float rounding)', () => {
    fc.assert(
      fc.property(
        modelArb,
        eventsArb,
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 4 }),
        (doc, events, horizons) => {
          const m = compileModel(doc)
          const state = createState(m)
          // events arrive in time order with compactions in between, then late events arrive
          const sorted = [...events].sort((a, b) => a.ts - b.ts)
          const marks = horizons.map((h) => NOW - h * DAY_MS).sort((a, b) => a - b)
          let i = 0
          for (const mark of marks) {
            while (i < sorted.length && sorted[i]!.ts <= mark) foldEvent(m, state, sorted[i++]!)
            compactState(m, state, mark, { keep: 2 })
          }
          for (; i < sorted.length; i++) foldEvent(m, state, sorted[i]!)
          for (const at of [NOW, NOW + 45 * DAY_MS]) {
            expectClose(evaluateState(m, contact, state, at), evaluateContact(m, contact, events, at))
          }
        },
      ),
      RUNS,
    )
  })

  it('the ledger adds up: events to rules, rules to groups, groups to parts, parts to the total', () => {
    fc.assert(
      fc.property(modelArb, eventsArb, (doc, events) => {
        const m = compileModel(doc)
        const r = evaluateContact(m, contact, events, NOW)
        const { ledger } = r
        for (const part of [ledger.fit, ledger.engagement]) {
          let partRaw = 0
          for (const g of part.groups) {
            let groupRaw = 0
            for (const rule of g.rules) {
              if (rule.events.length > 0 && !rule.count) {
                let sum = 0
                for (const e of rule.events) sum += e.points
                expect(sum).toBe(rule.raw)
              }
              expect(rule.points).toBe(clampTo(rule.raw, rule.caps))
              groupRaw += rule.points
            }
            expect(g.raw).toBe(groupRaw)
            expect(g.points).toBe(clampTo(g.raw, g.caps))
            partRaw += g.points
          }
          if (part === ledger.engagement && ledger.engagement.inactivity?.applied)
            partRaw += ledger.engagement.inactivity.points
          expect(part.raw).toBe(partRaw)
          expect(part.points).toBe(clampTo(part.raw, part.caps))
        }
        expect(ledger.total.raw).toBe(r.fit + r.engagement + ledger.predictive.points)
        expect(r.total).toBe(clampTo(ledger.total.raw, ledger.total.caps))
        expect(r.total).toBeGreaterThanOrEqual(0)
        expect(r.total).toBeLessThanOrEqual(100)
      }),
      RUNS,
    )
  })
})

function clampTo(raw: number, caps: readonly { after: number; before: number }[]): number {
  if (caps.length === 0) return raw
  expect(caps[0]!.before).toBe(raw)
  return caps[0]!.after
}
