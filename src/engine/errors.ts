/**
 * The errors the engine throws. Each says what went wrong and what to do; the server maps
 * them to HTTP statuses. Their texts are messages of the `api` catalog (a key and its values):
 * `message` and `hint` are the English ones, `text` and `hintText` let the server say them in
 * the reader's language.
 * @module
 */
import type { Issue } from '../core/model/index.js'
import { type ApiKey, type ApiText, sayApi } from '../i18n/api.js'

/** A text of an error: a message of the `api` catalog, or English only (said as a generic sentence elsewhere). */
export type ErrorText = ApiText | string

function english(text: ErrorText): string {
  return typeof text === 'string' ? text : sayApi(text, 'en')
}

/** Base class of the engine's own errors. */
export class EngineError extends Error {
  override readonly name: string = 'EngineError'
  /** What the caller can do about it. */
  readonly hint: string | undefined
  /** The message as a catalog text (undefined: English only). */
  readonly text: ApiText | undefined
  /** The hint as a catalog text (undefined: none, or English only). */
  readonly hintText: ApiText | undefined
  /**
   * `text`: the catalog text of a `message` given in English words that are not the catalog's
   * (such as zod's, which stay as they are for English readers).
   */
  constructor(message: ErrorText, hint?: ErrorText, text?: ApiText) {
    super(english(message))
    this.hint = hint === undefined ? undefined : english(hint)
    this.text = text ?? (typeof message === 'string' ? undefined : message)
    this.hintText = hint === undefined || typeof hint === 'string' ? undefined : hint
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
  /** The message summing up `issues` (their count and the first), `model.invalid` when not given. */
  readonly summary: ApiKey | undefined
  constructor(
    message: ErrorText,
    options: {
      hint?: ErrorText | undefined
      issues?: readonly Issue[]
      summary?: ApiKey
      /** The message as a catalog text, when `message` is English words of another source. */
      text?: ApiText | undefined
    } = {},
  ) {
    super(message, options.hint, options.text)
    this.issues = options.issues ?? []
    this.summary = options.summary
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
      { key: queue === 'ingest' ? 'queue.full' : 'queue.rescore', values: { pending, limit } },
      { key: 'queue.full.hint', values: { seconds: retryAfterSeconds } },
    )
    this.queue = queue
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The engine was closed: it accepts no more work. */
export class EngineClosedError extends EngineError {
  override readonly name = 'EngineClosedError'
  constructor() {
    super({ key: 'closing' }, { key: 'closing.hint' })
  }
}
