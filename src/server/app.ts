/**
 * The HTTP application: a function of its dependencies, testable with `app.request()`
 * without a socket. Routes: Segment-compatible ingestion (`/v1/*`), the native API
 * (`/api/*`), `/healthz`, `/metrics`, `/openapi.json`, `/docs` and the queue page at `/`.
 * Every request is logged as one JSON line and timed in the latency histogram.
 * @module
 */
import { Hono } from 'hono'
import { routePath } from 'hono/route'
import type { Engine } from '../engine/index.js'
import { PredictiveService } from '../engine/predictive/index.js'
import type { Store } from '../store/index.js'
import { accountRoutes } from './account-routes.js'
import { analysisRoutes } from './analysis-routes.js'
import { type AppEnv, requireKey } from './auth.js'
import { type ServerConfig, serverConfig } from './config.js'
import { contactRoutes } from './contact-routes.js'
import { dashboardRoutes, useDashboardSessions } from './dashboard/index.js'
import { docsPage } from './docs-page.js'
import { handoffRoutes } from './handoff-routes.js'
import { errorResponse, HttpError, toHttpError } from './http-error.js'
import { ingestRoutes, shownRejection } from './ingest-routes.js'
import { requestLocale, useLocale } from './locale.js'
import { modelRoutes } from './model-routes.js'
import { openApiDocument } from './openapi.js'
import { predictiveRoutes } from './predictive-routes.js'
import { RateLimiter } from './rate-limit.js'
import { queryObject } from './read-body.js'
import { RejectionLog } from './rejection-log.js'
import { rejectionsQuery } from './schemas.js'

export interface AppDeps {
  readonly engine: Engine
  readonly store: Store
  readonly config?: Partial<ServerConfig> | undefined
  /** Training and likelihoods (default: one running in this thread, with no schedule). */
  readonly predictive?: PredictiveService | undefined
}

/** Creates the application. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { engine, store } = deps
  const config = serverConfig(deps.config)
  const { logger, metrics } = engine
  const latency = metrics.histogram(
    'leadscore_http_request_duration_seconds',
    'HTTP request latency, by route and status',
  )
  metrics.gauge('leadscore_process_resident_memory_bytes', 'Resident memory of the process', () =>
    process.memoryUsage.rss(),
  )
  metrics.gauge(
    'leadscore_process_heap_used_bytes',
    'JavaScript heap in use',
    () => process.memoryUsage().heapUsed,
  )
  const rejections = new RejectionLog()
  const limiter = new RateLimiter(config.rateLimits)
  const app = new Hono<AppEnv>()
  app.use('*', useLocale())
  app.use('*', async (c, next) => {
    c.set('limiter', limiter)
    await next()
    // every answer: no MIME sniffing; API answers hold leads: no caching on the way
    c.header('X-Content-Type-Options', 'nosniff')
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/auth/'))
      c.header('Cache-Control', 'no-store')
  })

  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    const seconds = (performance.now() - started) / 1000
    const route = routePath(c, -1)
    latency.observe(seconds, { method: c.req.method, route, status: String(c.res.status) })
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
      key: c.get('key')?.id,
    })
  })
  app.onError((error, c) => errorResponse(c, toHttpError(error, logger, c)))
  app.notFound((c) =>
    errorResponse(
      c,
      new HttpError(
        404,
        'not_found',
        { key: 'route.none', values: { method: c.req.method, path: c.req.path } },
        { hint: { key: 'route.none.hint' } },
      ),
    ),
  )

  useDashboardSessions(app, { engine, store })
  ingestRoutes(app, { engine, config, rejections })
  contactRoutes(app, { engine, store, config })
  accountRoutes(app, { engine, store })
  modelRoutes(app, { engine, store, config })
  analysisRoutes(app, { engine, store, config })
  handoffRoutes(app, { engine, config })
  const predictive =
    deps.predictive ?? new PredictiveService({ store, clock: engine.clock, logger, refreshEveryMs: 0 })
  predictiveRoutes(app, { engine, predictive, config })

  app.get('/api/ingest/rejections', requireKey(engine, ['admin']), (c) => {
    const q = rejectionsQuery.parse(queryObject(c.req.url))
    const locale = requestLocale(c)
    return c.json({
      total: rejections.total,
      rejections: rejections.recent(q.limit).map((r) => shownRejection(r, locale)),
    })
  })

  app.get('/healthz', async (c) => {
    try {
      await store.publishedModels()
    } catch (error) {
      logger.error('health check: the database does not answer', { error })
      return c.json({ status: 'unavailable', reason: 'the database does not answer' }, 503)
    }
    return c.json({
      status: 'ok',
      version: config.version,
      store: store.dialect,
      queueDepth: engine.queueDepth,
      models: engine
        .publishedModels()
        .map((m) => ({ id: m.record.id, version: m.record.version, primary: m.record.primary })),
    })
  })

  if (config.metricsNeedKey) app.use('/metrics', requireKey(engine, ['admin']))
  app.get('/metrics', (c) =>
    c.body(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }),
  )

  const openapi = openApiDocument(config.version)
  app.get('/openapi.json', (c) => c.json(openapi))
  // pages: not framed by other sites, and no address (the key may be in its fragment) sent onwards
  const pageHeaders = {
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  }
  const docs = docsPage(openapi)
  app.get('/docs', (c) => c.html(docs, 200, pageHeaders))
  dashboardRoutes(app, { engine, store, maxApiBytes: config.maxApiBytes })
  return app
}
