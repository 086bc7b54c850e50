/**
 * The app over an in-memory SQLite store and an engine with a fixed clock, known keys, no
 * timers, no webhook sender and no rate limits: for tests of routes.
 * @module
 */
import { createEngine, type Engine, manualClock } from '../../engine/index.js'
import { openSqliteStore, type Store } from '../../store/index.js'
import { createApp } from '../app.js'
import type { ServerConfig } from '../config.js'

export interface MemoryApp {
  readonly store: Store
  readonly engine: Engine
  readonly app: ReturnType<typeof createApp>
  close(): Promise<void>
}

export async function memoryApp(
  keys: { write: string; admin: string },
  config: Partial<ServerConfig> = {},
): Promise<MemoryApp> {
  const store = await openSqliteStore({ path: ':memory:' })
  const engine = await createEngine({
    store,
    clock: manualClock(Date.parse('2026-11-02T09:00:00Z')),
    tickIntervalMs: 0,
    webhooks: false,
    staticKeys: keys,
  })
  const app = createApp({ engine, store, config: { rateLimits: { write: null, admin: null }, ...config } })
  return {
    store,
    engine,
    app,
    close: async () => {
      await engine.close()
      await store.close()
    },
  }
}
