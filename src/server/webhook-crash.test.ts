import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { mqlMessages } from '../engine/test-support/leads.js'
import { type Receiver, startReceiver } from '../engine/test-support/receiver.js'
import { ADMIN, exited, startServer, WRITE } from './test-support/serve-process.js'

const FAST_RETRIES = {
  LEADSCORE_WEBHOOK_INITIAL_DELAY_MS: '50',
  LEADSCORE_WEBHOOK_MAX_DELAY_MS: '200',
  LEADSCORE_WEBHOOK_MAX_ATTEMPTS: '1000',
  LEADSCORE_WEBHOOK_TIMEOUT_MS: '2000',
}
const write = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`

describe('webhooks survive kill -9', () => {
  const dirs: string[] = []
  const procs: ChildProcess[] = []
  const receivers: Receiver[] = []
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    for (const r of receivers.splice(0)) await r.close()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('delivers every transition of every acknowledged event after a restart, each delivery id at least once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-webhook-crash-'))
    dirs.push(dir)
    const db = join(dir, 'leadscore.db')
    const receiver = await startReceiver()
    receivers.push(receiver)
    // the CRM takes a few, then fails: deliveries pile up in the outbox
    receiver.respond = (_r, i) => (i < 10 ? { status: 200 } : { status: 503 })

    const first = await startServer(db, FAST_RETRIES)
    procs.push(first.proc)
    const created = await fetch(`${first.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, types: ['mql.reached'] }),
    })
    expect(created.status).toBe(201)
    const { webhook } = (await created.json()) as { webhook: { id: string } }

    const acknowledged: string[] = []
    let stop = false
    const client = async (k: number) => {
      for (let i = 0; !stop; i++) {
        const user = `c${k}-${i}`
        try {
          const res = await fetch(`${first.url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: write, 'content-type': 'application/json' },
            body: JSON.stringify({ batch: mqlMessages(user, Date.now()) }),
          })
          if (res.status === 200) acknowledged.push(user)
        } catch {
          return // the server is gone
        }
      }
    }
    const clients = [0, 1, 2].map(client)
    while (acknowledged.length < 60 || receiver.requests.length < 15)
      await new Promise((r) => setTimeout(r, 5))
    first.proc.kill('SIGKILL')
    stop = true
    expect((await exited(first.proc)).signal).toBe('SIGKILL')
    await Promise.all(clients)

    receiver.respond = () => ({ status: 200 })
    const second = await startServer(db, FAST_RETRIES)
    procs.push(second.proc)
    const contactsOf = () =>
      new Set(
        receiver.requests
          .filter((r) => r.headers['leadscore-event'] === 'mql.reached')
          .map((r) => (r.json['contact'] as { id: string }).id),
      )
    await receiver.waitFor(() => acknowledged.every((id) => contactsOf().has(id)), 60_000)
    // nothing is left behind, and every stored delivery reached the receiver
    const pending = await fetch(
      `${second.url}/api/webhooks/${webhook.id}/deliveries?status=pending&limit=500`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    )
    await expect
      .poll(
        async () => {
          const res = await fetch(
            `${second.url}/api/webhooks/${webhook.id}/deliveries?status=pending&limit=500`,
            {
              headers: { authorization: `Bearer ${ADMIN}` },
            },
          )
          return ((await res.json()) as { deliveries: unknown[] }).deliveries.length
        },
        { timeout: 20_000 },
      )
      .toBe(0)
    expect(pending.status).toBe(200)
    const delivered = new Set(receiver.requests.filter((r) => r.json['id']).map((r) => r.json['id']))
    const log = await fetch(
      `${second.url}/api/webhooks/${webhook.id}/deliveries?status=delivered&limit=500`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    )
    const stored = ((await log.json()) as { deliveries: { id: string }[] }).deliveries
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length)
    for (const d of stored) expect(delivered.has(d.id)).toBe(true)

    second.proc.kill('SIGTERM')
    expect(await exited(second.proc)).toEqual({ code: 0, signal: null })
  }, 120_000)
})
