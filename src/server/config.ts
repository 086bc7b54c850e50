/**
 * Server settings, with the defaults Segment's HTTP API uses for its limits.
 * @module
 */

import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.js'

export interface ServerConfig {
  /** The largest ingestion body, after decompression (bytes). Default 500 KB. */
  readonly maxBatchBytes: number
  /** The most messages in one batch; the rest are rejected. Default 2,500. */
  readonly maxBatchMessages: number
  /** The largest native API body (bytes). Default 5 MB (model sources, contact batches). */
  readonly maxApiBytes: number
  /** Origins allowed to send events from a browser: `'*'` (default) or a list. */
  readonly corsOrigins: '*' | readonly string[]
  /** Whether `GET /metrics` needs an admin key. Default false (for Prometheus scrapers). */
  readonly metricsNeedKey: boolean
  /** Shown in `/healthz` and the OpenAPI document. */
  readonly version: string
  /** Requests per key and second, by key kind (see `RateLimiter`). */
  readonly rateLimits: RateLimits
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  maxBatchBytes: 500 * 1024,
  maxBatchMessages: 2500,
  maxApiBytes: 5 * 1024 * 1024,
  corsOrigins: '*',
  metricsNeedKey: false,
  version: '0.1.0',
  rateLimits: DEFAULT_RATE_LIMITS,
}

/** The defaults with `overrides` applied. */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...DEFAULT_SERVER_CONFIG, ...overrides }
}
