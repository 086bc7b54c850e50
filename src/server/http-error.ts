/**
 * Errors as HTTP responses: `{ "error": { "code", "message", "hint"?, ... } }` with the
 * status that says what the client can do (fix the request, retry later, nothing).
 * @module
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import {
  ConflictError,
  EngineClosedError,
  InvalidRequestError,
  type Logger,
  NotFoundError,
  QueueFullError,
} from '../engine/index.js'
import { isUnavailable, StoreInputError, StoreNotFoundError } from '../store/errors.js'

/** An error with its HTTP status and a stable code. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly status: ContentfulStatusCode
  readonly code: string
  readonly hint: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined
  readonly headers: Readonly<Record<string, string>> | undefined
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: {
      hint?: string | undefined
      details?: Record<string, unknown>
      headers?: Record<string, string>
    } = {},
  ) {
    super(message)
    this.status = status
    this.code = code
    this.hint = options.hint
    this.details = options.details
    this.headers = options.headers
  }
}

/** The HttpError an error stands for (unknown errors become a 500 and are logged). */
export function toHttpError(error: unknown, logger: Logger, c: Context): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    const first = issues[0]
    return new HttpError(
      400,
      'invalid_request',
      `${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}`,
      {
        hint: 'see /docs for what this endpoint accepts',
        details: { issues },
      },
    )
  }
  if (error instanceof QueueFullError) {
    return new HttpError(429, 'queue_full', error.message, {
      hint: error.hint,
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    })
  }
  if (error instanceof EngineClosedError) {
    return new HttpError(503, 'shutting_down', error.message, {
      hint: error.hint,
      headers: { 'Retry-After': '5' },
    })
  }
  if (error instanceof NotFoundError || error instanceof StoreNotFoundError) {
    return new HttpError(404, 'not_found', error.message, {
      hint: error instanceof NotFoundError ? error.hint : undefined,
    })
  }
  if (error instanceof InvalidRequestError) {
    return new HttpError(422, error.issues.length > 0 ? 'invalid_model' : 'invalid_request', error.message, {
      hint: error.hint,
      ...(error.issues.length > 0 ? { details: { issues: error.issues } } : {}),
    })
  }
  if (error instanceof ConflictError)
    return new HttpError(409, 'conflict', error.message, { hint: error.hint })
  if (error instanceof StoreInputError) {
    return new HttpError(400, 'invalid_request', error.message, { details: { field: error.field } })
  }
  if (isUnavailable(error)) {
    logger.warn('the database is out of reach; answering 503', {
      method: c.req.method,
      path: c.req.path,
      error,
    })
    return new HttpError(
      503,
      'database_unavailable',
      'the database is out of reach for the moment: the request may not have been stored',
      {
        hint: 'send it again after Retry-After seconds (Segment and RudderStack SDKs do; message ids make retries safe)',
        headers: { 'Retry-After': '2' },
      },
    )
  }
  logger.error('request failed', { method: c.req.method, path: c.req.path, error })
  return new HttpError(500, 'internal_error', 'the server failed to handle the request', {
    hint: 'the server log has the details; retry, and report it if it persists',
  })
}

/** The JSON response of an error. */
export function errorResponse(c: Context, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value)
  return c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        ...error.details,
      },
    },
    error.status,
  )
}
