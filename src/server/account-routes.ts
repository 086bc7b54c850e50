/**
 * Accounts ranked by their score with the buying committee, one account with its members,
 * and the segments of a model with their sizes.
 * @module
 */
import type { Hono } from 'hono'
import { displayName } from '../engine/contact-export.js'
import type { Engine } from '../engine/index.js'
import type { Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import { HttpError } from './http-error.js'
import { queryObject } from './read-body.js'
import { accountListQuery, modelQuery } from './schemas.js'

export interface AccountRouteDeps {
  readonly engine: Engine
  readonly store: Store
}

/** Adds the account and segment routes to `app`. */
export function accountRoutes(app: Hono<AppEnv>, deps: AccountRouteDeps): void {
  const { engine, store } = deps
  const admin = requireKey(engine, ['admin'])

  app.get('/api/accounts', admin, async (c) => {
    const q = accountListQuery.parse(queryObject(c.req.url))
    const model = engine.modelFor(q.model).record.id
    const page = await store.listAccounts({ model, limit: q.limit, cursor: q.cursor ?? null })
    return c.json({
      model,
      items: page.items.map(({ account, score }) => ({
        id: account.id,
        name: typeof account.properties['name'] === 'string' ? account.properties['name'] : null,
        properties: account.properties,
        score: {
          total: score.total,
          fit: score.fit,
          engagement: score.engagement,
          band: score.band,
          contacts: score.contacts,
          committee: score.committee,
          scoredAt: score.scoredAt,
        },
      })),
      nextCursor: page.nextCursor,
    })
  })

  app.get('/api/accounts/:id', admin, async (c) => {
    const q = modelQuery.parse(queryObject(c.req.url))
    const model = engine.modelFor(q.model).record.id
    const id = c.req.param('id')
    const account = await store.getAccount(id)
    if (!account)
      throw new HttpError(404, 'not_found', { key: 'account.none', values: { id: JSON.stringify(id) } })
    const [scores, members] = await Promise.all([store.accountScores(id), store.accountMembers(id, model)])
    return c.json({
      account,
      scores,
      members: members.map((m) => ({
        id: m.contact.id,
        name: displayName(m.contact.properties),
        title: m.contact.properties['job_title'] ?? null,
        stage: m.contact.stage,
        score: m.score && {
          total: m.score.total,
          fit: m.score.fit,
          engagement: m.score.engagement,
          band: m.score.band,
          label: m.score.label,
        },
      })),
    })
  })

  app.get('/api/segments', admin, async (c) => {
    const q = modelQuery.parse(queryObject(c.req.url))
    const model = engine.modelFor(q.model)
    const counts = new Map(
      (await store.countContacts({ model: model.record.id, by: 'segment' })).map((r) => [r.value, r.count]),
    )
    return c.json({
      model: model.record.id,
      segments: model.compiled.segments.map((s) => ({
        id: s.id,
        label: s.label ?? null,
        contacts: counts.get(s.id) ?? 0,
      })),
    })
  })
}
