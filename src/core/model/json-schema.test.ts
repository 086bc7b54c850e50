import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { modelArb } from '../test-support/arbitraries.js'
import { MODEL_SCHEMA_ID, modelJsonSchema } from './json-schema.js'

type Schema = Record<string, unknown>

/**
 * A small JSON Schema validator for the keywords the generated schema uses (no dependency):
 * returns the paths that fail.
 */
function check(root: Schema, schema: Schema, value: unknown, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = (root.$defs as Record<string, Schema>)[schema.$ref.replace('#/$defs/', '')]
    if (target === undefined) return [`${path}: unresolved ${schema.$ref}`]
    return check(root, target, value, path)
  }
  const fails: string[] = []
  const fail = (why: string) => fails.push(`${path}: ${why}`)
  const type = schema.type as string | string[] | undefined
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type]
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value === 'object'
              ? 'object'
              : typeof value
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) fail(`not ${types}`)
  }
  if ('const' in schema && schema.const !== value) fail(`not ${String(schema.const)}`)
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail('not in enum')
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum')
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum')
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      fail('not above minimum')
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('too short')
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) fail('no match')
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      fails.push(...check(root, schema.items as Schema, item, `${path}[${i}]`))
    })
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) fail(`missing ${key}`)
    const count = Object.keys(object).length
    if (typeof schema.minProperties === 'number' && count < schema.minProperties) fail('too few keys')
    if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) fail('too many keys')
    for (const [key, inner] of Object.entries(object)) {
      if (schema.propertyNames !== undefined)
        fails.push(...check(root, schema.propertyNames as Schema, key, `${path}.${key}`))
      const sub = properties[key]
      if (sub !== undefined) fails.push(...check(root, sub, inner, `${path}.${key}`))
      else if (schema.additionalProperties === false) fail(`unknown key ${key}`)
      else if (typeof schema.additionalProperties === 'object') {
        fails.push(...check(root, schema.additionalProperties as Schema, inner, `${path}.${key}`))
      }
    }
  }
  if (
    Array.isArray(schema.anyOf) &&
    !schema.anyOf.some((s: Schema) => check(root, s, value, path).length === 0)
  ) {
    fail('matches no alternative of anyOf')
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((s: Schema) => check(root, s, value, path).length === 0).length
    if (matching !== 1) fail(`matches ${matching} alternatives of oneOf`)
  }
  return fails
}

const EXAMPLE = parse(readFileSync(new URL('./fixtures/example.yaml', import.meta.url), 'utf8'))

describe('modelJsonSchema', () => {
  const schema = modelJsonSchema()

  it('is a draft 2020-12 schema with an id, a title and a description', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: MODEL_SCHEMA_ID,
      title: 'Leadscore scoring model (leadscore/v1)',
      type: 'object',
      required: ['format', 'id'],
      additionalProperties: false,
    })
    expect(typeof schema.description).toBe('string')
  })

  it('describes the main keys, for hover documentation', () => {
    const properties = schema.properties as Record<string, Schema>
    for (const key of [
      'format',
      'id',
      'fit',
      'engagement',
      'bands',
      'stages',
      'journey',
      'segments',
      'accounts',
    ]) {
      expect(properties[key]?.description, key).toEqual(expect.any(String))
    }
    expect(properties.format).toMatchObject({ const: 'leadscore/v1' })
  })

  it('names the shared parts in $defs; a condition allows any field name', () => {
    const defs = schema.$defs as Record<string, Schema>
    expect(Object.keys(defs)).toEqual(
      expect.arrayContaining([
        'Condition',
        'FieldTest',
        'Operators',
        'HistoryTest',
        'Decay',
        'FitRule',
        'EngagementRule',
      ]),
    )
    expect(Object.keys(defs).some((name) => name.startsWith('__'))).toBe(false)
    expect(defs.Condition).toMatchObject({
      type: 'object',
      properties: { all: { type: 'array' }, not: { $ref: '#/$defs/Condition' } },
      additionalProperties: { $ref: '#/$defs/FieldTest' },
    })
    expect(defs.Operators).toMatchObject({ additionalProperties: false })
  })

  it('accepts the complete example and every generated model', () => {
    expect(check(schema, schema, EXAMPLE)).toEqual([])
    fc.assert(
      fc.property(modelArb, (doc) => {
        expect(check(schema, schema, JSON.parse(JSON.stringify(doc)))).toEqual([])
      }),
      { numRuns: 50 },
    )
  })

  it('rejects unknown keys, wrong types and incomplete decays, as editors should show', () => {
    expect(check(schema, schema, { ...EXAMPLE, colour: 'red' })).toEqual(['$: unknown key colour'])
    const rule = { when: { event: 'page' }, points: 'ten', decay: { halfLifeDays: 30, linearDays: 9 } }
    const doc = {
      format: 'leadscore/v1',
      id: 'x',
      engagement: { max: 1, groups: [{ id: 'g', rules: [rule] }] },
    }
    expect(check(schema, schema, doc)).toEqual([
      '$.engagement.groups[0].rules[0].points: not number',
      '$.engagement.groups[0].rules[0].decay: matches no alternative of anyOf',
    ])
  })

  it('is a fresh object each time', () => {
    const first = modelJsonSchema()
    first.title = 'changed'
    expect(modelJsonSchema().title).toBe('Leadscore scoring model (leadscore/v1)')
  })
})
