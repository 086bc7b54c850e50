/**
 * Segment-compatible ingestion: `POST /v1/batch` and `/v1/b` (a batch), `/v1/track`,
 * `/v1/identify`, `/v1/page`, `/v1/screen`, `/v1/group`, `/v1/alias` and their one-letter
 * forms (one message). Bodies may be gzipped and are JSON whatever the Content-Type. The key
 * comes from Basic auth, Bearer, or the body's `writeKey`. A partially valid batch gets a 200
 * with the count and reasons of what was rejected; only a body that can never be accepted
 * (not JSON, not an object) gets a 400, a body over 500 KB a 413, a full queue a 429.
 * @module
 */
import type { Hono } from 'hono'
import { cors } from 'hono/cors'
import type { Engine, IngestResult, MessageType } from '../engine/index.js'
import { type ApiText, sayApi } from '../i18n/api.js'
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js'
import { type AppEnv, authenticate, bodyKey, headerKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { HttpError } from './http-error.js'
import { requestLocale } from './locale.js'
import { parseJson, readBody } from './read-body.js'
import type { RejectionLog } from './rejection-log.js'

/** Route name → message type (`null`: a batch). */
export const INGEST_ROUTES: Readonly<Record<string, MessageType | null>> = {
  batch: null,
  b: null,
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
}

export interface IngestDeps {
  readonly engine: Engine
  readonly config: ServerConfig
  readonly rejections: RejectionLog
}

/** A rejected message as the API shows it: why, in `locale` (the English reason when it has no text). */
export function shownRejection<R extends { readonly reason: string; readonly text?: ApiText | undefined }>(
  rejection: R,
  locale: Locale,
): Omit<R, 'text'> {
  const { text, ...shown } = rejection
  return locale === DEFAULT_LOCALE || text === undefined ? shown : { ...shown, reason: sayApi(text, locale) }
}

/** The response body of an ingestion request. */
export function ingestResponse(result: IngestResult, locale: Locale = DEFAULT_LOCALE) {
  return {
    success: true,
    received: result.received,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejected,
    // why, in the caller's language (the log keeps the text, to say it to each reader in theirs)
    rejections: result.rejections.map((r) => shownRejection(r, locale)),
  }
}

/** Adds the ingestion routes to `app`. */
export function ingestRoutes(app: Hono<AppEnv>, deps: IngestDeps): void {
  const { engine, config, rejections } = deps
  app.use(
    '/v1/*',
    cors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'X-Retry-Count'],
      maxAge: 86_400,
    }),
  )
  app.post('/v1/:route', async (c) => {
    const route = c.req.param('route')
    if (!Object.hasOwn(INGEST_ROUTES, route)) {
      throw new HttpError(
        404,
        'not_found',
        { key: 'ingest.route', values: { route } },
        {
          hint: {
            key: 'ingest.route.hint',
            values: {
              routes: Object.keys(INGEST_ROUTES)
                .filter((r) => r !== 'batch' && r !== 'b')
                .join('|'),
            },
          },
        },
      )
    }
    const type = INGEST_ROUTES[route]!
    const body = parseJson(await readBody(c.req.raw, config.maxBatchBytes))
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(
        400,
        'not_an_object',
        { key: 'ingest.notObject' },
        {
          hint:
            type === null
              ? { key: 'ingest.notObject.hint.batch' }
              : { key: 'ingest.notObject.hint.one', values: { type } },
        },
      )
    }
    const key = await authenticate(engine, headerKey(c.req.header('authorization')) ?? bodyKey(body), [
      'write',
    ])
    c.set('key', key)
    c.get('limiter')?.take(key.id, key.kind)
    let messages: unknown[]
    let batch: { sentAt?: unknown; context?: unknown } = {}
    const extra: { index: number; messageId: string | null; reason: string; text: ApiText }[] = []
    if (type === null) {
      const list = (body as Record<string, unknown>)['batch']
      if (!Array.isArray(list)) {
        throw new HttpError(
          400,
          'no_batch',
          { key: 'ingest.noBatch' },
          { hint: { key: 'ingest.noBatch.hint' } },
        )
      }
      messages = list.slice(0, config.maxBatchMessages)
      for (let i = config.maxBatchMessages; i < list.length; i++) {
        const id = (list[i] as Record<string, unknown> | null)?.['messageId']
        const text: ApiText = { key: 'reason.batchLimit', values: { max: String(config.maxBatchMessages) } }
        extra.push({
          index: i,
          messageId: typeof id === 'string' ? id : null,
          reason: sayApi(text, DEFAULT_LOCALE),
          text,
        })
      }
      const b = body as Record<string, unknown>
      batch = { sentAt: b['sentAt'], context: b['context'] }
    } else {
      messages = [body]
    }
    const result = await engine.ingest(messages, { type: type ?? undefined, batch, keyId: key.id })
    const all: IngestResult =
      extra.length === 0
        ? result
        : {
            ...result,
            received: result.received + extra.length,
            rejected: result.rejected + extra.length,
            rejections: [...result.rejections, ...extra],
          }
    if (all.rejected > 0) {
      const at = engine.clock.now()
      for (const r of all.rejections) rejections.add({ at, route: `/v1/${route}`, keyId: key.id, ...r })
      engine.logger.warn('messages rejected', {
        route: `/v1/${route}`,
        key: key.id,
        rejected: all.rejected,
        first: all.rejections[0]?.reason,
      })
    }
    return c.json(ingestResponse(all, requestLocale(c)))
  })
}
