/**
 * The HTTP server: Segment-compatible ingestion, the native API, docs, metrics and the
 * queue page, over the engine.
 * @module
 */
export { type AppDeps, createApp } from './app.js'
export type { AppEnv } from './auth.js'
export { DEFAULT_SERVER_CONFIG, type ServerConfig, serverConfig } from './config.js'
export { DEFAULT_PORT, type ListenOptions, listen, type RunningServer } from './listen.js'
export { openApiDocument } from './openapi.js'
