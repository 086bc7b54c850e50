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
import { type ApiText, fieldIssueText, isFieldMessage, sayApi } from '../i18n/api.js'
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js'
import { localizeIssues } from '../i18n/model.js'
import { isUnavailable, StoreInputError, StoreNotFoundError } from '../store/errors.js'
import { requestLocale } from './locale.js'

/** A human text of an error: English as is, or a message of the `api` catalog. */
export type ErrorText = string | ApiText

/** An error's message, hint and extra fields in one language. */
export interface SaidError {
  readonly message: string
  readonly hint?: string | undefined
  readonly details?: Readonly<Record<string, unknown>> | undefined
}

/** An error with its HTTP status and a stable code. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly status: ContentfulStatusCode
  readonly code: string
  readonly hint: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined
  readonly headers: Readonly<Record<string, string>> | undefined
  /** The message, hint (and details) in another language; undefined when only English exists. */
  readonly say: ((locale: Locale) => SaidError) | undefined
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: ErrorText,
    options: {
      hint?: ErrorText | undefined
      details?: Record<string, unknown>
      headers?: Record<string, string>
      /** How to say it in another language, when `message` is English text. */
      say?: ((locale: Locale) => SaidError) | undefined
    } = {},
  ) {
    super(typeof message === 'string' ? message : sayApi(message, 'en'))
    this.status = status
    this.code = code
    const hint = options.hint
    this.hint = hint === undefined || typeof hint === 'string' ? hint : sayApi(hint, 'en')
    this.details = options.details
    this.headers = options.headers
    this.say =
      options.say ??
      (typeof message === 'string'
        ? undefined
        : (locale) => ({
            message: sayApi(message, locale),
            hint: hint === undefined || typeof hint === 'string' ? hint : sayApi(hint, locale),
          }))
  }
}

/**
 * How to say an engine or store error from its catalog texts; undefined when it was raised
 * in English only (an error of a module that does not word its errors through the catalog yet).
 */
function textSay(error: {
  readonly text?: ApiText | undefined
  readonly hintText?: ApiText | undefined
  readonly hint?: string | undefined
}): ((locale: Locale) => SaidError) | undefined {
  const { text, hintText } = error
  if (text === undefined) return undefined
  // a hint in English words only is left out rather than mixed into another language
  return (locale) => ({
    message: sayApi(text, locale),
    hint: hintText === undefined ? undefined : sayApi(hintText, locale),
  })
}

/** The issues and the first one's summary (the model's, or `error.summary`), in `locale`. */
function invalidModelSay(error: InvalidRequestError): (locale: Locale) => SaidError {
  return (locale) => {
    const issues = localizeIssues(error.issues, locale)
    const errors = issues.filter((issue) => issue.severity === 'error')
    const first = errors[0]
    return {
      message: sayApi(
        {
          key: error.summary ?? 'model.invalid',
          values: {
            count: errors.length,
            first: `${first?.path ? `${first.path}: ` : ''}${first?.message ?? ''}`,
            line: first?.line === undefined ? 'none' : String(first.line),
            column: String(first?.column ?? 1),
          },
        },
        locale,
      ),
      hint: error.hintText === undefined ? first?.hint : sayApi(error.hintText, locale),
      details: { issues },
    }
  }
}

/**
 * The issues that say what is wrong: a union that none of its forms accepts (zod's "Invalid
 * input") stands for the issues of the form that came closest (of the value's type, with the
 * fewest issues), under the union's path; a union the schema gave its own message stays as it is.
 */
function leafIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || isFieldMessage(issue.message) || issue.errors.length === 0)
    return [issue]
  // a form of the value's own type (an object for an object) first, then the fewest issues
  const rank = (form: readonly z.core.$ZodIssue[]) =>
    form.length + (form.some((i) => i.code === 'invalid_type' && i.path.length === 0) ? 1000 : 0)
  const closest = issue.errors.reduce((best, form) => (rank(form) < rank(best) ? form : best))
  if (closest.length === 0) return [issue]
  return closest.flatMap((inner) => leafIssues({ ...inner, path: [...issue.path, ...inner.path] }))
}

