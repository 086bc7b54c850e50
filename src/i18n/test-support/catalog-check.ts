import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser'
import { LOCALES } from '../locale.js'

export const CATALOGS = join(import.meta.dirname, '..', 'catalogs')

/** Every domain with an English catalog (`catalogs/en/<domain>.json`). */
export function domains(): string[] {
  return readdirSync(join(CATALOGS, 'en'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
}

export function readCatalog(locale: string, domain: string): Record<string, string> {
  return JSON.parse(readFileSync(join(CATALOGS, locale, `${domain}.json`), 'utf8')) as Record<string, string>
}

/** The argument names a message uses (`{count, plural, ...}` → `count`), sorted. */
export function argumentsOf(message: string): string[] {
  const names = new Set<string>()
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      switch (element.type) {
        case TYPE.argument:
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          names.add(element.value)
          break
        case TYPE.select:
        case TYPE.plural:
          names.add(element.value)
          for (const option of Object.values(element.options)) walk(option.value)
          break
        case TYPE.tag:
          names.add(element.value)
          walk(element.children)
          break
        default:
          break
      }
    }
  }
  walk(parse(message))
  return [...names].sort()
}

/** Problems between a domain's English catalog and another language's: missing, extra, differing arguments. */
export function compareCatalogs(
  en: Record<string, string>,
  other: Record<string, string>,
  label: string,
): string[] {
  const problems: string[] = []
  for (const key of Object.keys(en)) {
    const translated = other[key]
    if (translated === undefined) {
      problems.push(`${label}: missing "${key}"`)
      continue
    }
    const want = argumentsOf(en[key]!).join(',')
    const got = argumentsOf(translated).join(',')
    if (want !== got) problems.push(`${label}: "${key}" uses {${got}} where English uses {${want}}`)
  }
  for (const key of Object.keys(other))
    if (!(key in en)) problems.push(`${label}: "${key}" is not in English`)
  return problems
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name === 'catalogs' || entry.name === 'node_modules' ? [] : sourceFiles(path)
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Keys of a catalog that no shipped source file names as a string literal. */
export function unusedKeys(keys: readonly string[], sourceRoot: string): string[] {
  const text = sourceFiles(sourceRoot)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
  return keys.filter(
    (key) => !text.includes(`'${key}'`) && !text.includes(`"${key}"`) && !text.includes(`\`${key}\``),
  )
}

export const OTHER_LOCALES = LOCALES.filter((l) => l !== 'en')
