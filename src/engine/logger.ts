/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then fields).
 * @module
 */

import type { Writable } from 'node:stream'
import { isUnavailable } from '../store/errors.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Fields added to a log line. Errors are written with their name, message and stack. */
export type LogFields = Readonly<Record<string, unknown>>

/** Where the engine and the server write what happens. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface JsonLoggerOptions {
  /** Default: `process.stderr`. */
  readonly stream?: Writable
  /** Lines below this level are dropped. Default `info`. */
  readonly level?: LogLevel
  /** Time source for the `time` field. Default `Date.now`. */
  readonly now?: () => number
}

/** A logger writing JSON lines, e.g. `{"time":"…","level":"info","msg":"request","status":200}`. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr
  const min = LEVELS[options.level ?? 'info']
  const now = options.now ?? Date.now
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[level] < min) return
    const line: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg }
    if (fields) for (const [key, value] of Object.entries(fields)) line[key] = loggable(value)
    stream.write(`${JSON.stringify(line)}\n`)
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  }
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}

function loggable(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack }
  }
  return value
}

/** Parses a `LEADSCORE_LOG_LEVEL`-style value; undefined when it is not a level. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in LEVELS ? (value as LogLevel) : undefined
}

/**
 * Logs a failure of background work that will be retried: a warning when the database is
 * only out of reach for the moment (a restart, a lost connection), an error otherwise.
 */
export function logRetriedFailure(
  logger: Logger,
  message: string,
  error: unknown,
  fields: LogFields = {},
): void {
  if (isUnavailable(error)) logger.warn(`${message} (the database is out of reach)`, { ...fields, error })
  else logger.error(message, { ...fields, error })
}
