/**
 * Finds English left on a page shown in another language: the words of the English dashboard
 * catalog whose translation differs, looked for in the page's texts (its text nodes, and its
 * aria-labels, titles and placeholders).
 *
 * A message is cut into its literal pieces (the text between `{arguments}`, and each plural or
 * select branch). A piece of two words or more and 10 characters or more is looked for anywhere
 * (as whole words); a shorter piece ("Score", "Rows") only as a whole text of its own, so that
 * people's data ("Company size", a rule's label) never counts. A piece the translated catalog
 * itself uses (Dutch keeps "Engagement", "Lead") is not English left over.
 */
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser'
import type { Catalog } from '../../../i18n/translator.js'

export interface EnglishPiece {
  readonly key: string
  readonly text: string
  /** Looked for inside longer texts (true) or only as a whole text (false). */
  readonly anywhere: boolean
}

/** The literal pieces of an ICU message, trimmed of spaces and punctuation at their ends. */
export function literalPieces(message: string): string[] {
  const pieces: string[] = []
  let current = ''
  const flush = () => {
    const piece = current.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    if (/\p{L}{2,}/u.test(piece)) pieces.push(piece)
    current = ''
  }
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.literal) current += element.value
      else if (element.type === TYPE.plural || element.type === TYPE.select) {
        flush()
        for (const option of Object.values(element.options)) {
          walk(option.value)
          flush()
        }
      } else if (element.type === TYPE.tag) {
        flush()
        walk(element.children)
        flush()
      } else flush()
    }
  }
  walk(parse(message))
  flush()
  return pieces
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const wordPattern = (text: string) =>
  new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(text)}($|[^\\p{L}\\p{N}])`, 'u')

/** The English pieces to look for on a page in the language of `translated`. */
export function englishPieces(en: Catalog, translated: Catalog): EnglishPiece[] {
  const ownTexts = Object.values(translated)
  const out: EnglishPiece[] = []
  const seen = new Set<string>()
  for (const [key, english] of Object.entries(en)) {
    if (translated[key] === english) continue
    for (const text of literalPieces(english)) {
      if (seen.has(text)) continue
      seen.add(text)
      // the translation uses these words too (a product term kept in English)
      if (ownTexts.some((t) => wordPattern(text).test(t))) continue
      out.push({ key, text, anywhere: words(text) >= 2 && text.length >= 10 })
    }
  }
  return out
}

/** Each English piece found in `texts` (a page's text nodes and attributes), with where. */
export function englishLeftovers(
  texts: readonly string[],
  pieces: readonly EnglishPiece[],
): { key: string; english: string; found: string }[] {
  const whole = new Map<string, string>()
  for (const text of texts) whole.set(text.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, ''), text)
  const found: { key: string; english: string; found: string }[] = []
  for (const piece of pieces) {
    const hit = piece.anywhere ? texts.find((t) => wordPattern(piece.text).test(t)) : whole.get(piece.text)
    if (hit !== undefined) found.push({ key: piece.key, english: piece.text, found: hit })
  }
  return found
}

/**
 * A page expression (the server's typecheck has no DOM): the page's texts, one per text node
 * (not in scripts, styles or the model's YAML source, which is the user's), and every
 * aria-label, title and placeholder.
 */
export const PAGE_TEXTS = `(() => {
  const texts = []
  const skip = 'script, style, noscript, .cm-editor'
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = (node.textContent || '').trim()
    if (text !== '' && !(node.parentElement && node.parentElement.closest(skip))) texts.push(text)
  }
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (element.closest(skip)) continue
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = (element.getAttribute(name) || '').trim()
      if (value) texts.push(value)
    }
  }
  return texts
})()`
