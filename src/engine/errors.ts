/**
 * The errors the engine throws. Each says what went wrong and what to do; the server maps
 * them to HTTP statuses.
 * @module
 */
import type { Issue } from '../core/model/index.js'

/** Base class of the engine's own errors. */
export class EngineError extends Error {
  override readonly name: string = 'EngineError'
  /** What the caller can do about it. */
  readonly hint: string | undefined
  constructor(message: string, hint?: string) {
    super(message)
    this.hint = hint
  }
}

/** Something the request names does not exist (a contact, a model version). */
export class NotFoundError extends EngineError {
  override readonly name = 'NotFoundError'
}

/** The request is well formed but not acceptable (e.g. an unknown stage, a draft that does not validate). */
export class InvalidRequestError extends EngineError {
  override readonly name = 'InvalidRequestError'
  /** The model issues that made a model source unusable, with their positions. */
  readonly issues: readonly Issue[]
  constructor(message: string, options: { hint?: string; issues?: readonly Issue[] } = {}) {
    super(message, options.hint)
    this.issues = options.issues ?? []
  }
}

/** The request conflicts with the current state (e.g. publishing while another publish runs). */
export class ConflictError extends EngineError {
  override readonly name = 'ConflictError'
}

/** Too much is waiting to be written: try again after `retryAfterSeconds`. */
export class QueueFullError extends EngineError {
  override readonly name = 'QueueFullError'
  readonly retryAfterSeconds: number
  /** What is full: the messages waiting to be written, or the contacts waiting to be rescored. */
  readonly queue: 'ingest' | 'rescore'
  constructor(
    pending: number,
    limit: number,
    retryAfterSeconds: number,
    queue: 'ingest' | 'rescore' = 'ingest',
  ) {
    super(
      queue === 'ingest'
        ? `the ingest queue is full (${pending} of ${limit} messages waiting to be written)`
        : `rescoring is behind (${pending} of ${limit} contacts waiting to be rescored)`,
      `retry after ${retryAfterSeconds} s; SDKs do this on their own when they get a 429`,
    )
    this.queue = queue
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The engine was closed: it accepts no more work. */
export class EngineClosedError extends EngineError {
  override readonly name = 'EngineClosedError'
  constructor() {
    super('the engine is shutting down and accepts no more work', 'retry against a running server')
  }
}
