/**
 * A real Leadscore server for browser tests and the dashboard benchmark: the dashboard built
 * from the current sources (into a temporary folder), a SQLite file (a fresh one with a
 * demo workspace, or an existing database), a dashboard user, listening on 127.0.0.1 on a
 * free port.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'vite'
import { createEngine, type Engine, seedDemoWorkspace, systemClock } from '../../../engine/index.js'
import { openSqliteStore, type Store } from '../../../store/index.js'
import { createApp } from '../../app.js'
import { listen, type RunningServer } from '../../listen.js'
import { addUser } from '../users.js'

export const ADMIN_KEY = 'lsk_a_browser-test-admin-key'
export const USER = { email: 'maria@example.com', password: 'a password for tests', name: 'Maria Lopez' }

export interface DashboardServer {
  readonly url: string
  readonly engine: Engine
  readonly store: Store
  /** The folder of the dashboard build it serves. */
  readonly dashboardDir: string
  close(): Promise<void>
}

/** Builds the dashboard from `src/dashboard` into a new temporary folder. */
export async function buildDashboard(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'leadscore-dashboard-build-'))
  await build({
    configFile: join(import.meta.dirname, '..', '..', '..', 'dashboard', 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  })
  return outDir
}

export async function startDashboardServer(
  options: { db?: string; contacts?: number; dashboardDir?: string; addUser?: boolean } = {},
): Promise<DashboardServer> {
  const temp = mkdtempSync(join(tmpdir(), 'leadscore-dashboard-'))
  const dashboardDir = options.dashboardDir ?? (await buildDashboard())
  const store = await openSqliteStore({ path: options.db ?? join(temp, 'leadscore.db') })
  const engine = await createEngine({ store, clock: systemClock, staticKeys: { admin: ADMIN_KEY } })
  if (options.db === undefined) await seedDemoWorkspace(engine, { contacts: options.contacts ?? 400 })
  if (options.addUser !== false && (await store.findUserByEmail(USER.email)) === undefined)
    await addUser(store, { ...USER, role: 'admin' }, systemClock.now())
  const previous = process.env['LEADSCORE_DASHBOARD_DIR']
  process.env['LEADSCORE_DASHBOARD_DIR'] = dashboardDir
  let server: RunningServer
  try {
    server = await listen(createApp({ engine, store }), { host: '127.0.0.1', port: 0 })
  } finally {
    if (previous === undefined) delete process.env['LEADSCORE_DASHBOARD_DIR']
    else process.env['LEADSCORE_DASHBOARD_DIR'] = previous
  }
  return {
    url: server.url,
    engine,
    store,
    dashboardDir,
    async close() {
      await server.close(1000)
      await engine.close()
      await store.close()
      rmSync(temp, { recursive: true, force: true })
      if (options.dashboardDir === undefined) rmSync(dashboardDir, { recursive: true, force: true })
    },
  }
}
