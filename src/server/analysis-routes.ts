/**
 * "Does the model work?" over HTTP, for the dashboard: signals, backtests, the threshold
 * from sales capacity, drift and suggested points, computed from the contacts and events
 * the service stores. Each request reads the store (contacts, accounts, every event) into
 * columns and runs the pure analysis (`src/analysis`) on them: seconds on a million events,
 * so these are admin tools, not hot paths.
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import {
  type BacktestOptions,
  compareBacktests,
  dataEnd,
  drift,
  type LeadData,
  NoMqlDefinitionError,
  type OutcomeSpec,
  outcomesOf,
  parseOutcome,
  rollingBacktest,
  scoredBacktest,
  signals,
  suggestPoints,
  thresholdForCapacity,
} from '../analysis/index.js'
import {
  type CompiledModel,
  type ContactColumns,
  DAY_MS,
  EventColumnsBuilder,
  type Properties,
} from '../core/index.js'
import { compileSource, type Engine, NotFoundError } from '../engine/index.js'
import { type ApiText, sayApi } from '../i18n/api.js'
import { parseTimestamp, timestampProblem } from '../io/parse-timestamp.js'
import type { ModelRecord, Store } from '../store/index.js'
import { type AppEnv, requireKey } from './auth.js'
import type { ServerConfig } from './config.js'
import { HttpError } from './http-error.js'
import type { RouteDoc } from './openapi.js'
import { queryObject, readJson } from './read-body.js'

export interface AnalysisRouteDeps {
  readonly engine: Engine
  readonly store: Store
  readonly config: ServerConfig
}

const time = (what: string) =>
  z
    .string()
    .optional()
    .meta({ description: `${what} (ISO-8601)` })
const days = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of days' })
    .positive({ error: 'must be above 0' })
    .default(fallback)
    .meta({ description: `Days after the date in which a conversion counts (default ${fallback})` })
const outcome = z.string().default('stage=customer').meta({
  description: 'What a conversion is: stage=STAGE (default customer), event=NAME or property=NAME[:VALUE]',
})
const modelParam = z.string().optional().meta({ description: 'The model id (default: the primary model)' })
const versionParam = z.coerce
  .number()
  .int()
  .min(1)
  .optional()
  .meta({ description: 'The version (default: the published one, else the latest)' })

export const signalsQuery = z.object({
  outcome,
  model: z.string().optional().meta({ description: 'Also report the rules of this model' }),
  version: versionParam,
  asOf: time(
    'Signals as of this time, conversions in the `days` after (default: events before each conversion)',
  ),
  days: days(90),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(100)
    .meta({ description: 'Signals returned, most evidence first (default 100)' }),
})

export const backtestQuery = z.object({
  outcome,
  model: modelParam,
  version: versionParam,
  compare: z
    .string()
    .optional()
    .meta({ description: 'A second model id (`id` or `id@version`), side by side' }),
  asOf: time('Score as of this time (default: `days` before the data ends)'),
  days: days(90),
  threshold: z.coerce
    .number()
    .optional()
    .meta({ description: 'MQL is a total at or above this (default: the hand-off stage)' }),
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(260)
    .optional()
    .meta({ description: 'Run weekly over this many weeks before asOf' }),
})

export const thresholdQuery = z.object({
  outcome,
  model: modelParam,
  version: versionParam,
  capacity: z.coerce
    .number({ error: 'must be a number of leads' })
    .positive({ error: 'must be above 0' })
    .meta({ description: 'Leads sales can work per week' }),
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(104)
    .default(12)
    .meta({ description: 'Weeks looked back (default 12)' }),
  asOf: time('The end of the last week (default: `days` before the data ends)'),
  days: days(90),
})

export const driftQuery = z.object({
  outcome,
  model: modelParam,
  version: versionParam,
  from: time('The first month (default: 6 months before `to`)'),
  to: time('The last month (default: where the data ends)'),
  days: days(30),
})

export const suggestBody = z
  .object({
    outcome,
    model: modelParam,
    version: versionParam,
    asOf: time(
      'Rules as of this time, conversions in the `days` after (default: `days` before the data ends)',
    ),
    days: z
      .number()
      .positive()
      .default(90)
      .meta({ description: 'Days after asOf in which a conversion counts (default 90)' }),
    holdout: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.3)
      .meta({ description: 'Share of leads held out for the check (default 0.3)' }),
    saveDraft: z
      .boolean()
      .default(false)
      .meta({ description: 'Store the suggestion as a new draft version of the model' }),
  })
  .strict()

/** Adds the analysis routes to `app`. */
export function analysisRoutes(app: Hono<AppEnv>, deps: AnalysisRouteDeps): void {
  const { engine, store, config } = deps
  const admin = requireKey(engine, ['admin'])
  const load = async (text: string) => storedLeads(store, outcomeSpec(text), engine)

  app.get('/api/analysis/signals', admin, async (c) => {
    const q = signalsQuery.parse(queryObject(c.req.url))
    const model =
      q.model === undefined ? undefined : (await modelVersion(engine, store, q.model, q.version)).compiled
    const leads = await load(q.outcome)
    const report = signals(leads.data, {
      model,
      asOf: parseTime('asOf', q.asOf),
      horizonDays: q.days,
      exclude: leads.exclude,
    })
    return c.json({ outcome: q.outcome, ...report, signals: report.signals.slice(0, q.limit) })
  })

  app.get('/api/analysis/backtest', admin, async (c) => {
    const q = backtestQuery.parse(queryObject(c.req.url))
    const { compiled } = await modelVersion(engine, store, q.model, q.version)
    const leads = await load(q.outcome)
    const asOf = parseTime('asOf', q.asOf) ?? dataEnd(leads.data) - q.days * DAY_MS
    const options: BacktestOptions = { asOf, horizonDays: q.days, threshold: q.threshold }
    const other =
      q.compare === undefined ? undefined : await modelVersion(engine, store, ...splitVersion(q.compare))
    return mqlErrors(() => {
      if (q.weeks !== undefined) {
        const from = asOf - q.weeks * 7 * DAY_MS
        const models = other ? [compiled, other.compiled] : [compiled]
        return c.json({
          outcome: q.outcome,
          models: models.map((m) => rollingBacktest(m, leads.data, { ...options, from, to: asOf })),
        })
      }
      if (other)
        return c.json({
          outcome: q.outcome,
          ...compareBacktests(compiled, other.compiled, leads.data, options),
        })
      return c.json({ outcome: q.outcome, ...scoredBacktest(compiled, leads.data, options).report })
    })
  })

  app.get('/api/analysis/threshold', admin, async (c) => {
    const q = thresholdQuery.parse(queryObject(c.req.url))
    const { compiled } = await modelVersion(engine, store, q.model, q.version)
    const leads = await load(q.outcome)
    const to = parseTime('asOf', q.asOf) ?? dataEnd(leads.data) - q.days * DAY_MS
    const report = thresholdForCapacity(compiled, leads.data, {
      capacityPerWeek: q.capacity,
      to,
      weeks: q.weeks,
      horizonDays: q.days,
    })
    return c.json({ outcome: q.outcome, ...report })
  })

  app.get('/api/analysis/drift', admin, async (c) => {
    const q = driftQuery.parse(queryObject(c.req.url))
    const { compiled } = await modelVersion(engine, store, q.model, q.version)
    const leads = await load(q.outcome)
    const end = dataEnd(leads.data)
    const to = parseTime('to', q.to) ?? end
    const from = parseTime('from', q.from) ?? to - 182 * DAY_MS
    return c.json({
      outcome: q.outcome,
      ...drift(compiled, leads.data, { from, to, horizonDays: q.days, dataEnd: end }),
    })
  })

  app.post('/api/analysis/suggest', admin, async (c) => {
    const body = await readJson(c.req.raw, suggestBody, config.maxApiBytes)
    const { record, compiled } = await modelVersion(engine, store, body.model, body.version)
    const leads = await load(body.outcome)
    const asOf = parseTime('asOf', body.asOf) ?? dataEnd(leads.data) - body.days * DAY_MS
    const suggestion = suggestPoints(compiled, record.source, leads.data, {
      asOf,
      horizonDays: body.days,
      holdout: body.holdout,
      exclude: leads.exclude,
    })
    const saved = body.saveDraft ? await engine.createDraft(suggestion.draft, { id: compiled.id }) : undefined
    return c.json({
      outcome: body.outcome,
      ...suggestion,
      draftVersion: saved ? { id: saved.model.id, version: saved.model.version } : null,
    })
  })
}