/** The HttpError an error stands for (unknown errors become a 500 and are logged). */
export function toHttpError(error: unknown, logger: Logger, c: Context): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof z.ZodError) {
    const raw = error.issues.flatMap(leafIssues)
    const issues = raw.map((i) => ({ path: i.path.join('.'), message: i.message }))
    const first = issues[0]
    return new HttpError(
      400,
      'invalid_request',
      `${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}`,
      {
        hint: 'see /docs for what this endpoint accepts',
        details: { issues },
        say: (locale) => {
          const head = raw[0]
          return {
            message:
              head === undefined
                ? sayApi({ key: 'generic', values: { code: 'invalid_request' } }, locale)
                : sayApi(fieldIssueText(head), locale),
            hint: sayApi({ key: 'request.invalid.hint' }, locale),
            details: {
              issues: raw.map((i) => ({
                path: i.path.join('.'),
                message: sayApi(fieldIssueText(i, false), locale),
              })),
            },
          }
        },
      },
    )
  }
  if (error instanceof QueueFullError) {
    return new HttpError(429, 'queue_full', error.message, {
      hint: error.hint,
      say: textSay(error),
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    })
  }
  if (error instanceof EngineClosedError) {
    return new HttpError(503, 'shutting_down', error.message, {
      hint: error.hint,
      say: textSay(error),
      headers: { 'Retry-After': '5' },
    })
  }
  if (error instanceof NotFoundError) {
    return new HttpError(404, 'not_found', error.message, { hint: error.hint, say: textSay(error) })
  }
  if (error instanceof StoreNotFoundError) {
    return new HttpError(404, 'not_found', error.message, { say: textSay(error) })
  }
  if (error instanceof InvalidRequestError) {
    return new HttpError(422, error.issues.length > 0 ? 'invalid_model' : 'invalid_request', error.message, {
      hint: error.hint,
      ...(error.issues.length > 0
        ? { details: { issues: error.issues }, say: invalidModelSay(error) }
        : { say: textSay(error) }),
    })
  }
  if (error instanceof ConflictError)
    return new HttpError(409, 'conflict', error.message, { hint: error.hint, say: textSay(error) })
  if (error instanceof StoreInputError) {
    return new HttpError(400, 'invalid_request', error.message, {
      details: { field: error.field },
      say: textSay(error),
    })
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
      { key: 'database.unavailable' },
      { hint: { key: 'database.unavailable.hint' }, headers: { 'Retry-After': '2' } },
    )
  }
  logger.error('request failed', { method: c.req.method, path: c.req.path, error })
  return new HttpError(500, 'internal_error', { key: 'internal' }, { hint: { key: 'internal.hint' } })
}

/** The error's message, hint and details in `locale` (English: as raised). */
export function sayError(error: HttpError, locale: Locale): SaidError {
  if (locale === DEFAULT_LOCALE) return { message: error.message, hint: error.hint, details: error.details }
  const said = error.say?.(locale)
  if (said !== undefined) return { ...said, details: { ...error.details, ...said.details } }
  // raised in English words only: a sentence for its code, never English in another language
  return {
    message: sayApi({ key: 'generic', values: { code: error.code } }, locale),
    hint: sayApi({ key: 'generic.hint' }, locale),
    details: error.details,
  }
}

/** The JSON response of an error, in the request's language (`src/server/locale.ts`). */
export function errorResponse(c: Context, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value)
  const said = sayError(error, requestLocale(c))
  return c.json(
    {
      error: {
        code: error.code,
        message: said.message,
        ...(said.hint === undefined ? {} : { hint: said.hint }),
        ...said.details,
      },
    },
    error.status,
  )
}
