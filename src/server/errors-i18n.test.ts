import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import enApi from '../i18n/catalogs/en/api.json' with { type: 'json' }
import enModel from '../i18n/catalogs/en/model.json' with { type: 'json' }
import esApi from '../i18n/catalogs/es/api.json' with { type: 'json' }
import esModel from '../i18n/catalogs/es/model.json' with { type: 'json' }
import nlApi from '../i18n/catalogs/nl/api.json' with { type: 'json' }
import nlModel from '../i18n/catalogs/nl/model.json' with { type: 'json' }
import { type MemoryApp, memoryApp } from './test-support/memory-app.js'

const WRITE = 'i18n-write-key'
const ADMIN = 'i18n-admin-key'
const LANGS = ['en', 'es', 'nl'] as const
let env: MemoryApp

beforeAll(async () => {
  env = await memoryApp({ write: WRITE, admin: ADMIN })
  await call('en', 'POST', '/api/contacts', { contacts: [{ id: 'keep' }, { id: 'dup' }] })
  await call('en', 'POST', '/api/contacts/keep/merge', { from: 'dup' })
})
afterAll(async () => {
  await env.close()
})

/**
 * The English words of the `api` and `model` catalogs that no translation shares: runs of
 * three words or more between the messages' `{arguments}` (an answer in Spanish or Dutch that
 * holds one of them says something in English).
 */