function outcomeSpec(text: string): OutcomeSpec {
  const spec = parseOutcome(text)
  if ('error' in spec) {
    // the analysis' English words for English readers; the catalog's for the others
    const said: ApiText = { key: 'analysis.outcome', values: { value: JSON.stringify(text) } }
    throw new HttpError(400, 'invalid_request', `outcome: ${spec.error}`, {
      say: (locale) => ({ message: sayApi(said, locale) }),
    })
  }
  return spec
}

function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  // the times events carry: ISO-8601 (UTC unless it says otherwise) or epoch milliseconds
  const t = parseTimestamp(value)
  if (t === undefined) {
    const problem = timestampProblem(value) ?? 'format'
    throw new HttpError(
      400,
      'invalid_request',
      {
        key: 'analysis.time',
        values: { name, value: JSON.stringify(value) },
        texts: { problem: { key: 'time.problem', values: { problem } } },
      },
      { hint: { key: 'analysis.time.hint' } },
    )
  }
  return t
}

function splitVersion(text: string): [string, number | undefined] {
  const at = text.lastIndexOf('@')
  if (at < 0) return [text, undefined]
  const version = Number(text.slice(at + 1))
  if (!Number.isSafeInteger(version) || version < 1)
    throw new HttpError(400, 'invalid_request', {
      key: 'analysis.compare',
      values: { value: JSON.stringify(text) },
    })
  return [text.slice(0, at), version]
}

