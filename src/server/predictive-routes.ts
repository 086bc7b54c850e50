/**
 * Predictive scoring over HTTP: train from the stored contacts (a job whose progress can be
 * read), the model registry (versions with their evaluation and warnings, activation), and a
 * refresh of the likelihoods. Training runs in the predictive service's worker thread.
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import { type Engine, NotFoundError } from '../engine/index.js'
import type { PredictiveService } from '../engine/predictive/index.js'
import type { PredictionRecord, PredictiveModelRecord, Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { HttpError } from './http-error.js'
import type { RouteDoc } from './openapi.js'
import { queryObject, readJson } from './read-body.js'

export interface PredictiveRouteDeps {
  readonly engine: Engine
  readonly predictive: PredictiveService
  readonly config: ServerConfig
}

const words = z.array(z.string().min(1)).max(500)

export const trainBody = z.strictObject({
  model: z
    .string()
    .optional()
    .meta({ description: 'The predictive model id to train a new version of (default conversions)' }),
  outcome: z.string().meta({
    description:
      'What a conversion is: stage=STAGE (the stage or a later one, at its first transition there), property=NAME[:VALUE] (true, yes or 1 without a value), or event=NAME (its first occurrence)',
    example: 'stage=customer',
  }),
  outcomeTime: z
    .string()
    .optional()
    .meta({ description: 'For a property outcome: the contact property holding when it converted' }),
  learner: z.enum(['auto', 'logistic', 'gbdt']).optional().meta({ description: 'Default auto' }),
  folds: z
    .number()
    .int()
    .min(2)
    .max(20)
    .optional()
    .meta({ description: 'Cross-validation folds (default 5)' }),
  seed: z.number().int().min(0).optional(),
  exclude: words.optional().meta({ description: 'Properties not to learn from' }),
  missingValues: words.optional().meta({ description: 'Values that mean "not answered", e.g. Select' }),
  activate: z
    .boolean()
    .optional()
    .meta({ description: 'Make the new version the active one (default true)' }),
  horizonDays: z.number().min(1).max(3650).optional().meta({
    description:
      'Learn "converts within this many days": every contact as of that many days ago (seen by then, not converted yet), converted if it did since. Default: converted contacts as of their conversion, the others as of now',
  }),
})

export const jobsQuery = z.object({
  model: z.string().optional().meta({ description: 'Only this predictive model’s jobs' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export const modelsQuery = z.object({
  model: z.string().optional().meta({ description: 'Only this predictive model id' }),
})

export const modelQuery = z.object({
  include: z
    .enum(['model'])
    .optional()
    .meta({ description: 'include=model adds the serialized model (features, learner, calibration)' }),
})

const version = z.coerce.number().int().min(1)

/** Adds the predictive routes to `app`. */
export function predictiveRoutes(app: Hono<AppEnv>, deps: PredictiveRouteDeps): void {
  const { engine, predictive, config } = deps
  const admin = requireKey(engine, ['admin'])

  app.post('/api/predictive/train', admin, async (c) => {
    const body = await readJson(c.req.raw, trainBody, config.maxApiBytes)
    const { model, ...rest } = body
    const start = await predictive.train({ ...rest, modelId: model }, 'api')
    if (!start.created)
      throw new HttpError(
        409,
        'training_running',
        { key: 'training.running', values: { model: start.job.modelId } },
        {
          hint: { key: 'training.running.hint', values: { job: start.job.id } },
          details: { job: start.job },
        },
      )
    return c.json({ job: start.job }, 202, { Location: `/api/predictive/jobs/${start.job.id}` })
  })

  app.get('/api/predictive/jobs', admin, async (c) => {
    const q = jobsQuery.parse(queryObject(c.req.url))
    return c.json({ jobs: await predictive.jobs(q.model, q.limit) })
  })

  app.get('/api/predictive/jobs/:id', admin, async (c) =>
    c.json({ job: await predictive.job(c.req.param('id')) }),
  )

  app.get('/api/predictive/models', admin, async (c) => {
    const q = modelsQuery.parse(queryObject(c.req.url))
    return c.json({ models: await predictive.models(q.model) })
  })

  app.get('/api/predictive/models/:id', admin, async (c) => {
    const q = modelQuery.parse(queryObject(c.req.url))
    return c.json({ model: shown(await predictive.model(c.req.param('id')), q.include === 'model') })
  })

  app.get('/api/predictive/models/:id/versions/:version', admin, async (c) => {
    const q = modelQuery.parse(queryObject(c.req.url))
    const v = versionParam(c.req.param('version'))
    return c.json({ model: shown(await predictive.model(c.req.param('id'), v), q.include === 'model') })
  })

  app.post('/api/predictive/models/:id/versions/:version/activate', admin, async (c) => {
    const { model } = await predictive.activate(c.req.param('id'), versionParam(c.req.param('version')))
    return c.json({ model: shown(model, false) })
  })

  app.post('/api/predictive/refresh', admin, async (c) => {
    void predictive.refresh()
    return c.json({ status: 'started' }, 202)
  })
}

