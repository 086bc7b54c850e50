import { describe, expect, it } from 'vitest'
import {
  compileModel,
  createState,
  DAY_MS,
  evaluateState,
  foldEvent,
  type ScoreResult,
} from '../core/index.js'
import { loadModel } from '../core/model/index.js'
import { generateDataset } from '../demo/generate.js'
import { defaultModelSource } from './default-model.js'
import { MIN_STEP_MS, nextChangeAt, thresholdsOf } from './next-change.js'

const NOW = Date.parse('2026-11-01T00:00:00.000Z')

function compile(source: string) {
  const loaded = loadModel(source)
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'))
  return compileModel(loaded.model)
}

const classes = (r: ScoreResult) => ({
  band: r.band,
  stage: r.stage,
  journey: r.journey,
  level: r.level,
  segments: r.segments,
})

describe('nextChangeAt', () => {
  const model = compile(defaultModelSource())

  it('collects the thresholds of classifiers on moving score fields', () => {
    const found = thresholdsOf(model).map((t) => `${t.field} ${t.value}`)
    expect(found).toEqual(
      expect.arrayContaining([
        'total 60',
        'total 35',
        'total 30',
        'engagement 10',
        'group.content 10',
        'engagement 35',
      ]),
    )
    // grade thresholds are on fit, which does not move with time
    expect(found.some((f) => f.startsWith('fit'))).toBe(false)
  })

  it('no class changes before the time it gives (generated contacts, default model)', () => {
    const data = generateDataset({ seed: 7, contacts: 400, now: NOW })
    let checked = 0
    let changedAtNext = 0
    for (let i = 0; i < data.options.contacts; i++) {
      const contact = data.contact(i)
      const state = createState(model)
      for (const e of data.contactEvents(i)) foldEvent(model, state, e)
      const input = { id: contact.id, properties: contact.properties }
      const now = evaluateState(model, input, state, NOW)
      const next = nextChangeAt(model, state, now, NOW)
      if (next === null) continue
      expect(next).toBeGreaterThan(NOW)
      const at = (t: number) => evaluateState(model, input, state, t, { currentStage: now.stage })
      const span = next - NOW
      for (const f of [0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999]) {
        const t = NOW + Math.floor(span * f)
        expect(classes(at(t)), `${contact.id} at now + ${(t - NOW) / DAY_MS} days`).toEqual(classes(now))
      }
      expect(classes(at(next - 1))).toEqual(classes(now))
      if (JSON.stringify(classes(at(next + MIN_STEP_MS))) !== JSON.stringify(classes(now))) changedAtNext++
      checked++
    }
    expect(checked).toBeGreaterThan(50)
    // the bound is tight enough that it often lands on the change itself
    expect(changedAtNext).toBeGreaterThan(0)
  })

  it('gives the exact instant an event leaves a window, and null when nothing moves with time', () => {
    const windowed = compile(`
format: leadscore/v1
id: w
engagement:
  max: 100
  groups:
    - id: g
      rules:
        - { id: visit, when: { event: page }, points: 50, window: { days: 10 } }
bands:
  - { id: hot, when: { score.total: { gte: 50 } } }
  - { id: cold }
`)
    const state = createState(windowed)
    const ts = NOW - 3 * DAY_MS
    foldEvent(windowed, state, { id: 'e1', name: 'page', ts, properties: {} })
    const result = evaluateState(windowed, { id: 'c', properties: {} }, state, NOW)
    expect(result.band).toBe('hot')
    expect(nextChangeAt(windowed, state, result, NOW)).toBe(ts + 10 * DAY_MS + 1)
    const empty = createState(windowed)
    expect(
      nextChangeAt(windowed, empty, evaluateState(windowed, { id: 'c', properties: {} }, empty, NOW), NOW),
    ).toBeNull()
  })
})
