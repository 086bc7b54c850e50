import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.name === 'test-support') return [] // test helpers, not shipped
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

function importsOf(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g))
    found.push(m[1]!)
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!)
  return found
}

/** Packages the pure layers may import: parsing, validation and linear-time regular expressions only, no I/O. */
const PURE_PACKAGES = new Set(['zod', 'yaml', 're2js'])
const PURE_LAYERS = ['core', 'predict', 'analysis']
const CLOCK = /\bDate\.now\s*\(|new Date\(\s*\)|performance\.now\s*\(|process\.hrtime|\bprocess\./

describe('architecture', () => {
  const files = sourceFiles(SRC)

  it.each(PURE_LAYERS)('%s/ imports no I/O and reads no clock', (layer) => {
    const problems: string[] = []
    for (const file of files.filter((f) => relative(SRC, f).startsWith(`${layer}/`))) {
      const text = readFileSync(file, 'utf8')
      const rel = relative(SRC, file)
      for (const spec of importsOf(text)) {
        if (spec.startsWith('.')) {
          const target = relative(SRC, join(file, '..', spec))
          if (!PURE_LAYERS.some((l) => target.startsWith(`${l}/`))) problems.push(`${rel} imports ${spec}`)
        } else if (!PURE_PACKAGES.has(spec)) {
          problems.push(`${rel} imports ${spec}`)
        }
      }
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      if (CLOCK.test(code)) problems.push(`${rel} reads the clock or the process`)
    }
    expect(problems).toEqual([])
  })

  it('the checks catch a violation', () => {
    expect(importsOf("import { readFile } from 'node:fs'")).toEqual(['node:fs'])
    expect(CLOCK.test('const t = Date.now()')).toBe(true)
    expect(CLOCK.test('const t = new Date(ts)')).toBe(false)
  })
})
