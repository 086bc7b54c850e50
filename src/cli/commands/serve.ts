/**
 * `leadscore serve`: the scoring server. Marketing tools send events to it (Segment-compatible
 * `/v1/*`), sales reads the ranked queue from it (`/`, `/api/*`). On the first start with an
 * empty database it publishes the default model, creates an admin key and a write key (printed
 * once), and, unless `--no-demo`, fills a demo workspace with realistic generated leads.
 * Stops gracefully on SIGTERM and SIGINT: requests in flight finish, queued events are
 * committed.
 * @module
 */
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import {
  createEngine,
  createJsonLogger,
  type Engine,
  type Logger,
  parseLogLevel,
  seedDemoWorkspace,
  systemClock,
  type WebhookSenderSettings,
} from '../../engine/index.js'
import { PredictiveService } from '../../engine/predictive/index.js'
import { type ApiText, sayApi } from '../../i18n/api.js'
import { createApp, DEFAULT_PORT, listen, type RunningServer } from '../../server/index.js'
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimits } from '../../server/rate-limit.js'
import { openStore, type Store, StoreError } from '../../store/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { VERSION } from '../main.js'
import { displayPath } from '../paths.js'
import { bannerLines, type FirstStart } from '../serve-banner.js'
import { parseInterval } from './predictive-interval.js'

/** The `--db` option shared by the commands that open the database. */
export const dbArg = {
  db: {
    type: 'string',
    description: help('help.serve.db'),
    valueHint: 'FILE|URL',
  },
} as const

/** Where the database is: `--db`, else `LEADSCORE_DB`, else `leadscore.db` in the working directory. */
export function databaseLocation(ctx: CliContext, db: string | undefined): string {
  const location = db ?? ctx.env['LEADSCORE_DB'] ?? 'leadscore.db'
  return /^postgres(ql)?:\/\//i.test(location) ? location : resolve(ctx.cwd, location)
}

