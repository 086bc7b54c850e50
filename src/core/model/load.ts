/**
 * Loading a scoring model from its source text (YAML or JSON): parse, check the structure, check
 * the meaning, and report every problem at its line and column. Pure: the caller reads the file.
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
} from 'yaml'
import {
  compareIssues,
  type Issue,
  type IssueDraft,
  type Locate,
  makeIssue,
  type PathSegment,
  type Position,
} from './issue.js'
import { modelSchema, schemaIssues } from './schema.js'
import { jsonProblem } from './syntax-problems.js'
import type { ModelDocument } from './types.js'
import { validateModel } from './validate.js'

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** The file the source came from; `.json` selects strict JSON. Only used to pick the format. */
  readonly filename?: string
  /** Force a format. By default: JSON for a `.json` file, else YAML (of which JSON is a subset). */
  readonly format?: 'yaml' | 'json'
}

/**
 * The outcome of {@link loadModel}: the validated, deep-frozen model and its warnings, or the
 * errors that make it unusable (and the warnings found so far). Issues are in source order.
 */
export type LoadResult =
  | { ok: true; model: ModelDocument; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] }

/**
 * Parses and validates a scoring model. Every issue carries the path of the offending node and,
 * when the source has it, its 1-based line and column.
 *
 * @example
 * const result = loadModel(text, { filename: 'model.yaml' })
 * if (!result.ok) for (const issue of result.errors) console.error(formatIssue(issue, 'model.yaml'))
 */
export function loadModel(source: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false })
  const locate = locator(doc, lines)
  const warnings = doc.warnings.map((warning) => syntaxIssue(warning, doc, lines, 'warning'))

  if (strictJson(source, options)) {
    const error = jsonError(source, lines, doc)
    if (error !== undefined) return { ok: false, errors: [error], warnings }
  }
  const errors = syntaxErrors(doc, lines)
  if (errors.length > 0) return { ok: false, errors, warnings }

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (error) {
    return { ok: false, errors: [aliasError(error, doc, locate)], warnings }
  }
  if (data === null || data === undefined) {
    const error = withPosition(
      makeIssue({
        code: 'empty-model',
        path: [],
        message: 'the model is empty',
        hintKey: 'hint.empty-model',
        hint: 'start with `format: leadscore/v1` and an `id:`, then add `fit:` and `engagement:`',
      }),
      { line: 1, col: 1 },
    )
    return { ok: false, errors: [error], warnings }
  }

  const parsed = modelSchema.safeParse(data)
  if (!parsed.success) return { ok: false, errors: schemaIssues(parsed.error.issues, data, locate), warnings }
  const found = validateModel(parsed.data, { locate })
  const allWarnings = [...warnings, ...found.filter((i) => i.severity === 'warning')].sort(compareIssues)
  const semanticErrors = found.filter((i) => i.severity === 'error').sort(compareIssues)
  if (semanticErrors.length > 0) return { ok: false, errors: semanticErrors, warnings: allWarnings }
  return { ok: true, model: deepFreeze(parsed.data), warnings: allWarnings }
}

function strictJson(source: string, options: LoadOptions): boolean {
  if (options.format !== undefined) return options.format === 'json'
  if (options.filename?.toLowerCase().endsWith('.json')) return true
  // a source that starts with `{` is most likely JSON; when it is not, it may still be YAML flow style
  return source.trimStart().startsWith('{') && jsonParses(source)
}

function jsonParses(source: string): boolean {
  try {
    JSON.parse(source)
    return true
  } catch {
    return false
  }
}

/** Strict JSON: YAML accepts trailing commas, comments and bare words that JSON tools reject. */
function jsonError(source: string, lines: LineCounter, doc: Document): Issue | undefined {
  try {
    JSON.parse(source)
    return undefined
  } catch (error) {
    const text = (error as Error).message
    const offset = /at position (\d+)/.exec(text)?.[1]
    const at = offset === undefined ? doc.errors[0]?.pos[0] : Number(offset)
    // without a position, the excerpt of the source in the message is the only clue: keep it
    const reason = text.replace(/ in JSON at position \d+.*$/s, '').replace(/^./, (c) => c.toLowerCase())
    const issue = makeIssue({
      code: 'json-syntax',
      path: at === undefined ? [] : pathAt(doc, at),
      message: `invalid JSON: ${reason}`,
      params: { detail: reason, jsonProblem: jsonProblem(text) },
      hintKey: 'hint.json-syntax',
      hint: 'JSON allows no trailing commas and no comments, and needs double quotes around every name and text; YAML is more forgiving: save the model as .yaml',
    })
    return at === undefined ? issue : withPosition(issue, lines.linePos(at))
  }
}

