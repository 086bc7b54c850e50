/**
 * A real webhook receiver for tests: an HTTP server on loopback that records every request
 * and answers what the test decides.
 * @module
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  readonly at: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The body parsed as JSON. */
  readonly json: Record<string, unknown>
}

export interface Reply {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface Receiver {
  readonly url: string
  readonly requests: ReceivedRequest[]
  /** Decides each answer (default 200). */
  respond: (request: ReceivedRequest, index: number) => Reply | Promise<Reply>
  /** Resolves when `predicate` holds over the requests (polling), or rejects after `timeoutMs`. */
  waitFor(predicate: (requests: readonly ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/** Starts a receiver on 127.0.0.1 (on `port`, default any free one). */
export async function startReceiver(port = 0): Promise<Receiver> {
  const requests: ReceivedRequest[] = []
  const receiver: Receiver = {
    url: '',
    requests,
    respond: () => ({ status: 200 }),
    async waitFor(predicate, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs
      while (!predicate(requests)) {
        if (Date.now() > end)
          throw new Error(
            `the receiver did not get what was expected within ${timeoutMs} ms (${requests.length} requests)`,
          )
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(body) as Record<string, unknown>
      } catch {}
      const request: ReceivedRequest = { at: Date.now(), headers: req.headers, body, json }
      const index = requests.length
      requests.push(request)
      Promise.resolve(receiver.respond(request, index)).then(
        (reply) => {
          res.writeHead(reply.status, reply.headers)
          res.end(reply.body ?? '')
        },
        () => {
          res.writeHead(500)
          res.end()
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  ;(receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  return receiver
}