/** A location safe to print (no password). */
export function shownLocation(ctx: CliContext, location: string): string {
  if (!/^postgres(ql)?:\/\//i.test(location)) return displayPath(ctx.cwd, location)
  try {
    const url = new URL(location)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return 'postgres://…'
  }
}

/** Opens the store, with errors that say what to check. */
export async function openDatabase(ctx: CliContext, db: string | undefined): Promise<Store> {
  const location = databaseLocation(ctx, db)
  try {
    return await openStore(location)
  } catch (error) {
    if (error instanceof StoreError) {
      const text = 'text' in error ? (error.text as ApiText | undefined) : undefined
      throw new CliError(text === undefined ? error.message : { said: (locale) => sayApi(text, locale) }, {
        hint: { key: 'serve.db.hint' },
      })
    }
    throw error
  }
}

export const serveCommand = defineCommand({
  meta: { name: 'serve', description: help('help.serve') },
  args: {
    ...dbArg,
    host: {
      type: 'string',
      description: help('help.serve.host'),
    },
    port: { type: 'string', description: help('help.serve.port', { port: String(DEFAULT_PORT) }) },
    ack: {
      type: 'string',
      description: help('help.serve.ack'),
      valueHint: 'stored|scored',
    },
    'retrain-every': {
      type: 'string',
      description: help('help.serve.retrain'),
      valueHint: '7d',
    },
    'time-refresh-every': {
      type: 'string',
      description: help('help.serve.timeRefresh'),
      valueHint: '1d',
    },
    demo: {
      type: 'boolean',
      default: true,
      description: help('help.serve.demo'),
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const port = portOf(args.port ?? ctx.env['LEADSCORE_PORT'])
    const host = args.host ?? ctx.env['LEADSCORE_HOST'] ?? '127.0.0.1'
    const level = ctx.env['LEADSCORE_LOG_LEVEL']
    if (level !== undefined && parseLogLevel(level) === undefined) {
      throw new CliError(
        { key: 'serve.logLevel', values: { level } },
        { hint: { key: 'serve.logLevel.hint' } },
      )
    }
    const logger = createJsonLogger({ stream: ctx.stderr, level: parseLogLevel(level) ?? 'info' })
    const acknowledge = args.ack ?? ctx.env['LEADSCORE_ACK'] ?? 'stored'
    if (acknowledge !== 'stored' && acknowledge !== 'scored') {
      throw new CliError(
        { key: 'serve.ack', values: { ack: acknowledge } },
        { hint: { key: 'serve.ack.hint' } },
      )
    }
    const location = databaseLocation(ctx, args.db)
    const store = await openDatabase(ctx, args.db)
    let engine: Engine | undefined
    let server: RunningServer | undefined
    let predictive: PredictiveService | undefined
    try {
      const fresh = (await store.listModels()).length === 0
      engine = await createEngine({
        store,
        clock: systemClock,
        logger,
        staticKeys: { write: ctx.env['LEADSCORE_WRITE_KEY'], admin: ctx.env['LEADSCORE_ADMIN_KEY'] },
        webhooks: webhookSettings(ctx),
        acknowledge,
      })
      const retrain = args['retrain-every'] ?? ctx.env['LEADSCORE_RETRAIN_EVERY']
      const timeRefresh = args['time-refresh-every'] ?? ctx.env['LEADSCORE_TIME_REFRESH_EVERY']
      predictive = new PredictiveService({
        store,
        clock: systemClock,
        logger,
        location,
        retrainEveryMs:
          retrain === undefined || retrain === '' ? undefined : parseInterval(retrain, '--retrain-every'),
        ...(timeRefresh === undefined || timeRefresh === ''
          ? {}
          : {
              timeRefreshEveryMs:
                timeRefresh.trim() === '0' ? 0 : parseInterval(timeRefresh, '--time-refresh-every'),
            }),
      }).start()
      const app = createApp({
        engine,
        store,
        predictive,
        config: { version: VERSION, rateLimits: rateLimits(ctx) },
      })
      try {
        server = await listen(app, { host, port })
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        throw new CliError(
          { key: 'serve.listen', values: { host, port: String(port), detail: (error as Error).message } },
          {
            hint:
              code === 'EADDRINUSE'
                ? { key: 'serve.listen.inUse.hint', values: { port: String(port) } }
                : { key: 'serve.listen.hint' },
          },
        )
      }
      logger.info('listening', { url: server.url, store: store.dialect })
      const banner = bannerLines(textOf(ctx), {
        version: VERSION,
        url: server.url,
        database: shownLocation(ctx, location),
        dialect: store.dialect,
        ...(fresh ? { firstStart: await firstStart(ctx, engine, logger, args.demo) } : {}),
      })
      // listen for signals before saying we run: a supervisor may stop us the moment it reads it
      const stopped = untilSignal(logger)
      ctx.stderr.write(`${banner.join('\n')}\n`)
      await stopped
    } finally {
      await predictive?.close()
      await shutdown(logger, server, engine, store)
    }
  },
})

/** Environment variables that tune the webhook sender, and the policy field each sets. */
const WEBHOOK_ENV = {
  LEADSCORE_WEBHOOK_MAX_ATTEMPTS: 'maxAttempts',
  LEADSCORE_WEBHOOK_INITIAL_DELAY_MS: 'initialDelayMs',
  LEADSCORE_WEBHOOK_MAX_DELAY_MS: 'maxDelayMs',
  LEADSCORE_WEBHOOK_TIMEOUT_MS: 'timeoutMs',
} as const

/** The webhook sender's settings from the environment (`LEADSCORE_WEBHOOK_*`). */
export function webhookSettings(ctx: CliContext): WebhookSenderSettings {
  const number = (name: string): number | undefined => {
    const value = ctx.env[name]
    if (value === undefined || value === '') return undefined
    const n = Number(value)
    if (!Number.isSafeInteger(n) || n < 1)
      throw new CliError(
        { key: 'serve.envNumber', values: { name, value } },
        { hint: { key: 'serve.envNumber.hint', values: { name } } },
      )
    return n
  }
  const policy: Record<string, number> = {}
  for (const [name, field] of Object.entries(WEBHOOK_ENV)) {
    const n = number(name)
    if (n !== undefined) policy[field] = n
  }
  return {
    policy,
    concurrency: number('LEADSCORE_WEBHOOK_CONCURRENCY'),
    retentionDays: number('LEADSCORE_WEBHOOK_RETENTION_DAYS'),
  }
}

/** Requests per second and key from `LEADSCORE_RATE_LIMIT_WRITE` / `_ADMIN` (burst: twice that; 0: no limit). */
export function rateLimits(ctx: CliContext): RateLimits {
  const limit = (name: string, fallback: RateLimit | null): RateLimit | null => {
    const value = ctx.env[name]
    if (value === undefined || value === '') return fallback
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0)
      throw new CliError(
        { key: 'serve.rate', values: { name, value } },
        { hint: { key: 'serve.rate.hint', values: { name } } },
      )
    return n === 0 ? null : { perSecond: n, burst: Math.max(1, Math.ceil(2 * n)) }
  }
  return {
    write: limit('LEADSCORE_RATE_LIMIT_WRITE', DEFAULT_RATE_LIMITS.write),
    admin: limit('LEADSCORE_RATE_LIMIT_ADMIN', DEFAULT_RATE_LIMITS.admin),
  }
}

function portOf(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new CliError(
      { key: 'serve.port', values: { value } },
      { hint: { key: 'serve.port.hint', values: { port: String(DEFAULT_PORT) } } },
    )
  }
  return n
}

/** Keys (and the demo) for a new database, for the banner. */
async function firstStart(
  ctx: CliContext,
  engine: Engine,
  logger: Logger,
  demo: boolean,
): Promise<FirstStart> {
  const label = textOf(ctx).t('serve.keyLabel')
  const adminKey = ctx.env['LEADSCORE_ADMIN_KEY'] ?? (await engine.keys.create('admin', label)).secret
  const writeKey = ctx.env['LEADSCORE_WRITE_KEY'] ?? (await engine.keys.create('write', label)).secret
  if (!demo) return { adminKey, writeKey }
  logger.info('first start: generating a demo workspace (use --no-demo to start empty)')
  const summary = await seedDemoWorkspace(engine)
  logger.info('demo workspace ready', { ...summary })
  return { adminKey, writeKey, demo: summary }
}

/** Resolves at the first SIGTERM or SIGINT. */
function untilSignal(logger: Logger): Promise<void> {
  return new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      logger.info('shutting down: finishing requests in flight and queued events', { signal })
      resolveSignal()
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}

async function shutdown(
  logger: Logger,
  server: RunningServer | undefined,
  engine: Engine | undefined,
  store: Store,
): Promise<void> {
  try {
    await server?.close()
    await engine?.close()
  } finally {
    await store.close()
    logger.info('stopped')
  }
}
