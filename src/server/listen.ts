/**
 * Serving the application on a socket, and stopping gracefully: stop accepting connections,
 * let requests in flight finish (an ingest answers once its events are committed), then
 * close idle and, after a grace period, remaining connections.
 * @module
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { AppEnv } from './auth.js'

export interface ListenOptions {
  /** Default 127.0.0.1 (this machine only). */
  readonly host?: string | undefined
  /** Default 4400; 0 picks a free port. */
  readonly port?: number | undefined
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string
  readonly port: number
  /** Stops accepting, waits for requests in flight (at most `graceMs`, default 10 s), closes. */
  close(graceMs?: number): Promise<void>
}

/** The default port. */
export const DEFAULT_PORT = 4400

/** Listens on `host:port`; rejects when the address cannot be used (e.g. EADDRINUSE). */
export function listen(app: Hono<AppEnv>, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? DEFAULT_PORT
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }) as Server
    server.keepAliveTimeout = 65_000
    const failed = (error: Error) => reject(error)
    server.once('error', failed)
    server.once('listening', () => {
      server.off('error', failed)
      const address = server.address() as AddressInfo
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
      resolve({
        url: `http://${shown}:${address.port}`,
        port: address.port,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs)
            // keep-alive connections become idle once their request is answered: close them then
            const sweep = setInterval(() => server.closeIdleConnections(), 50)
            force.unref()
            sweep.unref()
            server.close(() => {
              clearTimeout(force)
              clearInterval(sweep)
              done()
            })
            server.closeIdleConnections()
          }),
      })
    })
  })
}
