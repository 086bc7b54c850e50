/**
 * What every section of the serve benchmark gets and gives back.
 * @module
 */

export interface SectionContext {
  /** `--db`: a PostgreSQL URL (a schema per section), a folder for SQLite files, or undefined (the work folder). */
  readonly db: string | undefined
  /** The work folder (SQLite files, generated data). */
  readonly dir: string
  readonly log: (line: string) => void
}

/** One target of the issue, as measured. */
export interface TargetResult {
  readonly target: string
  /** The figure, as people read it. */
  readonly measured: string
  readonly value: number
  /** The limit, in the unit of `value`. */
  readonly limit: number
  readonly met: boolean
  /** The data size it was measured on. */
  readonly data: string
  /** Load averages (1, 5, 15 min) when the measurement ended. */
  readonly load: number[]
  /** What else a reader must know (checks that failed, how it was measured). */
  readonly note?: string
}

export interface SectionResult {
  readonly targets: TargetResult[]
  /** Everything measured, for the JSON file. */
  readonly figures: Record<string, unknown>
}
