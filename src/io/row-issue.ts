/**
 * Bad rows: what is wrong with one row of an input file, and the strict-mode error.
 * @module
 */
import { InputFileError } from './input-file-error.js'

/** What is wrong with a row. */
export type RowIssueKind =
  /** A CSV row with more or fewer fields than the header has columns. */
  | 'column-count'
  /** A CSV field with text after its closing quote (`"a"b`). */
  | 'text-after-quote'
  /** The file ends inside a quoted field. */
  | 'unterminated-quote'
  /** An NDJSON line that is not valid JSON. */
  | 'bad-json'
  /** An NDJSON line that is valid JSON but not an object. */
  | 'not-an-object'
  /** An NDJSON `properties` member that is not an object. */
  | 'bad-properties'
  /** No id (contact, account or the event's contact), or an empty one. */
  | 'missing-id'
  /** An id that is not a string or a number (NDJSON). */
  | 'bad-id'
  /** An event without a name. */
  | 'missing-event'
  /** An event without a time. */
  | 'missing-time'
  /** An event time that is neither ISO-8601 nor epoch milliseconds. */
  | 'bad-time'
  /** A row the service refused when importing it (e.g. a message over 32 KB). */
  | 'rejected'

/**
 * What is wrong with a row, finer than its {@link RowIssueKind}: one code per message the
 * readers write, stable across versions and languages (programs and translations key on it).
 */
export type RowIssueCode =
  | 'column-count'
  | 'text-after-quote'
  | 'unterminated-quote'
  | 'bad-json'
  | 'not-an-object'
  | 'bad-properties'
  | 'empty-id'
  | 'no-id'
  | 'bad-id'
  | 'empty-event'
  | 'no-event'
  | 'event-not-text'
  | 'empty-time'
  | 'no-time'
  | 'bad-time'
  | 'rejected'

/**
 * The values a {@link RowIssueCode}'s message is made of. `what` is the id at fault
 * (`contact`, `account` or `event`); `names` the columns or members looked for, in order;
 * `type` the JSON type found (`null`, `array`, `object`, `string`, `number`, `boolean`).
 */
export type RowIssueParams = Readonly<Record<string, string | number | readonly string[]>>

/** One bad row: where it is, what is wrong and what to do. */
export interface RowIssue {
  /** The path as it was given. */
  readonly file: string
  /** The 1-based line the row starts on. */
  readonly line: number
  readonly kind: RowIssueKind
  /** The column (CSV) or member (NDJSON) at fault, when there is one. */
  readonly field?: string
  /** What is wrong, e.g. `cannot read time "03/01/2024" in column "timestamp"`. */
  readonly problem: string
  /** What to do about it. */
  readonly hint: string
  /** One line for people: `file:line: problem; hint`. */
  readonly message: string
  /** Which message `problem` and `hint` are; undefined for a text this module does not know. */
  readonly code: RowIssueCode | undefined
  /** The values of that message (with `code`). */
  readonly params: RowIssueParams | undefined
}

/**
 * Builds a {@link RowIssue}. A refused row's `reason` value is the `problem`, unless `reason`
 * gives it (the service's reason said in the user's language).
 */
export function rowIssue(
  file: string,
  line: number,
  kind: RowIssueKind,
  problem: string,
  hint: string,
  field?: string,
  reason?: string,
): RowIssue {
  return new Issue(file, line, kind, problem, hint, field, reason)
}

/**
 * A row issue whose `code` and `params` are worked out when first read: a file can have
 * millions of bad rows, and only the few shown need them.
 */
class Issue implements RowIssue {
  readonly file: string
  readonly line: number
  readonly kind: RowIssueKind
  declare readonly field?: string
  readonly problem: string
  readonly hint: string
  readonly message: string
  #known: { readonly code: RowIssueCode; readonly params: RowIssueParams } | null | undefined
  readonly #reason: string | undefined

  constructor(
    file: string,
    line: number,
    kind: RowIssueKind,
    problem: string,
    hint: string,
    field: string | undefined,
    reason: string | undefined,
  ) {
    this.file = file
    this.line = line
    this.kind = kind
    if (field !== undefined) (this as { field?: string }).field = field
    this.problem = problem
    this.hint = hint
    this.message = `${file}:${line}: ${problem}; ${hint}`
    this.#reason = reason
  }

