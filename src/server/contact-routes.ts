/**
 * The native contact API: the ranked queue (JSON pages, or streamed CSV / NDJSON), counts, one
 * contact with its explanation, contact upserts and native events.
 * @module
 */
import type { Hono } from 'hono'
import type { z } from 'zod'
import { exportContacts, queueItem } from '../engine/contact-export.js'
import type { Engine } from '../engine/index.js'
import type { ContactFilters, Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { ingestResponse } from './ingest-routes.js'
import { requestLocale } from './locale.js'
import { contactPredictions } from './predictive-routes.js'
import { queryObject, readJson, values } from './read-body.js'
import {
  contactCountsQuery,
  contactDetailQuery,
  contactListQuery,
  contactMergeBody,
  contactUpsertBody,
  nativeEventsBody,
} from './schemas.js'

export interface ContactRouteDeps {
  readonly engine: Engine
  readonly store: Store
  readonly config: ServerConfig
}

/** The store filters of a queue query. */
export function filtersOf(q: z.output<typeof contactListQuery>): ContactFilters {
  return {
    band: values(q.band),
    grade: values(q.grade),
    level: values(q.level),
    label: values(q.label),
    stage: values(q.stage),
    journey: values(q.journey),
    segment: values(q.segment),
    owner: values(q.owner),
    account: values(q.account),
    text: q.q?.trim() || undefined,
  }
}

/** Adds the contact routes to `app`. */
export function contactRoutes(app: Hono<AppEnv>, deps: ContactRouteDeps): void {
  const { engine, store, config } = deps
  const admin = requireKey(engine, ['admin'])

  app.get('/api/contacts', admin, async (c) => {
    const q = contactListQuery.parse(queryObject(c.req.url))
    const model = engine.modelFor(q.model).record.id
    const query = { model, sort: q.sort, direction: q.direction, filters: filtersOf(q) }
    if (q.format !== 'json') {
      const rows = exportContacts(store, { ...query, cursor: q.cursor }, q.format)
      const encoder = new TextEncoder()
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await rows.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value.text))
        },
        async cancel() {
          await rows.return(undefined)
        },
      })
      return c.body(stream, 200, {
        'Content-Type':
          q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="contacts-${model}.${q.format}"`,
      })
    }
    const page = await store.listContacts({ ...query, limit: q.limit, cursor: q.cursor ?? null })
    return c.json({ model, items: page.items.map(queueItem), nextCursor: page.nextCursor })
  })

  app.get('/api/contacts/counts', admin, async (c) => {
    const q = contactCountsQuery.parse(queryObject(c.req.url))
    const model = engine.modelFor(q.model).record.id
    return c.json({ model, by: q.by, counts: await store.countContacts({ model, by: q.by }) })
  })

  app.get('/api/contacts/:id', admin, async (c) => {
    const q = contactDetailQuery.parse(queryObject(c.req.url))
    const detail = await engine.contact(c.req.param('id'), { model: q.model, limit: q.limit })
    return c.json({ ...detail, predictions: await contactPredictions(store, detail.contact.id) })
  })

  app.post('/api/contacts', admin, async (c) => {
    const body = await readJson(c.req.raw, contactUpsertBody, config.maxApiBytes)
    const list = 'contacts' in body ? body.contacts : [body]
    const contacts = await engine.upsertContacts(list, { keyId: c.get('key').id })
    return c.json({ contacts })
  })

  app.post('/api/contacts/:id/merge', admin, async (c) => {
    const body = await readJson(c.req.raw, contactMergeBody, config.maxApiBytes)
    const contact = await engine.mergeContacts(body.from, c.req.param('id'), { keyId: c.get('key').id })
    return c.json({ contact, merged: body.from })
  })

  app.post('/api/events', requireKey(engine, ['write']), async (c) => {
    const body = await readJson(c.req.raw, nativeEventsBody, config.maxApiBytes)
    const list = Array.isArray(body) ? body : 'events' in body ? body.events : [body]
    const messages = list.map((e) => ({
      type: 'track',
      event: e.name,
      ...(e.id === undefined ? {} : { messageId: e.id }),
      ...(e.contactId === undefined ? {} : { userId: e.contactId }),
      ...(e.anonymousId === undefined ? {} : { anonymousId: e.anonymousId }),
      ...(e.ts === undefined ? {} : { timestamp: e.ts }),
      properties: e.properties ?? {},
    }))
    const result = await engine.ingest(messages, { keyId: c.get('key').id })
    return c.json(ingestResponse(result, requestLocale(c)))
  })
}
