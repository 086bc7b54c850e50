import { afterEach, describe, expect, it } from 'vitest'
import { type MemoryApp, memoryApp } from './test-support/memory-app.js'

const keys = { write: 'w-key-merge', admin: 'a-key-merge' }
const admin = { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }

describe('POST /api/contacts/{id}/merge', () => {
  let running: MemoryApp | undefined
  afterEach(async () => {
    await running?.close()
    running = undefined
  })

  async function setUp() {
    running = await memoryApp(keys)
    const { app } = running
    const res = await app.request('/v1/batch', {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.write}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          {
            type: 'identify',
            userId: 'dup',
            messageId: 'i1',
            traits: { email: 'dup@x.example', phone: '1' },
          },
          { type: 'page', userId: 'dup', messageId: 'p1', properties: { path: '/pricing' } },
          { type: 'identify', userId: 'main', messageId: 'i2', traits: { email: 'main@x.example' } },
        ],
      }),
    })
    expect(res.status).toBe(200)
    return app
  }

  it('merges the duplicate and answers with the contact that remains', async () => {
    const app = await setUp()
    const res = await app.request('/api/contacts/main/merge', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ from: 'dup' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      contact: { id: string; properties: Record<string, unknown> }
      merged: string
    }
    expect(body).toMatchObject({
      merged: 'dup',
      contact: { id: 'main', properties: { email: 'main@x.example', phone: '1' } },
    })
    const read = await app.request('/api/contacts/dup', { headers: admin })
    expect(read.status).toBe(200)
    const detail = (await read.json()) as { contact: { id: string }; events: number }
    expect(detail).toMatchObject({ contact: { id: 'main' }, events: 1 })
  })

  it('answers 404, 409, 422 and 400 with what to do', async () => {
    const app = await setUp()
    const post = (path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: admin, body: JSON.stringify(body) })
    expect((await post('/api/contacts/main/merge', { from: 'nobody' })).status).toBe(404)
    expect((await post('/api/contacts/main/merge', { from: 'main' })).status).toBe(422)
    expect((await post('/api/contacts/main/merge', {})).status).toBe(400)
    expect((await post('/api/contacts/main/merge', { from: 'dup', extra: 1 })).status).toBe(400)
    expect((await post('/api/contacts/main/merge', { from: 'dup' })).status).toBe(200)
    const again = await post('/api/contacts/main/merge', { from: 'dup' })
    expect(again.status).toBe(409)
    expect(JSON.stringify(await again.json())).toMatch(/merged into \\"main\\" already/)
  })
})
