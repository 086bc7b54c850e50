/**
 * Hand-off to sales over HTTP: webhook endpoints (secrets shown once), their delivery log,
 * redelivery, secret rotation; and the owner assignment rule.
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import type { Engine } from '../engine/index.js'
import { WEBHOOK_EVENT_TYPES } from '../store/records/webhook.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import type { RouteDoc } from './openapi.js'
import { queryObject, readJson } from './read-body.js'

export interface HandoffRouteDeps {
  readonly engine: Engine
  readonly config: ServerConfig
}

const types = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }))
  .min(1, { error: 'name at least one event type' })
  .meta({ description: `Event types to receive: ${WEBHOOK_EVENT_TYPES.join(', ')}` })

const filter = z
  .union([z.record(z.string(), z.unknown()), z.string(), z.null()])
  .optional()
  .meta({
    description:
      'A condition in the model language over the contact after the transition, e.g. { "score.grade": { "in": ["A", "B"] } } (an object, or YAML text)',
  })

export const webhookCreateBody = z.strictObject({
  url: z.string().meta({ description: 'Where to POST deliveries (http or https)' }),
  types,
  filter,
  model: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'Only this model’s transitions (default: the primary model)' }),
  description: z.string().max(500).nullable().optional(),
})

export const webhookUpdateBody = z.strictObject({
  url: z.string().optional(),
  types: types.optional(),
  filter,
  model: z.string().nullable().optional(),
  description: z.string().max(500).nullable().optional(),
  status: z.enum(['active', 'paused'], { error: 'must be active or paused' }).optional(),
})

export const rotateBody = z.strictObject({
  graceHours: z
    .number()
    .min(0)
    .max(720)
    .default(24)
    .meta({ description: 'How long the current secret stays valid beside the new one (default 24)' }),
})

export const deliveriesQuery = z.object({
  status: z
    .enum(['pending', 'delivered', 'dead'], { error: 'must be pending, delivered or dead' })
    .optional(),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export const assignmentBody = z
  .union([
    z.strictObject({
      owners: z.array(z.string()).meta({ description: 'Owners in turn order (e.g. e-mail addresses)' }),
      weeklyCapacity: z.number().int().positive().nullable().optional(),
      enabled: z.boolean().optional(),
    }),
    z.null(),
  ])
  .meta({ description: 'The assignment rule, or null to remove it' })

/** Adds the hand-off routes to `app`. */
export function handoffRoutes(app: Hono<AppEnv>, deps: HandoffRouteDeps): void {
  const { engine, config } = deps
  const admin = requireKey(engine, ['admin'])
  const hooks = engine.webhooks

  app.get('/api/webhooks', admin, async (c) => c.json({ webhooks: await hooks.list() }))

  app.post('/api/webhooks', admin, async (c) => {
    const body = await readJson(c.req.raw, webhookCreateBody, config.maxApiBytes)
    const created = await hooks.create(body)
    return c.json({ webhook: created.endpoint, secret: created.secret }, 201)
  })

  app.get('/api/webhooks/:id', admin, async (c) => c.json({ webhook: await hooks.get(c.req.param('id')) }))

  app.patch('/api/webhooks/:id', admin, async (c) => {
    const body = await readJson(c.req.raw, webhookUpdateBody, config.maxApiBytes)
    return c.json({ webhook: await hooks.update(c.req.param('id'), body) })
  })

  app.delete('/api/webhooks/:id', admin, async (c) => {
    await hooks.remove(c.req.param('id'))
    return c.body(null, 204)
  })

  app.post('/api/webhooks/:id/rotate-secret', admin, async (c) => {
    const raw = await c.req.raw.text()
    const body = rotateBody.parse(raw.trim() === '' ? {} : JSON.parse(raw))
    const rotated = await hooks.rotateSecret(c.req.param('id'), body.graceHours)
    return c.json({ webhook: rotated.endpoint, secret: rotated.secret })
  })

  app.get('/api/webhooks/:id/deliveries', admin, async (c) => {
    const q = deliveriesQuery.parse(queryObject(c.req.url))
    return c.json(await hooks.deliveries(c.req.param('id'), q))
  })

  app.get('/api/webhooks/deliveries/:delivery', admin, async (c) =>
    c.json({ delivery: await hooks.delivery(c.req.param('delivery')) }),
  )

  app.post('/api/webhooks/deliveries/:delivery/redeliver', admin, async (c) =>
    c.json({ delivery: await hooks.redeliver(c.req.param('delivery')) }, 202),
  )

  app.get('/api/assignment', admin, async (c) => c.json(await engine.assignment()))

  app.put('/api/assignment', admin, async (c) => {
    const body = await readJson(c.req.raw, assignmentBody, config.maxApiBytes)
    return c.json(await engine.setAssignment(body))
  })
}

