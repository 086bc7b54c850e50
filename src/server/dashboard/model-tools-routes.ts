/**
 * What the model editor and the lead page need beyond the model API: the primary model's
 * bands, stages and thresholds; the JSON Schema for completion; checking and previewing a
 * source that is not saved yet (so typing does not create versions); and the "what if" of
 * one contact with hypothetical events, evaluated and never stored.
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import {
  type Classifier,
  evaluateContact,
  labelIn,
  type ModelDocument,
  type ScoreResult,
} from '../../core/index.js'
import { modelJsonSchema } from '../../core/model/index.js'
import { compileSource, type Engine, InvalidRequestError, NotFoundError } from '../../engine/index.js'
import { localizeIssues } from '../../i18n/model.js'
import type { Store, StoredEvent } from '../../store/index.js'
import { type AppEnv, requireKey } from '../auth.js'
import { requestLocale } from '../locale.js'
import { queryObject, readJson } from '../read-body.js'
import { bandThresholds } from './band-thresholds.js'

export interface ModelToolDeps {
  readonly engine: Engine
  readonly store: Store
  readonly maxBytes: number
}

const sourceBody = z.strictObject({ source: z.string().max(2_000_000) })
const whatIfBody = z.strictObject({
  model: z.string().optional(),
  events: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        properties: z.record(z.string(), z.unknown()).optional(),
        /** Epoch ms; default now. */
        ts: z.number().int().optional(),
      }),
    )
    .min(1)
    .max(100),
})

/** The event names a model's engagement rules count, for suggestions. */
function eventNames(document: ModelDocument): string[] {
  const names = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const x of node) visit(x)
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'event' && (typeof value === 'string' || Array.isArray(value)))
          for (const name of [value].flat()) if (typeof name === 'string' && name !== 'any') names.add(name)
        visit(value)
      }
  }
  visit(document.engagement)
  return [...names].sort()
}

/** Ids with their labels in `locale` (null where the model has none). */
function named(list: readonly Classifier[] | undefined, locale: string) {
  return (list ?? []).map((s) => ({ id: s.id, label: labelIn(s.label, locale) ?? null }))
}

/** The scores without the ledger. */
function scores(r: ScoreResult) {
  const { ledger: _ledger, groups: _groups, rules: _rules, ...rest } = r
  return rest
}

/** Adds the editor and "what if" routes to `app`. */
export function modelToolRoutes(app: Hono<AppEnv>, deps: ModelToolDeps): void {
  const { engine, store, maxBytes } = deps
  const admin = requireKey(engine, ['admin'])
  const described = new Map<string, unknown>()
  let schema: Record<string, unknown> | undefined

  app.get('/api/dashboard/model', admin, (c) => {
    const model = engine.modelFor(queryObject(c.req.url)['model'] as string | undefined)
    const locale = requestLocale(c)
    const key = `${model.record.id}@${model.record.version}:${locale}`
    let body = described.get(key)
    if (body === undefined) {
      const { document } = compileSource(model.record.source)
      body = {
        id: model.record.id,
        version: model.record.version,
        primary: model.record.primary,
        name: document.name ?? null,
        totalMax: model.compiled.totalMax,
        bands: bandThresholds(document.bands, locale),
        stages: named(document.stages, locale),
        journey: named(document.journey, locale),
        segments: named(document.segments, locale),
        committee: (document.accounts?.committee?.roles ?? []).map((r) => ({
          id: r.id,
          label: r.label ?? null,
        })),
        predictive: document.predictive !== undefined,
        events: eventNames(document),
      }
      described.set(key, body)
    }
    return c.json(body)
  })

  app.get('/api/dashboard/model-schema', admin, (c) => {
    schema ??= modelJsonSchema()
    c.header('Cache-Control', 'private, max-age=3600')
    return c.json(schema)
  })

  // 200 either way: problems are the answer, with their line and column
  app.post('/api/dashboard/models/check', admin, async (c) => {
    const { source } = await readJson(c.req.raw, sourceBody, maxBytes)
    try {
      const { compiled, warnings } = compileSource(source)
      return c.json({ ok: true, id: compiled.id, issues: localizeIssues(warnings, requestLocale(c)) })
    } catch (error) {
      if (error instanceof InvalidRequestError)
        return c.json({ ok: false, id: null, issues: localizeIssues(error.issues, requestLocale(c)) })
      throw error
    }
  })

  app.post('/api/dashboard/models/preview', admin, async (c) => {
    const { source } = await readJson(c.req.raw, sourceBody, maxBytes)
    const { compiled } = compileSource(source)
    const latest = (await store.listModelVersions(compiled.id)).at(-1)
    return c.json(
      await engine.previewCompiled({ id: compiled.id, version: (latest?.version ?? 0) + 1, compiled }),
    )
  })

  app.post('/api/dashboard/contacts/:id/what-if', admin, async (c) => {
    const body = await readJson(c.req.raw, whatIfBody, maxBytes)
    const id = c.req.param('id')
    const model = engine.modelFor(body.model)
    const contact = await store.getContact(id)
    if (contact === undefined) throw new NotFoundError(`no contact ${JSON.stringify(id)}`)
    const [events, account] = await Promise.all([
      store.contactEvents(id),
      contact.accountId === null ? undefined : store.getAccount(contact.accountId),
    ])
    const now = engine.clock.now()
    const input = { id, properties: contact.properties, account: account?.properties }
    const options = { currentStage: model.record.primary ? contact.stage : null }
    const before = evaluateContact(model.compiled, input, events, now, options)
    const hypothetical: StoredEvent[] = body.events.map((e, i) => ({
      id: `what-if-${i}`,
      contactId: id,
      anonymousId: null,
      name: e.name,
      ts: Math.min(e.ts ?? now, now),
      receivedAt: now,
      properties: (e.properties ?? {}) as StoredEvent['properties'],
    }))
    const all = [...events, ...hypothetical].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1))
    const after = evaluateContact(model.compiled, input, all, now, options)
    return c.json({
      model: { id: model.record.id, version: model.record.version },
      before: scores(before),
      after: { ...scores(after), ledger: after.ledger },
      delta: after.total - before.total,
    })
  })
}
