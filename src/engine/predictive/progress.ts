/**
 * How a training or prediction run tells what it is doing (written to its job by the thread
 * that started it).
 * @module
 */

/** What a run is doing now. */
export interface Progress {
  readonly step: string
  /** Units of the step done, of `total` (0: the step has no count). */
  readonly done: number
  readonly total: number
}