function englishOnly(): string[] {
  const translated = [esApi, nlApi, esModel, nlModel].flatMap((c) => Object.values(c)).join('\n')
  const runs = new Set<string>()
  for (const message of [...Object.values(enApi), ...Object.values(enModel)]) {
    for (const piece of message.split(/[{}]/)) {
      if (/,\s*(select|plural)\s*,/.test(piece)) continue
      const text = piece.replace(/'/g, '').trim()
      if (text.split(/\s+/).length >= 3 && text.length >= 12 && !translated.includes(text)) runs.add(text)
    }
  }
  return [...runs]
}
const ENGLISH = englishOnly()

function englishIn(text: string): string[] {
  return ENGLISH.filter((run) => text.includes(run))
}

interface Answer {
  readonly status: number
  readonly language: string | null
  readonly body: Record<string, unknown>
}

async function call(
  lang: string,
  method: string,
  path: string,
  body?: unknown,
  auth = `Bearer ${ADMIN}`,
): Promise<Answer> {
  const res = await env.app.request(path, {
    method,
    headers: { authorization: auth, 'accept-language': lang, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return {
    status: res.status,
    language: res.headers.get('content-language'),
    body: (await res.json()) as Record<string, unknown>,
  }
}

type ErrorBody = { code: string; message: string; hint?: string; detail?: string; issues?: unknown }

/** The same request in English, Spanish and Dutch: same status and code, each in its language. */
async function inEveryLanguage(
  method: string,
  path: string,
  body?: unknown,
  auth?: string,
): Promise<Record<(typeof LANGS)[number], ErrorBody>> {
  const answers = await Promise.all(LANGS.map((lang) => call(lang, method, path, body, auth)))
  const errors = answers.map((a) => a.body['error'] as ErrorBody)
  expect(answers.map((a) => a.language)).toEqual([...LANGS])
  expect(new Set(answers.map((a) => a.status)).size).toBe(1)
  expect(answers[0]!.status).toBeGreaterThanOrEqual(400)
  expect(new Set(errors.map((e) => e.code)).size).toBe(1)
  const [en, es, nl] = errors as [ErrorBody, ErrorBody, ErrorBody]
  for (const said of [es, nl]) {
    expect(said.message).not.toBe(en.message)
    expect(said.detail).toBeUndefined()
    expect(englishIn(JSON.stringify(said))).toEqual([])
  }
  return { en, es, nl }
}

describe('API errors in Spanish and Dutch carry no English, with the same code', () => {
  it('the check finds English in an English answer (so it can fail)', async () => {
    const { body } = await call('en', 'GET', '/api/contacts/nobody')
    expect(englishIn(JSON.stringify(body))).not.toEqual([])
  })

  it('not found: a contact, a model version, a webhook endpoint, a delivery', async () => {
    const contact = await inEveryLanguage('GET', '/api/contacts/nobody')
    expect(contact.en).toMatchObject({ code: 'not_found', message: 'no contact "nobody"' })
    expect(contact.nl.message).toBe('contact "nobody" bestaat niet')
    const version = await inEveryLanguage('POST', '/api/models/b2b-saas/versions/99/publish')
    expect(version.es).toMatchObject({
      message: 'el modelo "b2b-saas" no tiene versión 99',
      hint: 'consulta sus versiones: GET /api/models/b2b-saas/versions',
    })
    const endpoint = await inEveryLanguage('GET', '/api/webhooks/nope')
    expect(endpoint.es.message).toBe('no existe el endpoint de webhook "nope"')
    await inEveryLanguage('GET', '/api/webhooks/deliveries/nope')
    await inEveryLanguage('GET', '/api/predictive/jobs/nope')
    await inEveryLanguage('GET', '/api/analysis/backtest?model=nope&version=2&outcome=stage%3Dcustomer')
  })

  it('a bad body field, a bad query value, a refused cursor, a bad URL, a bad filter', async () => {
    const union = await inEveryLanguage('POST', '/api/contacts', { id: 5 })
    expect(union.en.message).toBe('id: must be a string (the contact id)')
    expect(union.es.message).toBe('id: debe ser un texto')
    expect(union.nl.message).toBe('id: moet tekst zijn')
    const limit = await inEveryLanguage('GET', '/api/contacts?limit=5000')
    expect(limit.nl.message).toBe('limit: mag hoogstens 1000 zijn')
    const assignment = await inEveryLanguage('PUT', '/api/assignment', { owners: ['a'], weeklyCapacity: 0 })
    expect(assignment.es.message).toBe('weeklyCapacity: debe ser mayor que 0')
    const twice = await inEveryLanguage('PUT', '/api/assignment', { owners: ['ana', 'ana'] })
    expect(twice.en.message).toBe('assignment.owners: owners must not repeat')
    expect(twice.nl.message).toBe('assignment.owners: mag geen eigenaar twee keer bevatten')
    const shape = await inEveryLanguage('PUT', '/api/assignment', { owner: 'ana' })
    expect(shape.es.message).toBe('owners: debe ser una lista')
    const cursor = await inEveryLanguage('GET', '/api/contacts?cursor=zzz')
    expect(cursor.es).toMatchObject({
      code: 'invalid_request',
      message: 'cursor: no es un cursor devuelto por listContacts',
      field: 'cursor',
    })
    const url = await inEveryLanguage('POST', '/api/webhooks', { url: 'ftp://x', types: ['mql.reached'] })
    expect(url.nl.message).toBe('url: "ftp://x" is geen http(s)-URL')
    const yaml = await inEveryLanguage('POST', '/api/webhooks', {
      url: 'https://crm.example.com/hooks',
      types: ['mql.reached'],
      filter: 'score.grade: [A',
    })
    expect(yaml.es.message).toMatch(/^filter: no es YAML ni JSON válido \(línea 1, columna \d+\)$/)
    const json = await inEveryLanguage('POST', '/api/models', '{"source": ')
    expect(json.en.code).toBe('bad_json')
    expect(json.nl.message).toBe('de body is geen geldige JSON: hij houdt op voordat de JSON af is')
  })

  it('a bad time: a rejected event (answer and log), the native API, an as-of parameter', async () => {
    const basic = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`
    const answers = await Promise.all(
      LANGS.map((lang) =>
        call(lang, 'POST', '/v1/track', { userId: 'u', event: 'x', timestamp: '2024-02-30' }, basic),
      ),
    )
    const reasons = answers.map((a) => (a.body['rejections'] as { reason: string }[])[0]?.reason)
    expect(reasons).toEqual([
      'timestamp: "2024-02-30" is not a time: there is no such day in the calendar (write ISO-8601, e.g. 2026-11-01T09:30:00.000Z)',
      'timestamp: "2024-02-30" no es una fecha y hora válida: ese día no existe en el calendario (escríbela en ISO-8601, p. ej. 2026-11-01T09:30:00.000Z)',
      'timestamp: "2024-02-30" is geen geldig tijdstip: die dag bestaat niet in de kalender (schrijf het in ISO-8601, bv. 2026-11-01T09:30:00.000Z)',
    ])
    expect(answers.every((a) => !('text' in (a.body['rejections'] as object[])[0]!))).toBe(true)
    const log = await call('nl', 'GET', '/api/ingest/rejections?limit=1')
    expect((log.body['rejections'] as { reason: string }[])[0]?.reason).toBe(reasons[2])
    const native = await call(
      'es',
      'POST',
      '/api/events',
      { name: 'x', contactId: 'c', ts: 'yesterday' },
      basic,
    )
    expect((native.body['rejections'] as { reason: string }[])[0]?.reason).toBe(
      'timestamp: "yesterday" no es una fecha y hora válida: no es ni ISO-8601 ni milisegundos epoch (escríbela en ISO-8601, p. ej. 2026-11-01T09:30:00.000Z)',
    )
    const asOf = await inEveryLanguage(
      'GET',
      '/api/analysis/backtest?asOf=2026-11-01T25:00&outcome=stage%3Dcustomer',
    )
    expect(asOf.en.message).toBe('asOf: "2026-11-01T25:00" is not a time: there is no such time of day')
    expect(asOf.es.message).toBe(
      'asOf: "2026-11-01T25:00" no es una fecha ni una hora: esa hora del día no existe',
    )
  })

  it('a field of a rejected message, with its path as sent', async () => {
    const basic = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`
    const answers = await Promise.all(
      LANGS.map((lang) =>
        call(lang, 'POST', '/v1/batch', { batch: [{ type: 'track', userId: true }] }, basic),
      ),
    )
    expect(answers.map((a) => (a.body['rejections'] as { reason: string }[])[0]?.reason)).toEqual([
      'userId: must be a string (or a number)',
      'userId: debe ser un texto (o un número)',
      'userId: moet tekst zijn (of een getal)',
    ])
  })

  it('conflicts: archiving the primary model, merging a contact merged already', async () => {
    const primary = await inEveryLanguage('POST', '/api/models/b2b-saas/versions/1/archive')
    expect(primary.en).toMatchObject({
      code: 'conflict',
      message: 'model b2b-saas version 1 is the primary model',
    })
    expect(primary.nl).toMatchObject({
      code: 'conflict',
      message: 'versie 1 van model b2b-saas is het hoofdmodel',
    })
    const merged = await inEveryLanguage('POST', '/api/contacts/dup/merge', { from: 'keep' })
    expect(merged.es).toMatchObject({
      code: 'conflict',
      message: 'el contacto "dup" ya se fusionó con "keep"',
      hint: 'fusiónalo con "keep"',
    })
  })

  it('a model with a YAML syntax error: the issue in the language, line and column kept', async () => {
    const source = 'format: leadscore/v1\nid: b2b-saas\nfit:\n  max: 10\n   groups: []\n'
    const said = await inEveryLanguage('POST', '/api/models', { source })
    expect(said.en.code).toBe('invalid_model')
    const issues = (lang: 'es' | 'nl') =>
      (said[lang].issues as { code: string; line: number; column: number; message: string }[]).map(
        ({ code, line, column }) => ({ code, line, column }),
      )
    expect(issues('es')).toEqual(issues('nl'))
    expect(issues('es')[0]).toMatchObject({ code: 'yaml-syntax', line: 4 })
    expect(said.es.message).toMatch(/^el modelo tiene 1 error; el primero: .+ \(línea 4, columna \d+\)$/)
  })

  it('whatever the body, an error or a rejection in Spanish or Dutch holds no English and no detail', async () => {
    const names = ['id', 'url', 'types', 'filter', 'model', 'owners', 'weeklyCapacity', 'name', 'contactId']
    const more = ['ts', 'stage', 'from', 'source', 'outcome', 'folds', 'type', 'userId', 'event', 'timestamp']
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 6 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constantFrom(
          '2024-02-30',
          'https://x.example',
          'mql.reached',
          'b2b-saas',
          'track',
          'identify',
          '',
        ),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...names, ...more, 'sentAt', 'batch', 'contacts'), tie('v'), {
          maxKeys: 4,
        }),
      ),
    })).v
    const targets = [
      ['POST', '/api/contacts'],
      ['POST', '/api/events'],
      ['POST', '/api/webhooks'],
      ['PUT', '/api/assignment'],
      ['POST', '/v1/batch'],
      ['POST', '/v1/track'],
      ['POST', '/api/models'],
      ['POST', '/api/contacts/keep/merge'],
    ] as const
    const basic = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.constantFrom('es', 'nl'),
        value,
        fc.array(value, { maxLength: 3 }),
        async ([method, path], lang, body, batch) => {
          const auth = path.startsWith('/v1/') || path === '/api/events' ? basic : `Bearer ${ADMIN}`
          const sent = path === '/v1/batch' ? { batch } : body
          const { status, language, body: answer } = await call(lang, method, path, sent, auth)
          expect(language).toBe(lang)
          const error = answer['error'] as ErrorBody | undefined
          if (status >= 400) expect(error?.detail).toBeUndefined()
          const said = [error, answer['rejections']].map((part) => JSON.stringify(part ?? '')).join(' ')
          expect(englishIn(said)).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
  })
})
