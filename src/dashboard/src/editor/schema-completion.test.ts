import { describe, expect, it } from 'vitest'
import { modelJsonSchema } from '../../../core/model/index.js'
import { keysAt, valuesAt } from './schema-completion.js'
import { yamlPathAt } from './yaml-path.js'

const schema = modelJsonSchema()

function pathAtEnd(source: string): string[] {
  const lines = source.split('\n')
  return yamlPathAt(lines, lines.length - 1, lines[lines.length - 1]!)
}

describe('YAML path at the cursor', () => {
  it.each([
    ['top level', 'format: leadscore/v1\n', []],
    ['inside a mapping', 'fit:\n  max: 40\n  ', ['fit']],
    ['a new list item', 'fit:\n  groups:\n    - ', ['fit', 'groups', '[]']],
    ['a key of a list item', 'fit:\n  groups:\n    - id: a\n      ', ['fit', 'groups', '[]']],
    [
      'nested lists, past comments and blank lines',
      'engagement:\n  groups:\n    - id: web\n      rules:\n        # pages\n\n        - id: pricing\n          ',
      ['engagement', 'groups', '[]', 'rules', '[]'],
    ],
    [
      'back out to a shallower key',
      'fit:\n  groups:\n    - id: a\nbands:\n  - id: hot\n    ',
      ['bands', '[]'],
    ],
  ])('%s', (_name, source, expected) => {
    expect(pathAtEnd(source)).toEqual(expected)
  })
})

describe('schema completion', () => {
  const labels = (path: string[]) => keysAt(schema, path).map((c) => c.label)

  it('offers the keys that fit where the cursor is, with their documentation', () => {
    expect(labels([])).toEqual(
      expect.arrayContaining(['format', 'id', 'fit', 'engagement', 'bands', 'stages']),
    )
    expect(labels(['fit'])).toEqual(expect.arrayContaining(['max', 'groups']))
    expect(labels(['engagement', 'groups', '[]', 'rules', '[]'])).toEqual(
      expect.arrayContaining(['id', 'label', 'when', 'points']),
    )
    expect(labels(['fit', 'nothing-here'])).toEqual([])
    expect(keysAt(schema, []).find((c) => c.label === 'fit')?.apply).toBe('fit: ')
  })

  it('offers the allowed values of a key with an enum', () => {
    expect(valuesAt(schema, [], 'format').map((c) => c.label)).toEqual(['leadscore/v1'])
    expect(
      valuesAt(schema, ['fit', 'groups', '[]'], 'mode')
        .map((c) => c.label)
        .sort(),
    ).toEqual(['first', 'sum'])
  })
})
