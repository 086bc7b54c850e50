/**
 * Problems found in a model document, with where they are and what to write instead.
 * @module
 */

/** One problem in a model document. */
export interface Issue {
  /** `error`: the model cannot be used. `warning`: it can, but probably does not do what was meant. */
  severity: 'error' | 'warning'
  /** A stable, kebab-case identifier of the kind of problem (`unknown-key`, `duplicate-id`, ...). */
  code: string
  /** Where in the document, e.g. `engagement.groups[1].rules[0].when`; `''` is the whole document. */
  path: string
  /** 1-based line of the offending node in the source, when known. */
  line?: number
  /** 1-based column of the offending node in the source, when known. */
  column?: number
  /** What is wrong, in the user's terms. */
  message: string
  /** What to write instead. */
  hint?: string
  /**
   * The values `message` and `hint` are made of (ids, numbers, names as written), so that they
   * can be said in another language: the message catalog's entry for `code` (and for `hintKey`)
   * takes them as arguments. Kinds of values (`gotKind`, `expectedType`) are words, not text.
   */
  params?: IssueParams
  /** Which hint `hint` is, for the message catalog (`hint.rename-duplicate`, `keyHint.points`, ...). */
  hintKey?: string
}

/** The values of an issue's message and hint: name → value as text. */
export type IssueParams = Readonly<Record<string, string>>

/** One step of a path into the document: a map key or a list index. */
export type PathSegment = string | number

/** A 1-based position in the source text. */
export interface Position {
  readonly line: number
  readonly column: number
}

/**
 * Finds the source position of the node at `path`: the value (default) or, with `'key'`, the key
 * that names it. When the path does not exist, the position of its nearest existing parent.
 */
export type Locate = (path: readonly PathSegment[], target?: 'key' | 'value') => Position | undefined

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/

/**
 * Renders a path the way issues show it: `engagement.groups[1].rules[0].when["account.industry"]`.
 * Keys that are not plain words are quoted in brackets so the path stays unambiguous.
 */
export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

/**
 * Renders an issue for a terminal: `model.yaml:12:9 error fit.groups[0].rules[1].pionts: unknown key …`
 * followed by an indented `hint:` line when the issue has one.
 */
export function formatIssue(issue: Issue, filename?: string): string {
  const where = [filename, issue.line, issue.line === undefined ? undefined : issue.column]
    .filter((part) => part !== undefined && part !== '')
    .join(':')
  const head = `${where === '' ? '' : `${where} `}${issue.severity}${issue.path === '' ? '' : ` ${issue.path}`}`
  const text = `${head}: ${issue.message}`
  return issue.hint === undefined ? text : `${text}\n  hint: ${issue.hint}`
}

/** Orders issues by position (issues without one last), then errors before warnings. */
export function compareIssues(a: Issue, b: Issue): number {
  const line = (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER)
  if (line !== 0) return line
  const column = (a.column ?? 0) - (b.column ?? 0)
  if (column !== 0) return column
  return a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1
}

/**
 * The candidate closest to `word` by edit distance (case-insensitive, transpositions count as one
 * edit), or undefined when none is close enough to be a plausible typo. `aliases` maps words people
 * write instead (`regex`) to the candidate they mean (`matches`).
 */
export function closest(
  word: string,
  candidates: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const lower = word.toLowerCase()
  const alias = Object.hasOwn(aliases, lower) ? aliases[lower] : undefined
  if (alias !== undefined && candidates.includes(alias)) return alias
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const other = candidate.toLowerCase()
    const distance = editDistance(lower, other)
    const longest = Math.max(lower.length, other.length)
    // one- and two-letter words are all one edit apart: only a difference of case counts
    const limit = longest <= 2 ? 0 : Math.max(1, Math.floor(longest / 3))
    const prefix =
      lower.length >= 3 && other.length >= 3 && (other.startsWith(lower) || lower.startsWith(other))
    if ((distance <= limit || prefix) && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `did you mean \`points\`?` for the closest candidate, or undefined (see {@link closest}). */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  aliases?: Readonly<Record<string, string>>,
): string | undefined {
  const match = closest(word, candidates, aliases)
  return match === undefined ? undefined : `did you mean \`${match}\`?`
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const above = rows[i - 1]!
      let value = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1)
      }
      row.push(value)
    }
    rows.push(row)
  }
  return rows[a.length]![b.length]!
}

/** What {@link makeIssue} needs: the issue without its rendered path and position. */
export interface IssueDraft {
  /** Default `error`. */
  readonly severity?: 'error' | 'warning'
  readonly code: string
  readonly path: readonly PathSegment[]
  readonly message: string
  readonly hint?: string | undefined
  readonly params?: IssueParams | undefined
  readonly hintKey?: string | undefined
  /** Point at the key that names the node (unknown keys) rather than at its value. */
  readonly target?: 'key' | 'value'
}

/** Builds an issue: renders its path and, with a `locate`, finds its line and column. */
export function makeIssue(draft: IssueDraft, locate?: Locate): Issue {
  const issue: Issue = {
    severity: draft.severity ?? 'error',
    code: draft.code,
    path: formatPath(draft.path),
    message: draft.message,
  }
  const position = locate?.(draft.path, draft.target)
  if (position !== undefined) {
    issue.line = position.line
    issue.column = position.column
  }
  if (draft.hint !== undefined) issue.hint = draft.hint
  issue.params = draft.params ?? {}
  if (draft.hint !== undefined && draft.hintKey !== undefined) issue.hintKey = draft.hintKey
  return issue
}

/** What kind of value the user wrote (`gotKind`) and the value itself (`got`), for issue params. */
export function valueParams(value: unknown): { gotKind: string; got: string } {
  if (value === undefined) return { gotKind: 'nothing', got: '' }
  if (value === null) return { gotKind: 'null', got: '' }
  if (typeof value === 'string')
    return { gotKind: 'text', got: JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value) }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { gotKind: 'nan', got: '' }
    if (!Number.isFinite(value)) return { gotKind: value > 0 ? 'infinity' : 'minusInfinity', got: '' }
    return { gotKind: 'number', got: String(value) }
  }
  if (typeof value === 'boolean') return { gotKind: 'boolean', got: String(value) }
  if (Array.isArray(value)) return { gotKind: value.length === 0 ? 'emptyList' : 'list', got: '' }
  return { gotKind: 'map', got: '' }
}

/** A short description of a value as the user wrote it: `text "ten"`, `the number 3`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'an empty value'
  if (typeof value === 'string')
    return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan (not a number)'
    if (!Number.isFinite(value)) return value > 0 ? '.inf (infinity)' : '-.inf (minus infinity)'
    return `the number ${value}`
  }
  if (typeof value === 'boolean') return `\`${value}\``
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  return 'a map'
}
