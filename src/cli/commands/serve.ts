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
import { createApp, DEFAULT_PORT, listen, type RunningServer } from '../../server/index.js'
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimits } from '../../server/rate-limit.js'
import { openStore, type Store, StoreError } from '../../store/index.js'
import { type CliContext, CliError, cliContext } from '../context.js'
import { help } from '../help.js'
import { VERSION } from '../main.js'
import { displayPath } from '../paths.js'
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
      throw new CliError(error.message, {
        hint: 'check --db (or LEADSCORE_DB): a writable SQLite file path, or a reachable postgres:// URL',
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
    port: { type: 'string', description: `The port (default $LEADSCORE_PORT, else ${DEFAULT_PORT})` },
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
      throw new CliError(`LEADSCORE_LOG_LEVEL=${level} is not a log level`, {
        hint: 'use debug, info, warn or error',
      })
    }
    const logger = createJsonLogger({ stream: ctx.stderr, level: parseLogLevel(level) ?? 'info' })
    const acknowledge = args.ack ?? ctx.env['LEADSCORE_ACK'] ?? 'stored'
    if (acknowledge !== 'stored' && acknowledge !== 'scored') {
      throw new CliError(`--ack ${acknowledge} is not a choice`, { hint: 'use --ack stored or --ack scored' })
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
      predictive = new PredictiveService({
        store,
        clock: systemClock,
        logger,
        location,
        retrainEveryMs:
          retrain === undefined || retrain === '' ? undefined : parseInterval(retrain, '--retrain-every'),
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
        throw new CliError(`cannot listen on ${host}:${port}: ${(error as Error).message}`, {
          hint:
            code === 'EADDRINUSE'
              ? `another program uses port ${port}: stop it, or pass --port`
              : 'check --host and --port',
        })
      }
      logger.info('listening', { url: server.url, store: store.dialect })
      const banner: string[] = [
        '',
        `Leadscore ${VERSION} is running at ${server.url}`,
        `  database: ${shownLocation(ctx, location)} (${store.dialect})`,
      ]
      if (fresh) {
        banner.push(...(await firstStart(ctx, engine, logger, args.demo, server.url)))
      } else {
        banner.push(
          '  keys: the ones printed at the first start (create more: leadscore keys create --kind admin|write)',
        )
      }
      banner.push(`  API docs: ${server.url}/docs`, '  stop: Ctrl-C', '')
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
      throw new CliError(`${name}=${value} is not a positive whole number`, {
        hint: `unset ${name} for the default`,
      })
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
      throw new CliError(`${name}=${value} is not a number of requests per second`, {
        hint: `e.g. ${name}=500, or 0 for no limit`,
      })
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
    throw new CliError(`--port ${value} is not a port number`, {
      hint: `give a number from 1 to 65535 (default ${DEFAULT_PORT})`,
    })
  }
  return n
}

/** Keys (and the demo) for a new database; returns the banner lines. */
async function firstStart(
  ctx: CliContext,
  engine: Engine,
  logger: Logger,
  demo: boolean,
  url: string,
): Promise<string[]> {
  const lines: string[] = []
  const admin =
    ctx.env['LEADSCORE_ADMIN_KEY'] ?? (await engine.keys.create('admin', 'created at first start')).secret
  const write =
    ctx.env['LEADSCORE_WRITE_KEY'] ?? (await engine.keys.create('write', 'created at first start')).secret
  if (demo) {
    logger.info('first start: generating a demo workspace (use --no-demo to start empty)')
    const summary = await seedDemoWorkspace(engine)
    logger.info('demo workspace ready', { ...summary })
    lines.push(
      `  demo workspace: ${summary.contacts.toLocaleString('en-US')} contacts, ${summary.accounts} accounts, ${summary.events.toLocaleString('en-US')} events (generated, seed 42)`,
    )
  }
  lines.push(
    '',
    '  These keys are shown once; keep them somewhere safe:',
    `    admin key (API and dashboard): ${admin}`,
    `    write key (sending events):   ${write}`,
    '',
    `  Open the ranked queue: ${url}/#key=${admin}`,
    '  Send an event:',
    `    curl -u '${write}:' ${url}/v1/track -d '{"userId":"jane@example.com","event":"Demo Requested","properties":{"form_id":"demo"}}'`,
    `  Read it back scored: curl -H 'Authorization: Bearer ${admin}' ${url}/api/contacts/jane@example.com`,
    '  Segment or RudderStack SDKs: set the host / dataPlaneUrl to the URL above and the writeKey to the write key.',
  )
  return lines
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
