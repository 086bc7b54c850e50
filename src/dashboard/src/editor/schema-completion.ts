/**
 * Completion from the model's JSON Schema: the keys that fit where the cursor is (with
 * their documentation), and the allowed values of a key with an enum.
 */
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete'
import { yamlPathAt } from './yaml-path.js'

type Schema = Record<string, unknown>

function deref(schema: Schema, root: Schema): Schema {
  const ref = schema['$ref']
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let node: unknown = root
    for (const part of ref.slice(2).split('/')) node = (node as Schema | undefined)?.[part]
    return node && typeof node === 'object' ? deref(node as Schema, root) : {}
  }
  return schema
}

/** The schema and its alternatives (anyOf, oneOf, allOf), dereferenced. */
function variants(schema: Schema | undefined, root: Schema, depth = 0): Schema[] {
  if (!schema || depth > 8) return []
  const s = deref(schema, root)
  const out = [s]
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    for (const sub of (s[k] as Schema[] | undefined) ?? []) out.push(...variants(sub, root, depth + 1))
  return out
}

/** The schemas at a YAML path. */
export function schemasAt(root: Schema, path: readonly string[]): Schema[] {
  let current = variants(root, root)
  for (const seg of path) {
    const next: Schema[] = []
    for (const s of current) {
      if (seg === '[]') {
        const items = s['items']
        if (items && typeof items === 'object') next.push(...variants(items as Schema, root))
      } else {
        const prop = (s['properties'] as Record<string, Schema> | undefined)?.[seg]
        if (prop) next.push(...variants(prop, root))
      }
    }
    current = next
  }
  return current
}

function describe(s: Schema): string | undefined {
  return typeof s['description'] === 'string' ? s['description'] : undefined
}

/** The keys that may be written in the mapping at `path`. */
export function keysAt(root: Schema, path: readonly string[]): Completion[] {
  const seen = new Map<string, Completion>()
  for (const s of schemasAt(root, path)) {
    const props = s['properties'] as Record<string, Schema> | undefined
    for (const [key, prop] of Object.entries(props ?? {})) {
      if (seen.has(key)) continue
      const info = describe(deref(prop, root)) ?? describe(prop)
      seen.set(key, { label: key, apply: `${key}: `, type: 'property', ...(info ? { info } : {}) })
    }
  }
  return [...seen.values()]
}

/** The enum (or const) values allowed for `key` in the mapping at `path`. */
export function valuesAt(root: Schema, path: readonly string[], key: string): Completion[] {
  const values = new Set<string>()
  for (const s of schemasAt(root, [...path, key])) {
    for (const v of (s['enum'] as unknown[] | undefined) ?? []) values.add(String(v))
    if (s['const'] !== undefined) values.add(String(s['const']))
  }
  return [...values].map((v) => ({ label: v, type: 'enum' }))
}

/** A CodeMirror completion source over the schema. */
export function schemaCompletion(root: Schema) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos)
    const before = line.text.slice(0, ctx.pos - line.from)
    if (/#/.test(before)) return null
    const lines = ctx.state.doc.toString().split('\n')
    const value = /^(\s*(?:-\s+)?)([\w.$-]+):\s+([\w-]*)$/.exec(before)
    if (value) {
      const path = yamlPathAt(lines, line.number - 1, value[1]!)
      const options = valuesAt(root, path, value[2]!)
      return options.length ? { from: ctx.pos - value[3]!.length, options, validFor: /^[\w-]*$/ } : null
    }
    const key = /^(\s*(?:-\s+)?)([\w.$-]*)$/.exec(before)
    if (!key || (key[2] === '' && !ctx.explicit)) return null
    const path = yamlPathAt(lines, line.number - 1, key[1]!)
    const options = keysAt(root, path)
    return options.length ? { from: ctx.pos - key[2]!.length, options, validFor: /^[\w.$-]*$/ } : null
  }
}
