/**
 * An incremental NDJSON (JSON Lines) reader.
 * @module
 */

/** Why an NDJSON line could not be read. */
export type JsonLineProblem =
  | { readonly kind: 'bad-json'; readonly detail: string }
  | { readonly kind: 'not-an-object'; readonly detail: string }

/** Receives one parsed object and the 1-based line it is on. */
export type JsonObjectHandler = (value: Record<string, unknown>, line: number) => void

/** Receives a line that is not a JSON object. */
export type JsonProblemHandler = (problem: JsonLineProblem, line: number) => void

/**
 * Splits text pushed in chunks into lines and parses each as a JSON object. Blank lines
 * are skipped; CRLF and a leading byte-order mark are accepted.
 */
export class JsonLines {
  readonly #onObject: JsonObjectHandler
  readonly #onProblem: JsonProblemHandler
  #rest = ''
  #line = 1
  #atStart = true

  constructor(onObject: JsonObjectHandler, onProblem: JsonProblemHandler) {
    this.#onObject = onObject
    this.#onProblem = onProblem
  }

  /** Parses every complete line in `chunk` (plus what was left over) and keeps the rest. */
  push(chunk: string): void {
    const text = this.#rest.length === 0 ? chunk : this.#rest + chunk
    this.#rest = ''
    this.#run(text, false)
  }

  /** Parses what is left: the last line needs no newline. */
  end(): void {
    const text = this.#rest
    this.#rest = ''
    this.#run(text, true)
  }

  #run(s: string, final: boolean): void {
    const n = s.length
    let pos = 0
    if (this.#atStart && n > 0) {
      this.#atStart = false
      if (s.charCodeAt(0) === 0xfeff) pos = 1
    }
    let line = this.#line
    try {
      while (pos < n) {
        let nl = s.indexOf('\n', pos)
        if (nl === -1) {
          if (!final) break
          nl = n
        }
        const end = nl > pos && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
        const current = line
        line++
        const start = pos
        pos = nl + 1
        if (end > start) this.#parse(s.slice(start, end), current)
      }
    } finally {
      this.#line = line
      if (pos < n) this.#rest = s.slice(pos)
    }
  }

  #parse(text: string, line: number): void {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      if (text.trim() === '') return
      this.#onProblem({ kind: 'bad-json', detail: (error as Error).message }, line)
      return
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      this.#onObject(value as Record<string, unknown>, line)
    } else {
      this.#onProblem({ kind: 'not-an-object', detail: describeJson(value) }, line)
    }
  }
}

/** `an array`, `a string`, `null`, ... */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  return type === 'object' ? 'an object' : `a ${type}`
}