function mqlErrors(run: () => Response): Response {
  try {
    return run()
  } catch (error) {
    if (error instanceof NoMqlDefinitionError) {
      throw new HttpError(422, 'invalid_request', error.message, {
        hint: { key: 'analysis.mql.hint' },
        say: (locale) => ({
          message: sayApi({ key: 'analysis.mql' }, locale),
          hint: sayApi({ key: 'analysis.mql.hint' }, locale),
        }),
      })
    }
    throw error
  }
}

/** A model version and its compiled form: the given version, else the published one, else the latest. */
async function modelVersion(
  engine: Engine,
  store: Store,
  id: string | undefined,
  version: number | undefined,
): Promise<{ record: ModelRecord; compiled: CompiledModel }> {
  if (id === undefined) {
    if (version !== undefined)
      throw new HttpError(400, 'invalid_request', { key: 'analysis.versionNeedsModel' })
    return engine.primaryModel()
  }
  if (version === undefined) {
    const published = engine.publishedModels().find((m) => m.record.id === id)
    if (published) return published
  }
  const record =
    version === undefined ? (await store.listModelVersions(id)).at(-1) : await store.getModel(id, version)
  if (!record)
    throw new NotFoundError({
      key: 'model.noneAt',
      values: { id, version: version === undefined ? 'none' : String(version) },
    })
  return { record, compiled: compileSource(record.source).compiled }
}

/** A model id that never exists (ids are letters, digits, `-` and `_`): every contact is "stale" for it. */
const EVERY_CONTACT = ' every contact'
const PAGE = 1000

/** The stored contacts, their accounts and events as columns, with outcomes under `spec`. */
export async function storedLeads(
  store: Store,
  spec: OutcomeSpec,
  engine: Engine,
): Promise<{ data: LeadData; exclude: string[] }> {
  const ids: string[] = []
  const properties: Properties[] = []
  const accountIds: (string | null)[] = []
  const stages: (string | null)[] = []
  const created: number[] = []
  const index = new Map<string, number>()
  for (let after: string | null = null; ; ) {
    const page = await store.staleContacts({ model: EVERY_CONTACT, version: 1, after, limit: PAGE })
    if (page.length === 0) break
    after = page.at(-1)!
    for (const contact of await store.getContacts(page)) {
      index.set(contact.id, ids.length)
      ids.push(contact.id)
      properties.push(contact.properties)
      accountIds.push(contact.accountId)
      stages.push(contact.stage)
      created.push(contact.createdAt)
    }
  }
  const accounts = new Map<string, Properties | undefined>()
  for (const id of accountIds)
    if (id !== null && !accounts.has(id)) accounts.set(id, (await store.getAccount(id))?.properties)
  const contacts: ContactColumns = {
    length: ids.length,
    ids,
    properties,
    accounts: accountIds.map((id) => (id === null ? undefined : accounts.get(id))),
  }
  const builder = new EventColumnsBuilder({ contacts: ids.length })
  const aliases = new Map<string, number | undefined>()
  for await (const page of store.streamEvents({ pageSize: 10_000 })) {
    for (const event of page) {
      let c = event.contactId === null ? undefined : index.get(event.contactId)
      if (c === undefined && event.anonymousId !== null) {
        if (!aliases.has(event.anonymousId)) {
          const owner = await store.contactOfAlias(event.anonymousId)
          aliases.set(event.anonymousId, owner === undefined ? undefined : index.get(owner))
        }
        c = aliases.get(event.anonymousId)
      }
      if (c !== undefined) builder.add(c, event)
    }
  }
  const events = builder.finish()
  const outcomes = outcomesOf(spec, contacts, events)
  for (let c = 0; c < ids.length; c++) {
    if (!(outcomes.firstSeen[c]! <= created[c]!)) outcomes.firstSeen[c] = created[c]!
  }
  if (spec.kind === 'stage') await stageOutcomes(store, engine, spec.stage, index, stages, outcomes)
  const exclude = spec.kind === 'event' || spec.kind === 'property' ? [spec.name] : []
  return { data: { contacts, events, outcomes }, exclude }
}

