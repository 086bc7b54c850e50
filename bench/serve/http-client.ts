/**
 * A keep-alive HTTP client for load: one `node:http` Agent with a fixed number of sockets,
 * reused across requests (a new connection per request would measure the TCP handshake).
 * @module
 */
import { Agent, request } from 'node:http'

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Buffer
}

export interface HttpClient {
  /** Sends a request; resolves with the whole answer (rejects only on a network error). */
  send(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Reply>
  /** Sends and parses a JSON answer; rejects unless the status is 2xx. */
  json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>
  close(): void
}

/** A client of `base` (http://host:port) with at most `sockets` connections, and headers sent every time. */
export function httpClient(base: string, sockets: number, always: Record<string, string> = {}): HttpClient {
  const url = new URL(base)
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets })
  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body)
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            ...always,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': String(payload.length) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          )
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  return {
    send,
    async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
      const reply = await send(
        method,
        path,
        body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headers,
      )
      if (reply.status < 200 || reply.status >= 300)
        throw new Error(`${method} ${path}: ${reply.status} ${reply.body.toString('utf8').slice(0, 500)}`)
      return JSON.parse(reply.body.toString('utf8')) as T
    },
    close: () => agent.destroy(),
  }
}
