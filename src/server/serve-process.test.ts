import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

import { ADMIN, exited, startServer, WRITE } from './test-support/serve-process.js'

const auth = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`

describe('leadscore serve, as a process', () => {
  const dirs: string[] = []
  const procs: ChildProcess[] = []
  afterEach(() => {
    for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('keeps every acknowledged event when killed with SIGKILL mid-ingestion, and scores them after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-serve-'))
    dirs.push(dir)
    const db = join(dir, 'leadscore.db')
    const first = await startServer(db)
    procs.push(first.proc)

    const acknowledged = new Map<string, string[]>()
    let stop = false
    const client = async (k: number) => {
      const user = `user-${k}`
      const acked: string[] = []
      acknowledged.set(user, acked)
      for (let batch = 0; !stop; batch++) {
        const ids = Array.from({ length: 50 }, (_, i) => `c${k}-b${batch}-m${i}`)
        try {
          const res = await fetch(`${first.url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({
              batch: ids.map((messageId) => ({
                type: 'page',
                userId: user,
                messageId,
                properties: { path: '/docs' },
              })),
            }),
          })
          if (res.status === 200) acked.push(...ids)
        } catch {
          return // the server is gone
        }
      }
    }
    const clients = [0, 1, 2, 3].map(client)
    // kill -9 right after enough acknowledgements, while the clients keep sending
    while ([...acknowledged.values()].reduce((n, a) => n + a.length, 0) < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    first.proc.kill('SIGKILL')
    stop = true
    expect((await exited(first.proc)).signal).toBe('SIGKILL')
    await Promise.all(clients)

    const second = await startServer(db)
    procs.push(second.proc)
    let total = 0
    for (const [user, acked] of acknowledged) {
      const res = await fetch(`${second.url}/api/contacts/${user}?limit=5000`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
      expect(res.status).toBe(200)
      const detail = (await res.json()) as {
        timeline: { id: string }[]
        events: number
        scores: { modelId: string }[]
      }
      const stored = new Set(detail.timeline.map((e) => e.id))
      expect(acked.filter((id) => !stored.has(id))).toEqual([])
      expect(detail.scores.map((s) => s.modelId)).toEqual(['b2b-saas'])
      total += acked.length
    }
    expect(total).toBeGreaterThanOrEqual(2000)

    second.proc.kill('SIGTERM')
    expect(await exited(second.proc)).toEqual({ code: 0, signal: null })
  }, 120_000)

  it('finishes a request in flight when stopped with SIGTERM, then exits cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-serve-'))
    dirs.push(dir)
    const server = await startServer(join(dir, 'leadscore.db'))
    procs.push(server.proc)
    const body = JSON.stringify({
      batch: [{ type: 'track', userId: 'u', event: 'Demo Requested', messageId: 'in-flight' }],
    })
    const url = new URL(`${server.url}/v1/batch`)
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: auth, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8')
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      req.on('error', reject)
      // half the body now; SIGTERM; the rest after
      req.write(body.slice(0, 20))
      setTimeout(() => {
        server.proc.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(20)), 300)
      }, 200)
    })
    const { status, text } = await response
    expect(status).toBe(200)
    expect(JSON.parse(text)).toMatchObject({ accepted: 1 })
    expect(await exited(server.proc)).toEqual({ code: 0, signal: null })
    expect(server.log()).not.toMatch(/"level":"error"/)
  }, 60_000)
})
