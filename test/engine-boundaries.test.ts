import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', 'src')

function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.name === 'test-support') return []
    if (entry.isDirectory()) return shipped(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** Imports that load code at run time (`import type` is erased). */
function runtimeImports(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(?!\s+type\b)[^'"]*?from\s*['"]([^'"]+)['"]/g))
    found.push(m[2]!)
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!)
  return found
}

/** Store modules that open databases: only the composition root (cli/) may load them. */
const ADAPTERS = /store\/(index|open-store|sqlite\/|postgres\/|sql\/)/
/**
 * Worker-thread entry points (`worker.ts`, `*-worker.ts`) are the composition root of their own
 * thread: they open their own connection to the store the process was given.
 */
const THREAD_ENTRY = /(^|[/-])worker\.ts$/

describe('engine and server boundaries', () => {
  it.each(['engine', 'server'])(
    '%s/ depends on the Store interface, never loads a store adapter',
    (layer) => {
      const problems: string[] = []
      for (const file of shipped(join(SRC, layer)).filter((f) => !THREAD_ENTRY.test(f))) {
        for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
          const target = relative(SRC, join(file, '..', spec))
          if (spec.startsWith('.') && ADAPTERS.test(target))
            problems.push(`${relative(SRC, file)} loads ${spec}`)
        }
      }
      expect(problems).toEqual([])
    },
  )

  it('catches a violation', () => {
    expect(THREAD_ENTRY.test('engine/preview/preview-worker.ts')).toBe(true)
    expect(THREAD_ENTRY.test('engine/preview/preview-thread.ts')).toBe(false)
    expect(runtimeImports("import { openStore } from '../store/index.js'")).toEqual(['../store/index.js'])
    expect(runtimeImports("import type { Store } from '../store/index.js'")).toEqual([])
  })
})