/** YAML errors at a node the parser read correctly, so the path of the issue can be trusted. */
const PATH_IS_SOUND = new Set([
  'DUPLICATE_KEY',
  'BAD_DQ_ESCAPE',
  'BAD_ALIAS',
  'TAG_RESOLVE_FAILED',
  'BAD_SCALAR_START',
])

const YAML_MESSAGES: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document',
  BLOCK_AS_IMPLICIT_KEY:
    'a map cannot start on the same line as another key (or this line is indented too far)',
}

const YAML_HINTS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'a key may appear once in a map: merge the two entries or remove one',
  BAD_DQ_ESCAPE:
    "in double quotes a backslash starts an escape sequence; write regular expressions in single quotes: `matches: '\\d+'`",
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT:
    'check the indentation: the entries of one map or list start at the same column, and `[` `{` need their closing `]` `}`',
  MULTIPLE_DOCS: 'a model file holds one document: remove the `---` line or split the file',
  BLOCK_AS_IMPLICIT_KEY:
    'check the indentation: keys of one map start at the same column; a nested map goes on the next lines, indented, or in braces: `when: { event: page }`',
  MULTILINE_IMPLICIT_KEY:
    'a key must fit on one line: look for a missing `:` or an unclosed quote just before',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  BAD_SCALAR_START: 'a value cannot start with this character: put the value in quotes',
  BLOCK_IN_FLOW:
    'inside `{ }` or `[ ]`, keep the entries in flow style (`a: 1, b: 2`) or switch to indented lines',
  UNEXPECTED_TOKEN: 'look for a missing `:`, `-`, quote or bracket on this line or the one before',
  BAD_ALIAS: 'an alias (`*name`) needs an anchor (`&name`) defined before it',
}

/** The message catalog's key of each YAML hint. */
const YAML_HINT_KEYS = {
  DUPLICATE_KEY: 'hint.yaml.duplicate-key',
  BAD_DQ_ESCAPE: 'hint.yaml.bad-dq-escape',
  TAB_AS_INDENT: 'hint.yaml.tab-as-indent',
  BAD_INDENT: 'hint.yaml.bad-indent',
  MULTIPLE_DOCS: 'hint.yaml.multiple-docs',
  BLOCK_AS_IMPLICIT_KEY: 'hint.yaml.block-as-implicit-key',
  MULTILINE_IMPLICIT_KEY: 'hint.yaml.multiline-implicit-key',
  MISSING_CHAR: 'hint.yaml.missing-char',
  BAD_SCALAR_START: 'hint.yaml.bad-scalar-start',
  BLOCK_IN_FLOW: 'hint.yaml.block-in-flow',
  UNEXPECTED_TOKEN: 'hint.yaml.unexpected-token',
  BAD_ALIAS: 'hint.yaml.bad-alias',
  OTHER: 'hint.yaml',
} as const

/** YAML syntax errors, the first of each line (the rest of a line usually follows from the first). */
function syntaxErrors(doc: Document, lines: LineCounter): Issue[] {
  const seen = new Set<number>()
  const issues: Issue[] = []
  for (const error of doc.errors) {
    const issue = syntaxIssue(error, doc, lines, 'error')
    if (issue.line !== undefined && seen.has(issue.line)) continue
    if (issue.line !== undefined) seen.add(issue.line)
    issues.push(issue)
  }
  return issues
}

