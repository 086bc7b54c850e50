import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileModel } from './compile.js'
import { labelsOf } from './labels.js'
import { modelJsonSchema } from './model/json-schema.js'
import { loadModel } from './model/load.js'

const model = (bands: string) => `format: leadscore/v1
id: labelled
fit: { max: 10, groups: [] }
bands:
${bands}
stages:
  - id: lead
    label: Lead
  - id: mql
    label: { en: Marketing qualified lead, es: Lead calificado por marketing (MQL), nl: Marketing-gekwalificeerde lead (MQL) }
journey:
  - id: discovery
segments:
  - id: nurture
    label: { es: Nutrición }
`

function load(source: string) {
  const result = loadModel(source)
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return compileModel(result.model)
}

function errors(source: string) {
  const result = loadModel(source)
  return result.ok
    ? []
    : result.errors.map(({ code, path, line, message, hint }) => ({ code, path, line, message, hint }))
}

describe('labels in several languages', () => {
  const compiled = load(
    model(
      '  - id: hot\n    label: { en: Hot, es: Caliente, nl: Heet }\n    when: { score.total: { gte: 5 } }\n  - id: cold\n    label: Cold',
    ),
  )

  it('gives the label in the language asked for, else the English one, else the id', () => {
    expect(labelsOf(compiled, 'es')).toEqual({
      bands: { hot: 'Caliente', cold: 'Cold' },
      stages: { lead: 'Lead', mql: 'Lead calificado por marketing (MQL)' },
      journey: { discovery: 'discovery' },
      segments: { nurture: 'Nutrición' },
    })
    expect(labelsOf(compiled, 'nl-BE').bands).toEqual({ hot: 'Heet', cold: 'Cold' })
    expect(labelsOf(compiled, 'en').segments).toEqual({ nurture: 'nurture' })
    expect(labelsOf(compiled, 'fr').bands).toEqual({ hot: 'Hot', cold: 'Cold' })
  })

  it('keeps the English label for explanations', () => {
    expect(compiled.bands.map((b) => b.label)).toEqual(['Hot', 'Cold'])
    expect(compiled.segments[0]?.label).toBeUndefined()
  })

  it('names every id of the model, in every language', () => {
    fc.assert(
      fc.property(fc.constantFrom('en', 'es', 'nl', 'de', 'es-MX', ''), (locale) => {
        const labels = labelsOf(compiled, locale)
        expect(Object.keys(labels.bands)).toEqual(compiled.bands.map((b) => b.id))
        expect(Object.keys(labels.stages)).toEqual(compiled.stages.map((s) => s.id))
        for (const text of Object.values(labels.bands)) expect(text.length).toBeGreaterThan(0)
      }),
    )
  })

  it('says which languages a label may use, at the key that is wrong', () => {
    expect(errors(model('  - id: hot\n    label: { en: Hot, fr: Chaud }'))).toEqual([
      {
        code: 'unknown-key',
        path: 'bands[0].label.fr',
        line: 6,
        message: 'unknown key `fr`',
        hint: 'labels are written in `en` (English), `es` (Spanish), `nl` (Dutch); a language without its own label shows the English one',
      },
    ])
  })

  it('rejects empty labels, with what to write', () => {
    expect(errors(model("  - id: hot\n    label: { es: '' }"))).toEqual([
      {
        code: 'empty-value',
        path: 'bands[0].label.es',
        line: 6,
        message: 'must not be empty',
        hint: 'write the label in Spanish, e.g. `es: Caliente`',
      },
    ])
    expect(errors(model('  - id: hot\n    label: {}'))).toEqual([
      {
        code: 'empty-label',
        path: 'bands[0].label',
        line: 6,
        message: 'a label needs a text in at least one language',
        hint: 'write `label: { en: Hot, es: Caliente, nl: Heet }` or `label: Hot`',
      },
    ])
    expect(errors(model('  - id: hot\n    label: 3'))[0]).toMatchObject({
      code: 'invalid-type',
      hint: 'write the name shown to people, e.g. `label: Hot` or `label: { en: Hot, es: Caliente, nl: Heet }`',
    })
  })

  it('keeps rule labels plain text', () => {
    const source = `format: leadscore/v1
id: m
fit:
  max: 10
  groups:
    - id: g
      rules:
        - { label: { en: senior }, when: { title: vp }, points: 5 }
`
    expect(errors(source)[0]).toMatchObject({ code: 'invalid-type', path: 'fit.groups[0].rules[0].label' })
  })

  it('are in the JSON Schema, for editor completion', () => {
    const schema = modelJsonSchema() as { $defs: Record<string, { anyOf?: { properties?: object }[] }> }
    const label = schema.$defs.Label
    expect(label?.anyOf?.map((option) => Object.keys(option.properties ?? {}))).toEqual([
      [],
      ['en', 'es', 'nl'],
    ])
  })
})
