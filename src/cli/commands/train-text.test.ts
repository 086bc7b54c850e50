import { describe, expect, it } from 'vitest'
import { encodeTable } from '../../predict/features/encode.js'
import { fitFeatureSpec } from '../../predict/features/spec.js'
import { readLabels } from '../../predict/label.js'
import { tableFromRows } from '../../predict/table.js'
import { preparedLeads } from '../../predict/test-support/synthetic.js'
import { type TrainingStep, trainModel } from '../../predict/train.js'
import {
  aucWarning,
  leakWarnings,
  sizeWarnings,
  type TrainingWarning,
  timeShiftWarning,
} from '../../predict/warnings.js'
import { progressText, warningText } from './train-text.js'

const OTHERS = ['es', 'nl'] as const

function leak(): TrainingWarning[] {
  const rows = Array.from({ length: 600 }, (_, i) => {
    const converted = i % 3 === 0
    const status = i % 2 === 0 ? '' : converted ? 'Closed won' : 'Not interested'
    return [String(i % 7), status, converted ? '1' : '0']
  })
  const table = tableFromRows(['visits', 'status', 'converted'], rows)
  const labels = readLabels(table, 'converted')
  const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
    skip: new Map([['converted', 'label']]),
  })
  return leakWarnings(encodeTable(spec, table), labels.values)
}

describe('warningText', () => {
  const warnings = [
    ...sizeWarnings(800, 0),
    ...sizeWarnings(300, 20),
    ...sizeWarnings(1000, 960),
    ...leak(),
    ...aucWarning(0.9812),
    ...timeShiftWarning(0.2, 0.1, 2000),
  ]

  it('says every warning of the learner by its code, as the English wording would be recognised', () => {
    expect(new Set(warnings.map((w) => w.code))).toEqual(
      new Set(['one-class', 'few-conversions', 'few-leads', 'probable-leak', 'auc-too-high', 'time-shift']),
    )
    for (const w of warnings) {
      expect(w.values).toBeDefined()
      const { values: _, ...wording } = w
      for (const locale of OTHERS) {
        const byCode = warningText(w, locale)
        expect(byCode).toEqual(warningText(wording, locale))
        expect(byCode.message).not.toBe(w.message)
        expect(byCode.action).not.toBe(w.action)
      }
      expect(warningText(w, 'en')).toEqual({ message: w.message, action: w.action })
    }
  })

  it('says the figures in the language, not the English ones', () => {
    const [shift] = timeShiftWarning(0.2, 0.1, 2000)
    expect(warningText(shift!, 'es').message).toMatch(/10,0\s?%.*20,0\s?%/)
    const [tooHigh] = aucWarning(0.9812)
    expect(warningText(tooHigh!, 'nl').message).toContain('0,981')
  })

  it('keeps a warning it cannot say by code or wording in English', () => {
    const w: TrainingWarning = { code: 'one-class', message: 'something new', action: 'do this' }
    expect(warningText(w, 'es')).toEqual({ message: 'something new', action: 'do this' })
  })
})

describe('progressText', () => {
  it('says every step of a training by its code, as its English text would be recognised', () => {
    const { table } = preparedLeads(600, 3)
    const seen: { message: string; step: TrainingStep | undefined }[] = []
    trainModel(table, {
      label: 'converted',
      idColumn: 'lead_id',
      folds: 3,
      onProgress: (message, step) => seen.push({ message, step }),
    })
    expect(new Set(seen.map((s) => s.step?.code))).toEqual(new Set(['fold', 'fit', 'explaining']))
    for (const { message, step } of seen)
      for (const locale of OTHERS) {
        const said = progressText(message, locale, step)
        expect(said).toBe(progressText(message, locale))
        expect(said).not.toBe(message)
      }
    const forward: TrainingStep = { code: 'forward', count: 120 }
    expect(progressText('forward-in-time check on the latest 120 leads', 'es', forward)).toBe(
      progressText('forward-in-time check on the latest 120 leads', 'es'),
    )
  })
})