function syntaxIssue(
  error: YAMLError,
  doc: Document,
  lines: LineCounter,
  severity: 'error' | 'warning',
): Issue {
  // the document around a structural error is a guess of the parser: name the path only when it is sound
  const path = PATH_IS_SOUND.has(error.code) ? pathAt(doc, error.pos[0]) : []
  const duplicate = error.code === 'DUPLICATE_KEY'
  const message = duplicate
    ? `duplicate key \`${String(path.at(-1) ?? '')}\``
    : (YAML_MESSAGES[error.code] ?? error.message.split('\n')[0]!.replace(/^./, (c) => c.toLowerCase()))
  const hint = Object.hasOwn(YAML_HINTS, error.code) ? error.code : 'OTHER'
  const draft: IssueDraft = {
    severity,
    code: duplicate ? 'duplicate-key' : severity === 'error' ? 'yaml-syntax' : 'yaml-warning',
    path,
    message,
    // the YAML parser's own message (English) is `detail`, unless Leadscore words it (`yamlCode`)
    params: duplicate ? { key: String(path.at(-1) ?? '') } : { yamlCode: error.code, detail: message },
    hint: YAML_HINTS[error.code] ?? 'check the YAML syntax at this position',
    hintKey: YAML_HINT_KEYS[hint as keyof typeof YAML_HINT_KEYS] ?? 'hint.yaml',
  }
  return withPosition(makeIssue(draft), lines.linePos(error.pos[0]))
}

function aliasError(error: unknown, doc: Document, locate: Locate): Issue {
  let path: PathSegment[] = []
  const find = (node: unknown, at: PathSegment[]): boolean => {
    if (isAlias(node)) {
      if (node.resolve(doc) !== undefined) return false
      path = at
      return true
    }
    if (isMap(node)) return node.items.some((pair) => find(pair.value, [...at, keyText(pair.key)]))
    if (isSeq(node)) return node.items.some((item, i) => find(item, [...at, i]))
    return false
  }
  const unresolved = find(doc.contents, [])
  return makeIssue(
    {
      code: unresolved ? 'unresolved-alias' : 'yaml-syntax',
      path,
      message: unresolved ? 'this alias names no anchor defined before it' : (error as Error).message,
      params: unresolved
        ? {}
        : {
            yamlCode: /alias/i.test((error as Error).message) ? 'RESOURCE_EXHAUSTION' : 'OTHER',
            detail: (error as Error).message,
          },
      hintKey: unresolved ? 'hint.unresolved-alias' : 'hint.yaml-aliases',
      hint: unresolved
        ? 'define the anchor first (`&name` on the node to reuse), then refer to it with `*name`'
        : 'simplify the anchors and aliases of the document',
    },
    locate,
  )
}

function withPosition(issue: Issue, position: { line: number; col: number }): Issue {
  return { ...issue, line: position.line, column: position.col }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key)
}

function follow(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node
}

/** Finds nodes by path; a missing path resolves to its nearest existing parent. */
function locator(doc: Document, lines: LineCounter): Locate {
  return (path, target = 'value') => {
    let node: unknown = doc.contents
    let key: unknown
    let complete = true
    for (const segment of path) {
      const current = follow(node, doc)
      if (isMap(current)) {
        const pair = current.items.find((p) => keyText(p.key) === String(segment))
        if (pair === undefined) {
          complete = false
          break
        }
        key = pair.key
        node = pair.value ?? pair.key
      } else if (isSeq(current) && typeof segment === 'number' && current.items[segment] !== undefined) {
        key = undefined
        node = current.items[segment]
      } else {
        complete = false
        break
      }
    }
    // a key with an empty value (`when:`) is best shown at the key
    const empty = isScalar(node) && node.value === null && node.source === ''
    const chosen = key !== undefined && complete && (target === 'key' || empty) ? key : node
    const range = (chosen as { range?: readonly number[] } | null)?.range
    if (range?.[0] === undefined) return undefined
    const { line, col } = lines.linePos(range[0])
    return { line, column: col } satisfies Position
  }
}

/** The path of the innermost node at `offset` (for syntax errors, which come with an offset only). */
function pathAt(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = []
  const contains = (node: unknown) => {
    const range = (node as { range?: readonly number[] } | null)?.range
    return range !== undefined && range[0]! <= offset && offset < range[2]!
  }
  let node: unknown = doc.contents
  for (let depth = 0; depth < 100; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => contains(p.key) || contains(p.value))
      if (pair === undefined) break
      path.push(keyText(pair.key))
      if (contains(pair.key)) break
      node = pair.value
    } else if (isSeq(node)) {
      const index = node.items.findIndex(contains)
      if (index < 0) break
      path.push(index)
      node = node.items[index]
    } else {
      break
    }
  }
  return path
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
