/**
 * `leadscore serve` as a real process for tests: started from the sources with tsx on a
 * free port, with known keys.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { servingUrl } from '../../cli/serve-banner.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
export const WRITE = 'process-write-key'
export const ADMIN = 'process-admin-key'

export interface Server {
  readonly proc: ChildProcess
  readonly url: string
  /** Everything the process wrote to stderr so far. */
  readonly log: () => string
}

/** Starts `leadscore serve` (from the sources, with tsx) on a free port and waits until it listens. */
export function startServer(db: string, env: Record<string, string> = {}): Promise<Server> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--db', db, '--port', '0', '--no-demo'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LEADSCORE_WRITE_KEY: WRITE,
        LEADSCORE_ADMIN_KEY: ADMIN,
        LEADSCORE_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let log = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 30_000)
    proc.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8')
      const url = servingUrl(log)
      if (url !== undefined) {
        clearTimeout(timer)
        resolve({ proc, url, log: () => log })
      }
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before listening:\n${log}`))
    })
  })
}

export function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode })
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
}