  #recognised(): { readonly code: RowIssueCode; readonly params: RowIssueParams } | null {
    if (this.#known === undefined)
      this.#known =
        this.kind === 'rejected'
          ? { code: 'rejected', params: { reason: this.#reason ?? this.problem } }
          : (recognise(this.problem) ?? null)
    return this.#known
  }

  get code(): RowIssueCode | undefined {
    return this.#recognised()?.code
  }

  get params(): RowIssueParams | undefined {
    return this.#recognised()?.params
  }

  toJSON(): object {
    const { code, params } = this
    return { ...this, ...(code === undefined ? {} : { code, params }) }
  }
}

/** The ids the readers name (`contact id`, `account id`, `event id`) as `what`. */
const WHAT = '(contact|account|event) id'
/** A member or column: `"userId"`, or `"userId", "user_id" or "contact_id"` (as `orList` writes it). */
const WHERE = '((?:"[^"]*")(?:(?:, | or )"[^"]*")*)'
/** What `describeJson` says of a value: `null`, `an array`, `a string`, ... */
const TYPE = '(null|an? \\w+)'

type Known = readonly [RegExp, RowIssueCode, (m: RegExpExecArray) => RowIssueParams]

/**
 * The readers' problem texts (src/io's wording, one pattern each) and the values in them.
 * `row-issue.test.ts` reads a bad row of every kind through the readers, so a text changed
 * there without its pattern here fails a test.
 */
const KNOWN: readonly Known[] = [
  [
    /^(\d+) fields where the header has (\d+) columns$/,
    'column-count',
    (m) => ({ fields: Number(m[1]), columns: Number(m[2]) }),
  ],
  [/^text after the closing quote of field (\d+)(?: \("(.*)"\))?$/s, 'text-after-quote', (m) => field(m)],
  [
    /^field (\d+)(?: \("(.*)"\))? opens a quote that is never closed$/s,
    'unterminated-quote',
    (m) => field(m),
  ],
  [/^invalid JSON \((.*)\)$/s, 'bad-json', (m) => ({ detail: m[1]! })],
  [new RegExp(`^${TYPE}, not a JSON object$`), 'not-an-object', (m) => ({ type: typeOf(m[1]!) })],
  [
    new RegExp(`^"properties" is ${TYPE}, not an object$`),
    'bad-properties',
    (m) => ({ type: typeOf(m[1]!) }),
  ],
  [new RegExp(`^empty ${WHAT} in column "(.*)"$`, 's'), 'empty-id', (m) => ({ what: m[1]!, column: m[2]! })],
  [new RegExp(`^no ${WHAT} \\(${WHERE}\\)$`, 's'), 'no-id', (m) => ({ what: m[1]!, names: names(m[2]!) })],
  [
    new RegExp(`^the ${WHAT} ${WHERE} is ${TYPE}$`, 's'),
    'bad-id',
    (m) => ({ what: m[1]!, names: names(m[2]!), type: typeOf(m[3]!) }),
  ],
  [/^empty event name in column "(.*)"$/s, 'empty-event', (m) => ({ column: m[1]! })],
  [new RegExp(`^no event name \\(${WHERE}\\)$`, 's'), 'no-event', (m) => ({ names: names(m[1]!) })],
  [
    new RegExp(`^the event name ${WHERE} is (\\w+), not a string$`, 's'),
    'event-not-text',
    (m) => ({ names: names(m[1]!), type: m[2]! }),
  ],
  [/^empty time in column "(.*)"$/s, 'empty-time', (m) => ({ column: m[1]! })],
  [new RegExp(`^no time \\(${WHERE}\\)$`, 's'), 'no-time', (m) => ({ names: names(m[1]!) })],
  [/^cannot read time (.*) in (?:column )?"(.*)"$/s, 'bad-time', (m) => ({ value: m[1]!, column: m[2]! })],
]

function recognise(problem: string): { code: RowIssueCode; params: RowIssueParams } | undefined {
  for (const [pattern, code, params] of KNOWN) {
    const match = pattern.exec(problem)
    if (match) return { code, params: params(match) }
  }
  return undefined
}

const field = (m: RegExpExecArray): RowIssueParams =>
  m[2] === undefined ? { field: Number(m[1]) } : { field: Number(m[1]), column: m[2] }

/** `"a", "b" or "c"` → `[a, b, c]`. */
const names = (where: string): string[] => [...where.matchAll(/"([^"]*)"/g)].map((m) => m[1]!)

/** `an array` → `array`, `a number` → `number`, `null` → `null`. */
const typeOf = (described: string): string => described.replace(/^an? /, '')

/** Thrown in strict mode at the first bad row. */
export class BadRowError extends InputFileError {
  readonly issue: RowIssue
  constructor(issue: RowIssue) {
    super(issue.file, issue.line, issue.problem, issue.hint)
    this.name = 'BadRowError'
    this.issue = issue
  }
}
