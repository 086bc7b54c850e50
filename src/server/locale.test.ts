import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MemoryApp, memoryApp } from './test-support/memory-app.js'

const WRITE = 'locale-write-key'
const ADMIN = 'locale-admin-key'
let env: MemoryApp

beforeAll(async () => {
  env = await memoryApp({ write: WRITE, admin: ADMIN })
})
afterAll(async () => {
  await env.close()
})

function get(path: string, headers: Record<string, string> = {}) {
  return env.app.request(path, { headers: { authorization: `Bearer ${ADMIN}`, ...headers } })
}

describe('model labels in the request language', () => {
  it('GET /api/models names bands, stages, journey and segments in the Accept-Language', async () => {
    const res = await get('/api/models', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' })
    expect(res.headers.get('content-language')).toBe('es')
    const body = (await res.json()) as {
      models: { id: string; labels: Record<string, Record<string, string>> }[]
    }
    const model = body.models.find((m) => m.id === 'b2b-saas')!
    expect(model.labels.bands).toEqual({ hot: 'Caliente', warm: 'Templado', cold: 'Frío' })
    expect(model.labels.stages?.mql).toBe('Lead calificado por marketing (MQL)')
    expect(model.labels.journey?.decision).toBe('Decisión')
  })

  it('?lang= wins over Accept-Language; an unknown language falls back to English', async () => {
    const nl = (await (
      await get('/api/models/b2b-saas/versions/1?lang=nl', { 'accept-language': 'es' })
    ).json()) as {
      labels: Record<string, Record<string, string>>
    }
    expect(nl.labels.bands).toEqual({ hot: 'Warm', warm: 'Lauw', cold: 'Koud' })
    expect(nl.labels.stages?.sql).toBe('Sales-gekwalificeerde lead (SQL)')
    const fr = (await (
      await get('/api/models/b2b-saas/versions/1', { 'accept-language': 'fr-FR, de;q=0.8' })
    ).json()) as {
      labels: Record<string, Record<string, string>>
    }
    expect(fr.labels.bands).toEqual({ hot: 'Hot', warm: 'Warm', cold: 'Cold' })
  })
})