const ENDPOINT = 'The endpoint (its secret is never shown again after creation or rotation)'

/** The OpenAPI description of these routes. */
export const HANDOFF_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/webhooks',
    tag: 'Webhooks',
    summary: 'The webhook endpoints',
    auth: 'admin',
    responses: { '200': 'Endpoints, oldest first' },
  },
  {
    method: 'post',
    path: '/api/webhooks',
    tag: 'Webhooks',
    summary: 'Subscribe an endpoint to transitions',
    description:
      'Deliveries are written in the transaction of the transition that causes them and sent at least once, in order per contact, signed (Leadscore-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">), with a unique Leadscore-Delivery id to deduplicate on. Failed attempts (network errors, timeouts, 408, 429, 5xx) are retried with exponential backoff and jitter, honouring Retry-After; other 4xx and the last attempt dead-letter the delivery.',
    auth: 'admin',
    body: webhookCreateBody,
    responses: { '201': `${ENDPOINT} and its signing secret`, '422': 'A bad URL, event type or filter' },
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'One endpoint',
    auth: 'admin',
    params: { id: 'The endpoint id (wh_...)' },
    responses: { '200': ENDPOINT, '404': 'No such endpoint' },
  },
  {
    method: 'patch',
    path: '/api/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'Change an endpoint (pause it with status: paused)',
    auth: 'admin',
    params: { id: 'The endpoint id' },
    body: webhookUpdateBody,
    responses: { '200': ENDPOINT, '404': 'No such endpoint', '422': 'A bad value' },
  },
  {
    method: 'delete',
    path: '/api/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'Delete an endpoint with its outbox and log',
    auth: 'admin',
    params: { id: 'The endpoint id' },
    responses: { '204': 'Deleted', '404': 'No such endpoint' },
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/rotate-secret',
    tag: 'Webhooks',
    summary: 'A new signing secret; the current one stays valid for graceHours (both sign meanwhile)',
    auth: 'admin',
    params: { id: 'The endpoint id' },
    body: rotateBody,
    responses: { '200': `${ENDPOINT} and the new secret` },
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    tag: 'Webhooks',
    summary: 'The delivery log of an endpoint, newest first (status, attempts, last status, latency)',
    auth: 'admin',
    params: { id: 'The endpoint id' },
    query: deliveriesQuery,
    responses: { '200': 'Deliveries and nextCursor' },
  },
  {
    method: 'get',
    path: '/api/webhooks/deliveries/{delivery}',
    tag: 'Webhooks',
    summary: 'One delivery with its payload and every attempt',
    auth: 'admin',
    params: { delivery: 'The delivery id (dlv_...)' },
    responses: { '200': 'The delivery', '404': 'No such delivery' },
  },
  {
    method: 'post',
    path: '/api/webhooks/deliveries/{delivery}/redeliver',
    tag: 'Webhooks',
    summary: 'Send a delivery again now (a dead letter, or one the receiver lost), with the same id',
    auth: 'admin',
    params: { delivery: 'The delivery id' },
    responses: { '202': 'Queued', '404': 'No such delivery' },
  },
  {
    method: 'get',
    path: '/api/assignment',
    tag: 'Owners',
    summary: 'The owner assignment rule and this week’s assignments per owner',
    auth: 'admin',
    responses: { '200': 'The rule (null: none), the week start and the counts' },
  },
  {
    method: 'put',
    path: '/api/assignment',
    tag: 'Owners',
    summary:
      'Set the owner assignment rule: new MQLs without an owner get the next owner, round robin, below weeklyCapacity',
    auth: 'admin',
    body: assignmentBody,
    responses: { '200': 'The rule now', '422': 'A bad rule' },
  },
]
