import { existsSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { modelArb } from '../test-support/arbitraries.js'
import { exampleModel } from '../test-support/example-model.js'
import type { Issue } from './issue.js'
import { type LoadResult, loadModel } from './load.js'
import { validateModel } from './validate.js'

const EXAMPLE = readFileSync(new URL('./fixtures/example.yaml', import.meta.url), 'utf8')
const DOCS = new URL('../../../docs/model-format.md', import.meta.url)

/** The 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1)
    if (index < 0) throw new Error(`${needle} not found`)
  }
  const before = text.slice(0, index)
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') }
}

function errorsOf(result: LoadResult): Issue[] {
  expect(result.ok).toBe(false)
  // the English text is what these tests read; the params and hint keys are checked with the catalogs (src/i18n)
  return result.ok ? [] : result.errors.map(({ params, hintKey, ...issue }) => issue)
}

const SMALL = 'format: leadscore/v1\nid: test\nfit:\n  max: 40\n  groups: []\n'

describe('loadModel', () => {
  describe('the complete example of the format', () => {
    it('validates with no errors and no warnings', () => {
      const result = loadModel(EXAMPLE, { filename: 'example.yaml' })
      expect(result).toMatchObject({ ok: true, warnings: [] })
    })

    it('is the example of docs/model-format.md', () => {
      if (!existsSync(DOCS)) return
      const docs = readFileSync(DOCS, 'utf8')
      const block = /## A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs)?.[1]
      expect(block).toBeDefined()
      expect(parse(EXAMPLE)).toEqual(parse(block!))
    })

    it('is the document the evaluator tests use', () => {
      const result = loadModel(EXAMPLE)
      expect(result.ok && result.model).toEqual(exampleModel)
      expect(validateModel(exampleModel)).toEqual([])
    })

    it('comes back deep-frozen', () => {
      const result = loadModel(EXAMPLE)
      if (!result.ok) throw new Error('the example does not load')
      const rule = result.model.engagement?.groups[0]?.rules[0]
      expect(Object.isFrozen(result.model)).toBe(true)
      expect(Object.isFrozen(rule)).toBe(true)
      expect(Object.isFrozen(rule?.when)).toBe(true)
      expect(Object.isFrozen(result.model.stages)).toBe(true)
    })
  })

  describe('results', () => {
    it('a usable model keeps its warnings', () => {
      const result = loadModel(SMALL.replace('max: 40', 'max: 40\n  grades: { A: 10, B: 20 }'))
      expect(result).toMatchObject({ ok: true, warnings: [{ code: 'thresholds-not-descending' }] })
    })

    it('an unusable model reports its errors and its warnings, each in source order', () => {
      const source = `${SMALL.replace('max: 40', 'max: 40\n  grades: { A: 10, B: 20 }')}bands: [ { id: a }, { id: b }, { id: a } ]\n`
      const result = loadModel(source)
      expect(result).toMatchObject({
        ok: false,
        errors: [{ code: 'duplicate-id', ...at(source, 'a }', 2) }],
        warnings: [
          { code: 'thresholds-not-descending', line: 5 },
          { code: 'unreachable-entry', ...at(source, '{ id: b') },
          { code: 'unreachable-entry', ...at(source, '{ id: a', 2) },
        ],
      })
    })

    it('reuses YAML anchors', () => {
      const source = `${SMALL}segments:\n  - { id: a, when: &us { country: US } }\n  - { id: b, when: *us }\n`
      expect(loadModel(source)).toMatchObject({ ok: true })
    })
  })

  describe('YAML syntax errors carry their position', () => {
    it('duplicate keys', () => {
      const source = 'format: leadscore/v1\nid: test\nfit:\n  max: 40\n  max: 50\n  groups: []\n'
      expect(errorsOf(loadModel(source))).toEqual([
        {
          severity: 'error',
          code: 'duplicate-key',
          path: 'fit.max',
          line: 5,
          column: 3,
          message: 'duplicate key `max`',
          hint: 'a key may appear once in a map: merge the two entries or remove one',
        },
      ])
    })

    it('a backslash escape in double quotes', () => {
      const source = `${SMALL}segments:\n  - { id: a, when: { phone: { matches: "\\d+" } } }\n`
      expect(errorsOf(loadModel(source))).toEqual([
        {
          severity: 'error',
          code: 'yaml-syntax',
          path: 'segments[0].when.phone.matches',
          ...at(source, '\\d'),
          message: 'invalid escape sequence \\d',
          hint: "in double quotes a backslash starts an escape sequence; write regular expressions in single quotes: `matches: '\\d+'`",
        },
      ])
    })

    it.each([
      ['tabs', 'format: leadscore/v1\nfit:\n\tmax: 1\n', 3, 1, 'indent with spaces, not tabs'],
      [
        'a second document',
        'format: leadscore/v1\n---\nid: x\n',
        2,
        1,
        'a model file holds one document: remove the `---` line or split the file',
      ],
      [
        'an unclosed list',
        'format: leadscore/v1\nfit: { max: 10, groups: [\n',
        3,
        1,
        expect.stringContaining('closing'),
      ],
      [
        'bad indentation',
        'format: leadscore/v1\nfit:\n  max: 10\n   groups: []\n',
        3,
        8,
        expect.stringContaining('indentation'),
      ],
    ])('%s', (_name, source, line, column, hint) => {
      const [first] = errorsOf(loadModel(source))
      expect(first).toMatchObject({ severity: 'error', code: 'yaml-syntax', line, column, hint })
    })

    it('reports the first error of a line only', () => {
      const errors = errorsOf(loadModel('- 1\n-2\n  bad: x\n'))
      expect(errors.map((e) => e.line)).toEqual([2])
    })

    it('an alias without its anchor', () => {
      const source = `${SMALL}segments:\n  - { id: b, when: *us }\n`
      expect(errorsOf(loadModel(source))).toEqual([
        {
          severity: 'error',
          code: 'unresolved-alias',
          path: 'segments[0].when',
          ...at(source, '*us'),
          message: 'this alias names no anchor defined before it',
          hint: 'define the anchor first (`&name` on the node to reuse), then refer to it with `*name`',
        },
      ])
    })

    it('an empty document', () => {
      for (const source of ['', '\n', '# just a comment\n']) {
        expect(errorsOf(loadModel(source))).toEqual([
          {
            severity: 'error',
            code: 'empty-model',
            path: '',
            line: 1,
            column: 1,
            message: 'the model is empty',
            hint: 'start with `format: leadscore/v1` and an `id:`, then add `fit:` and `engagement:`',
          },
        ])
      }
    })
  })

  describe('JSON', () => {
    const json = (rule: string, trailer = '') =>
      [
        '{',
        '  "format": "leadscore/v1",',
        '  "id": "test",',
        '  "fit": {',
        '    "max": 40,',
        `    "groups": [ { "id": "who", "rules": [ ${rule} ] } ]`,
        `  }${trailer}`,
        '}',
        '',
      ].join('\n')

    it('loads JSON, with positions for every issue', () => {
      expect(
        loadModel(json('{ "when": { "title": "vp" }, "points": 10 }'), { filename: 'model.json' }),
      ).toMatchObject({
        ok: true,
      })
      const source = json('{ "when": { "title": "vp" }, "pionts": 10 }')
      expect(errorsOf(loadModel(source, { filename: 'model.json' }))).toEqual([
        expect.objectContaining({
          code: 'unknown-key',
          path: 'fit.groups[0].rules[0].pionts',
          ...at(source, '"pionts"'),
        }),
      ])
    })

    it('detects JSON by its first character too', () => {
      const source = json('{ "when": { "title": "vp" }, "points": "ten" }')
      expect(errorsOf(loadModel(source))).toEqual([
        expect.objectContaining({ code: 'invalid-type', ...at(source, '"ten"') }),
      ])
    })

    it('is strict JSON for a .json file or format: json', () => {
      const source = json('{ "when": { "title": "vp" }, "points": 10 }', ',')
      expect(loadModel(source)).toMatchObject({ ok: true })
      const expected = {
        severity: 'error',
        code: 'json-syntax',
        path: '',
        line: 8,
        column: 1,
        message: 'invalid JSON: expected double-quoted property name',
        hint: 'JSON allows no trailing commas and no comments, and needs double quotes around every name and text; YAML is more forgiving: save the model as .yaml',
      }
      expect(errorsOf(loadModel(source, { filename: 'model.json' }))).toEqual([expected])
      expect(errorsOf(loadModel(source, { format: 'json' }))).toEqual([expected])
    })

    it('reports duplicate keys, which JSON.parse would silently merge', () => {
      const source = '{ "format": "leadscore/v1", "id": "a", "id": "b" }'
      expect(errorsOf(loadModel(source, { format: 'json' }))).toEqual([
        expect.objectContaining({ code: 'duplicate-key', path: 'id', ...at(source, '"id"', 2) }),
      ])
    })

    it('YAML flow style that starts with a brace is still YAML', () => {
      expect(loadModel('{ format: leadscore/v1, id: x, fit: { max: 10, groups: [] } }')).toMatchObject({
        ok: true,
      })
      expect(
        loadModel('{ format: leadscore/v1, id: x, fit: { max: 10, groups: [] } }', { format: 'yaml' }),
      ).toMatchObject({
        ok: true,
      })
    })
  })

  describe('properties', () => {
    it('every generated model survives a JSON round trip unchanged', () => {
      fc.assert(
        fc.property(modelArb, (doc) => {
          const result = loadModel(JSON.stringify(doc, null, 2), { filename: 'model.json' })
          expect(result).toMatchObject({ ok: true })
          expect(result.ok && result.model).toEqual(doc)
        }),
        { numRuns: 100 },
      )
    })

    it('never throws, whatever the input, and positions are 1-based', () => {
      const check = (source: string) => {
        const result = loadModel(source)
        for (const issue of [...(result.ok ? [] : result.errors), ...result.warnings]) {
          if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1)
          if (issue.column !== undefined) expect(issue.column).toBeGreaterThanOrEqual(1)
          expect(issue.message).not.toBe('')
        }
      }
      fc.assert(fc.property(fc.string(), check), { numRuns: 300 })
      fc.assert(
        fc.property(fc.jsonValue(), (value) => check(JSON.stringify(value))),
        { numRuns: 300 },
      )
      fc.assert(
        fc.property(fc.jsonValue(), (value) =>
          check(JSON.stringify({ format: 'leadscore/v1', id: 'x', fit: value })),
        ),
        { numRuns: 300 },
      )
    })
  })
})
