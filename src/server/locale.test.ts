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
    expect(nl.labels.bands).toEqual({ hot: 'Heet', warm: 'Warm', cold: 'Koud' })
    expect(nl.labels.stages?.sql).toBe('Sales-gekwalificeerde lead (SQL)')
    const fr = (await (
      await get('/api/models/b2b-saas/versions/1', { 'accept-language': 'fr-FR, de;q=0.8' })
    ).json()) as {
      labels: Record<string, Record<string, string>>
    }
    expect(fr.labels.bands).toEqual({ hot: 'Hot', warm: 'Warm', cold: 'Cold' })
  })
})

type ErrorBody = {
  error: { code: string; message: string; hint?: string; detail?: string; issues?: unknown[] }
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  return ((await res.json()) as ErrorBody).error
}

describe('API errors in the request language', () => {
  it('the same bad request gives the same code in every language, and the message in that language', async () => {
    const said = await Promise.all(
      ['en', 'es', 'nl'].map(async (lang) =>
        errorOf(await get(`/api/models/b2b-saas/versions/x?lang=${lang}`)),
      ),
    )
    expect(said.map((e) => e.code)).toEqual(['invalid_request', 'invalid_request', 'invalid_request'])
    expect(said.map((e) => e.message)).toEqual([
      'version "x" is not a version number',
      'la versión "x" no es un número de versión',
      'versie "x" is geen versienummer',
    ])
    expect(said.map((e) => e.hint)).toEqual([
      'versions are 1, 2, 3, ...',
      'las versiones son 1, 2, 3...',
      'versies zijn 1, 2, 3, ...',
    ])
  })

  it('follows Accept-Language with its q-values', async () => {
    const nl = await errorOf(
      await get('/api/nothing-here', { 'accept-language': 'fr;q=1, nl;q=0.8, es;q=0.5' }),
    )
    expect(nl).toMatchObject({ code: 'not_found', message: 'geen route GET /api/nothing-here' })
    const es = await errorOf(await get('/api/nothing-here', { 'accept-language': 'nl;q=0.2, es-AR;q=0.9' }))
    expect(es.message).toBe('no existe la ruta GET /api/nothing-here')
    const en = await errorOf(await get('/api/nothing-here', { 'accept-language': 'de, fr;q=0.5' }))
    expect(en.message).toBe('no route GET /api/nothing-here')
  })

  it('says a missing or wrong key in the language, with the same 401', async () => {
    const res = await env.app.request('/api/models', { headers: { 'accept-language': 'es' } })
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toMatchObject({ code: 'unauthorized', message: 'hace falta una clave de API' })
    const wrong = await env.app.request('/api/models?lang=nl', { headers: { authorization: 'Bearer nope' } })
    expect(await errorOf(wrong)).toMatchObject({
      code: 'unauthorized',
      message: 'de API-sleutel is niet geldig (onbekend of ingetrokken)',
    })
  })

  it('says an invalid model draft and its issues in the language; codes, paths and lines stay', async () => {
    const source =
      'format: leadscore/v1\nid: b2b-saas\nfit:\n  max: 40\n  groups:\n    - id: g\n      rules:\n        - { when: { title: vp }, pionts: 10 }\n'
    const post = (lang: string) =>
      env.app.request(`/api/models?lang=${lang}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source }),
      })
    const [en, es] = await Promise.all([errorOf(await post('en')), errorOf(await post('es'))])
    expect(en.code).toBe('invalid_model')
    expect(es.code).toBe('invalid_model')
    expect(en.message).toBe(
      'the model has 1 error; first: fit.groups[0].rules[0].pionts: unknown key `pionts` (line 8, column 34)',
    )
    expect(es.message).toBe(
      'el modelo tiene 1 error; el primero: fit.groups[0].rules[0].pionts: clave desconocida `pionts` (línea 8, columna 34)',
    )
    expect(es.issues).toEqual([
      expect.objectContaining({
        code: 'unknown-key',
        path: 'fit.groups[0].rules[0].pionts',
        line: 8,
        message: 'clave desconocida `pionts`',
        hint: '¿querías decir `points`?',
      }),
    ])
  })

  it('says request validation errors in the language', async () => {
    const res = await get('/api/contacts?limit=0&lang=nl')
    const error = await errorOf(res)
    expect(error.code).toBe('invalid_request')
    expect(error.message).toBe('limit: moet minstens 1 zijn')
    expect(error.hint).toBe('bekijk op /docs wat dit endpoint accepteert')
  })

  it('says a contact the engine does not know in the language', async () => {
    const error = await errorOf(await get('/api/contacts/nobody', { 'accept-language': 'es' }))
    expect(error).toMatchObject({ code: 'not_found', message: 'no existe el contacto "nobody"' })
  })

  it('says why ingested messages were rejected in the language; the log keeps the reason for each reader', async () => {
    const res = await env.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`,
        'accept-language': 'nl',
      },
      body: JSON.stringify({ batch: [{ type: 'track', userId: 'u1' }, { type: 'identify' }] }),
    })
    const body = (await res.json()) as { rejections: { index: number; reason: string }[] }
    expect(body.rejections.map((r) => r.reason)).toEqual([
      'track heeft een eventnaam nodig (`event`)',
      'identify heeft een userId of een anonymousId nodig',
    ])
    const log = (await (await get('/api/ingest/rejections?limit=2', { 'accept-language': 'es' })).json()) as {
      rejections: { reason: string }[]
    }
    expect(log.rejections.map((r) => r.reason).sort()).toEqual([
      'identify necesita un userId o un anonymousId',
      'track necesita un nombre de evento (`event`)',
    ])
  })
})
