/**
 * The error for an output that cannot be written.
 * @module
 */

/** An output file or stream that cannot be written; `hint` says what to do. */
export class OutputFileError extends Error {
  /** The path, or `<stream>`. */
  readonly file: string
  readonly hint: string

  constructor(file: string, problem: string, hint: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options)
    this.name = 'OutputFileError'
    this.file = file
    this.hint = hint
  }
}