/** Converted: the contact's lifecycle stage is `stage` or a later one of the primary model; when: its first transition there. */
async function stageOutcomes(
  store: Store,
  engine: Engine,
  stage: string,
  index: ReadonlyMap<string, number>,
  stages: readonly (string | null)[],
  outcomes: { converted: Uint8Array; at: Float64Array },
): Promise<void> {
  const order = engine.publishedModels()[0]?.compiled.stages.map((s) => s.id) ?? []
  const from = order.findIndex((s) => s.toLowerCase() === stage.toLowerCase())
  const reached = new Set(from < 0 ? [stage.toLowerCase()] : order.slice(from).map((s) => s.toLowerCase()))
  stages.forEach((s, c) => {
    outcomes.converted[c] = s !== null && reached.has(s.toLowerCase()) ? 1 : 0
    outcomes.at[c] = Number.NaN
  })
  for (let afterSeq = 0; ; ) {
    const page = await store.listTransitions({ kinds: ['stage'], afterSeq, limit: PAGE })
    if (page.length === 0) break
    afterSeq = page.at(-1)!.seq
    for (const t of page) {
      const c = t.contactId === null ? undefined : index.get(t.contactId)
      if (c === undefined || outcomes.converted[c] !== 1 || t.to === null || !reached.has(t.to.toLowerCase()))
        continue
      if (!(outcomes.at[c]! <= t.at)) outcomes.at[c] = t.at
    }
  }
}

const OUTCOME_NOTE =
  'Computed from the stored contacts and events; a lead converts when it reaches the outcome (default: stage customer, at its first transition there).'

/** The OpenAPI description of these routes. */
export const ANALYSIS_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/analysis/signals',
    tag: 'Analysis',
    summary: 'Conversion rate of every rule, event and property value',
    description: `${OUTCOME_NOTE} Each signal: leads, conversions, rate with a 95% Wilson interval, lift over the base rate, evidence (standard errors from the base rate, the sort key), median days to conversion, and whether it rests on few leads.`,
    auth: 'admin',
    query: signalsQuery,
    responses: {
      '200': 'The base rate and the signals, most evidence first',
      '400': 'A bad outcome or time',
    },
  },
  {
    method: 'get',
    path: '/api/analysis/backtest',
    tag: 'Analysis',
    summary: 'Score every lead as of a date, see who converted in the next days',
    description: `${OUTCOME_NOTE} Conversion by band, grade, label and stage; MQL precision and recall; ROC AUC of the total; lift by decile. With compare: both models and the leads they disagree on. With weeks: new MQLs week by week.`,
    auth: 'admin',
    query: backtestQuery,
    responses: {
      '200': 'The backtest report (or the comparison, or the weekly reports)',
      '404': 'No such model or version',
      '422': 'The model has no hand-off stage and no threshold was given',
    },
  },
  {
    method: 'get',
    path: '/api/analysis/threshold',
    tag: 'Analysis',
    summary: 'The MQL threshold that sales capacity allows',
    description: `${OUTCOME_NOTE} The lowest total threshold whose weekly volume of new MQLs over the last weeks stays within the capacity, with its precision and the conversions it would have missed.`,
    auth: 'admin',
    query: thresholdQuery,
    responses: { '200': 'The threshold, weekly volumes, precision, misses and the volume by threshold' },
  },
  {
    method: 'get',
    path: '/api/analysis/drift',
    tag: 'Analysis',
    summary: 'Conversion by band and the score mix per month',
    description: `${OUTCOME_NOTE} Warnings when a band converts significantly less than in the months before (two-proportion z-test, p < 0.01) or the band or score mix shifts (PSI > 0.2).`,
    auth: 'admin',
    query: driftQuery,
    responses: { '200': 'The months and the warnings' },
  },
  {
    method: 'post',
    path: '/api/analysis/suggest',
    tag: 'Analysis',
    summary: 'Suggested points: a draft model fitted to the outcomes',
    description: `${OUTCOME_NOTE} An L2-regularised logistic model on the rules' indicators and on event names no rule uses, its weights turned into points on the model's scale (fit at most half), the draft source with comments kept, a readable diff, and a backtest of both on held-out leads.`,
    auth: 'admin',
    body: suggestBody,
    responses: {
      '200': 'The suggestion, its draft and the held-out check',
      '404': 'No such model or version',
    },
  },
]
