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
}

/** Builds a {@link RowIssue}. */
export function rowIssue(
  file: string,
  line: number,
  kind: RowIssueKind,
  problem: string,
  hint: string,
  field?: string,
): RowIssue {
  const message = `${file}:${line}: ${problem}; ${hint}`
  return field === undefined
    ? { file, line, kind, problem, hint, message }
    : { file, line, kind, field, problem, hint, message }
}

/** Thrown in strict mode at the first bad row. */
export class BadRowError extends InputFileError {
  readonly issue: RowIssue
  constructor(issue: RowIssue) {
    super(issue.file, issue.line, issue.problem, issue.hint)
    this.name = 'BadRowError'
    this.issue = issue
  }
}
