/**
 * The benchmark's webhook receiver, in its own process: answers 200 to every POST, records
 * each delivery's lag (arrival minus the transition's time in the payload), and reports
 * them on GET /stats. Prints `port N` when it listens.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const lags: number[] = []
const ids = new Set<string>()
let first = 0
let last = 0
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ requests: lags.length, distinct: ids.size, first, last, lags }))
    return
  }
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const now = Date.now()
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      id: string
      transition: { at: string }
    }
    if (first === 0) first = now
    last = now
    lags.push(now - Date.parse(body.transition.at))
    ids.add(body.id)
    res.writeHead(200)
    res.end()
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`))
