/**
 * The native contact API: the ranked queue (JSON pages or streamed CSV), counts, one
 * contact with its explanation, contact upserts and native events.
 * @module
 */
import type { Hono } from 'hono'
import type { z } from 'zod'
import type { Engine } from '../engine/index.js'
import type { ContactFilters, RankedContact, Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { ingestResponse } from './ingest-routes.js'
import { queryObject, readJson, values } from './read-body.js'
import {
  contactCountsQuery,
  contactDetailQuery,
  contactListQuery,
  contactUpsertBody,
  nativeEventsBody,
} from './schemas.js'

export interface ContactRouteDeps {
  readonly engine: Engine
  readonly store: Store
  readonly config: ServerConfig
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null
}

/** A contact's display name: first and last name, else the email, else null. */
export function displayName(p: Readonly<Record<string, unknown>>): string | null {
  const name = [text(p['first_name'] ?? p['firstName']), text(p['last_name'] ?? p['lastName'])]
    .filter((x) => x !== null)
    .join(' ')
  return name || text(p['name']) || null
}

function companyName(p: Readonly<Record<string, unknown>>): string | null {
  const company = p['company']
  if (company !== null && typeof company === 'object' && !Array.isArray(company))
    return text((company as Record<string, unknown>)['name'])
  return text(company) ?? text(p['company_name'])
}

/** A queue row as the API returns it. */
export function queueItem(r: RankedContact) {
  const p = r.contact.properties
  const s = r.score
  return {
    id: r.contact.id,
    name: displayName(p),
    email: text(p['email']),
    title: text(p['job_title'] ?? p['title']),
    company: companyName(p),
    accountId: r.contact.accountId,
    stage: r.contact.stage,
    owner: r.contact.owner,
    score: {
      model: s.modelId,
      version: s.modelVersion,
      total: s.total,
      fit: s.fit,
      engagement: s.engagement,
      grade: s.grade,
      level: s.level,
      label: s.label,
      band: s.band,
      stage: s.stage,
      journey: s.journey,
      segments: s.segments,
      likelihood: s.likelihood,
      lastActivityAt: s.lastActivityAt,
      scoredAt: s.scoredAt,
      nextChangeAt: s.nextChangeAt,
    },
  }
}

const CSV_COLUMNS = [
  'id',
  'name',
  'email',
  'title',
  'company',
  'account_id',
  'stage',
  'owner',
  'total',
  'fit',
  'engagement',
  'grade',
  'level',
  'label',
  'band',
  'journey',
  'segments',
  'likelihood',
  'last_activity_at',
] as const

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000)
  // a text starting like a formula is prefixed, so spreadsheets show it instead of running it
  const s = /^[=+\-@\t\r]/.test(String(value)) ? `'${String(value)}` : String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function csvRow(r: RankedContact): string {
  const item = queueItem(r)
  const s = item.score
  return `${[
    item.id,
    item.name,
    item.email,
    item.title,
    item.company,
    item.accountId,
    item.stage,
    item.owner,
    s.total,
    s.fit,
    s.engagement,
    s.grade,
    s.level,
    s.label,
    s.band,
    s.journey,
    s.segments.join('|'),
    s.likelihood,
    s.lastActivityAt === null ? null : new Date(s.lastActivityAt).toISOString(),
  ]
    .map(csvCell)
    .join(',')}\r\n`
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
    if (q.format === 'csv') {
      let cursor: string | null = q.cursor ?? null
      let started = false
      const encoder = new TextEncoder()
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!started) {
            started = true
            controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`))
            return
          }
          const page = await store.listContacts({ ...query, limit: 1000, cursor })
          if (page.items.length > 0) controller.enqueue(encoder.encode(page.items.map(csvRow).join('')))
          cursor = page.nextCursor
          if (cursor === null) controller.close()
        },
      })
      return c.body(stream, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="contacts-${model}.csv"`,
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
    return c.json(detail)
  })

  app.post('/api/contacts', admin, async (c) => {
    const body = await readJson(c.req.raw, contactUpsertBody, config.maxApiBytes)
    const list = 'contacts' in body ? body.contacts : [body]
    const contacts = await engine.upsertContacts(list, { keyId: c.get('key').id })
    return c.json({ contacts })
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
    return c.json(ingestResponse(result))
  })
}