function versionParam(text: string): number {
  const parsed = version.safeParse(text)
  if (!parsed.success)
    throw new NotFoundError(
      { key: 'predictive.version', values: { value: JSON.stringify(text) } },
      { key: 'predictive.version.hint' },
    )
  return parsed.data
}

/** A registry version as the API shows it: without the serialized model unless asked. */
function shown(record: PredictiveModelRecord, withModel: boolean): Record<string, unknown> {
  const { model, ...summary } = record
  return withModel ? { ...summary, model } : summary
}

/** A contact's likelihoods with their reasons, as `GET /api/contacts/:id` shows them. */
export interface PredictionView {
  readonly model: string
  readonly version: number
  /** Calibrated probability to convert, percent. */
  readonly likelihood: number
  readonly predictedAt: number
  /** The likelihood of an average lead, percent. */
  readonly base: number | null
  readonly raised: readonly unknown[]
  readonly lowered: readonly unknown[]
}

/** The stored predictions of a contact, for the contact API. */
export async function contactPredictions(store: Store, contactId: string): Promise<PredictionView[]> {
  return (await store.contactPredictions(contactId)).map(view)
}

function view(p: PredictionRecord): PredictionView {
  const reasons = (p.reasons ?? {}) as { base?: unknown; raised?: unknown; lowered?: unknown }
  return {
    model: p.modelId,
    version: p.modelVersion,
    likelihood: p.likelihood,
    predictedAt: p.predictedAt,
    base: typeof reasons.base === 'number' ? reasons.base : null,
    raised: Array.isArray(reasons.raised) ? reasons.raised : [],
    lowered: Array.isArray(reasons.lowered) ? reasons.lowered : [],
  }
}

const MODEL_NOTE =
  'A version: outcome (what counted as a conversion), evaluation (cross-validated AUC with its standard deviation, log loss, Brier score, top-decile lift, lift by decile, calibration table, feature importance), warnings, created and activated times.'

/** The OpenAPI description of these routes. */
export const PREDICTIVE_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/api/predictive/train',
    tag: 'Predictive',
    summary: 'Train a predictive model from the stored contacts',
    description:
      'Starts a training job in a worker thread (ingestion is not held up): every stored contact is labelled by the outcome; a converted contact’s features (properties, account properties, behaviour from events, the engagement rules’ points) are computed as of just before its conversion, the others’ as of now. Cross-validated like `leadscore train`, with the same warnings. The new version is stored, activated (unless activate is false), and every contact gets a likelihood with its reasons, copied into the scores of the scoring models whose `predictive: { model }` names it.',
    auth: 'admin',
    body: trainBody,
    responses: {
      '202': 'The job (follow it at Location)',
      '409': 'A training of this model is already running (the job is in error.job)',
      '422': 'An outcome, id or option that cannot be trained on',
    },
  },
  {
    method: 'get',
    path: '/api/predictive/jobs',
    tag: 'Predictive',
    summary: 'Training jobs, newest first',
    auth: 'admin',
    query: jobsQuery,
    responses: { '200': 'Jobs with status, step, progress (done of total), the version made, the error' },
  },
  {
    method: 'get',
    path: '/api/predictive/jobs/{id}',
    tag: 'Predictive',
    summary: 'One training job and its progress',
    auth: 'admin',
    params: { id: 'The job id (trn_...)' },
    responses: {
      '200': 'status queued, running, succeeded or failed; step; done of total; modelVersion; error',
      '404': 'No such job',
    },
  },
  {
    method: 'get',
    path: '/api/predictive/models',
    tag: 'Predictive',
    summary: 'The model registry: every version',
    description: MODEL_NOTE,
    auth: 'admin',
    query: modelsQuery,
    responses: { '200': 'Versions by id then version, without the serialized models' },
  },
  {
    method: 'get',
    path: '/api/predictive/models/{id}',
    tag: 'Predictive',
    summary: 'The active version of a predictive model',
    description: MODEL_NOTE,
    auth: 'admin',
    query: modelQuery,
    params: { id: 'The predictive model id' },
    responses: { '200': 'The version', '404': 'No active version' },
  },
  {
    method: 'get',
    path: '/api/predictive/models/{id}/versions/{version}',
    tag: 'Predictive',
    summary: 'One version of a predictive model',
    description: MODEL_NOTE,
    auth: 'admin',
    query: modelQuery,
    params: { id: 'The predictive model id', version: 'The version' },
    responses: { '200': 'The version', '404': 'No such version' },
  },
  {
    method: 'post',
    path: '/api/predictive/models/{id}/versions/{version}/activate',
    tag: 'Predictive',
    summary: 'Make a version the active one',
    description: 'Every contact is then predicted again with it, in the background.',
    auth: 'admin',
    params: { id: 'The predictive model id', version: 'The version' },
    responses: { '200': 'The version, active', '404': 'No such version' },
  },
  {
    method: 'post',
    path: '/api/predictive/refresh',
    tag: 'Predictive',
    summary: 'Predict the contacts that changed since their last prediction',
    description:
      'Contacts without a prediction from the active version, or with new events or property changes since theirs. The server also does this every 15 minutes.',
    auth: 'admin',
    responses: { '202': 'Started in the background' },
  },
]
