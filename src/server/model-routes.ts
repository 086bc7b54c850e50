/**
 * Model versions over HTTP: drafts (validated, with positioned issues), preview on the stored
 * contacts, publish with retroactive rescoring, rollback, archive, and the publish jobs.
 * @module
 */
import type { Hono } from 'hono'
import { labelsOf, type ModelLabels } from '../core/index.js'
import { compileSource, type Engine, type PublishJob } from '../engine/index.js'
import { localizeIssues } from '../i18n/model.js'
import type { ModelRecord, Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { HttpError } from './http-error.js'
import { requestLocale } from './locale.js'
import { parseJson, readBody } from './read-body.js'
import { draftBody, previewBody, publishBody, rollbackBody } from './schemas.js'

export interface ModelRouteDeps {
  readonly engine: Engine
  readonly store: Store
  readonly config: ServerConfig
}

/** A model version without its source. */
function summary(m: ModelRecord) {
  return {
    id: m.id,
    version: m.version,
    status: m.status,
    primary: m.primary,
    createdAt: m.createdAt,
    publishedAt: m.publishedAt,
  }
}

/**
 * The names of a version's bands, stages, journey entries and segments in `locale` (each id →
 * its label, else the id), compiled once per version. Null for a source that no longer validates.
 */
function labelCache() {
  const cache = new Map<string, ModelLabels | null>()
  return (m: ModelRecord, locale: string): ModelLabels | null => {
    const key = `${m.id}@${m.version}:${locale}`
    if (!cache.has(key)) {
      let labels: ModelLabels | null = null
      try {
        labels = labelsOf(compileSource(m.source).compiled, locale)
      } catch {
        labels = null
      }
      if (cache.size >= 256) cache.clear()
      cache.set(key, labels)
    }
    return cache.get(key) ?? null
  }
}

function job(j: PublishJob) {
  return {
    model: j.model,
    version: j.version,
    status: j.status,
    scored: j.scored,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    error: j.error,
  }
}

function versionParam(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new HttpError(
      400,
      'invalid_request',
      { key: 'model.version', values: { value: JSON.stringify(value) } },
      { hint: { key: 'model.version.hint' } },
    )
  }
  return n
}

/** An optional JSON body (an empty body is `{}`). */
async function optionalJson(request: Request, limit: number): Promise<unknown> {
  const raw = await readBody(request, limit)
  return raw.toString('utf8').trim() === '' ? {} : parseJson(raw)
}

/** Adds the model routes to `app`. */
export function modelRoutes(app: Hono<AppEnv>, deps: ModelRouteDeps): void {
  const { engine, store, config } = deps
  const admin = requireKey(engine, ['admin'])
  const labels = labelCache()

  app.get('/api/models', admin, async (c) => {
    const latest = await store.listModels()
    const published = new Map(engine.publishedModels().map((m) => [m.record.id, m]))
    const locale = requestLocale(c)
    return c.json({
      models: latest.map((m) => {
        const live = published.get(m.id)
        return {
          id: m.id,
          latest: summary(m),
          published: live ? summary(live.record) : null,
          // the names people see, in the request's language: of the published version, else the latest
          labels: live ? labelsOf(live.compiled, locale) : labels(m, locale),
        }
      }),
      jobs: engine.publishJobs().map(job),
    })
  })

  app.post('/api/models', admin, async (c) => {
    const raw = await readBody(c.req.raw, config.maxApiBytes)
    const type = c.req.header('content-type') ?? ''
    const source = /yaml|yml|text\/plain/i.test(type)
      ? raw.toString('utf8')
      : draftBody.parse(parseJson(raw)).source
    const draft = await engine.createDraft(source)
    return c.json(
      { model: summary(draft.model), warnings: localizeIssues(draft.warnings, requestLocale(c)) },
      201,
    )
  })

  app.get('/api/models/:id/versions', admin, async (c) => {
    const id = c.req.param('id')
    const versions = await store.listModelVersions(id)
    if (versions.length === 0)
      throw new HttpError(404, 'not_found', { key: 'model.none', values: { id: JSON.stringify(id) } })
    return c.json({ versions: versions.map(summary) })
  })

  app.get('/api/models/:id/versions/:version', admin, async (c) => {
    const id = c.req.param('id')
    const version = versionParam(c.req.param('version'))
    const model = await store.getModel(id, version)
    if (!model)
      throw new HttpError(404, 'not_found', {
        key: 'model.noVersion',
        values: { id: JSON.stringify(id), version },
      })
    return c.json({ ...summary(model), source: model.source, labels: labels(model, requestLocale(c)) })
  })

  app.post('/api/models/:id/preview', admin, async (c) => {
    const body = previewBody.parse(await optionalJson(c.req.raw, config.maxApiBytes))
    return c.json(await engine.previewModel(c.req.param('id'), body.version))
  })

  app.post('/api/models/:id/versions/:version/publish', admin, async (c) => {
    const body = publishBody.parse(await optionalJson(c.req.raw, config.maxApiBytes))
    const started = await engine.publishModel(c.req.param('id'), versionParam(c.req.param('version')), {
      primary: body.primary,
    })
    return c.json({ job: job(started) }, 202)
  })

  app.post('/api/models/:id/rollback', admin, async (c) => {
    const body = rollbackBody.parse(await optionalJson(c.req.raw, config.maxApiBytes))
    return c.json({ job: job(await engine.rollbackModel(c.req.param('id'), body.version)) }, 202)
  })

  app.post('/api/models/:id/versions/:version/archive', admin, async (c) => {
    const model = await engine.archiveModel(c.req.param('id'), versionParam(c.req.param('version')))
    return c.json({ model: summary(model) })
  })
}
