/**
 * Training a predictive model from the stored contacts: who converted (a stage reached, a
 * label property, an outcome event) and when; each contact's features as of a cut-off just
 * before its conversion (point in time; as of the training time for the others), computed by
 * `src/predict`'s behaviour features; then the same training, evaluation and warnings as
 * `leadscore train` on a CSV file, and a new version in the registry.
 *
 * Memory: the contacts are read twice a page at a time (first the outcomes, cut-offs and which
 * columns to make; then the features), so only the feature table is held, never the events.
 * @module
 */
import { CREATED_PROPERTIES, isPositive, STAGE_PROPERTIES, timeOf } from '../../analysis/leads.js'
import { type CompiledModel, DAY_MS, type Properties } from '../../core/index.js'
import {
  BehaviourSpecBuilder,
  behaviourColumns,
  behaviourTable,
  concatTables,
  type LeadTable,
  PredictInputError,
  type TrainingReport,
  type TrainingWarning,
  trainModel,
  withColumn,
} from '../../predict/index.js'
import type { PredictiveModelRecord, Store } from '../../store/index.js'
import { compileSource } from '../models.js'
import { readContacts, type StoredContact } from './contact-pages.js'
import type { Progress } from './progress.js'
import { type CheckedRequest, describeOutcome, type PredictiveOutcome, requestOf } from './request.js'
import type { StoredPredictiveModel } from './stored-model.js'

const PAGE = 1000
const FEATURE_BATCH = 500

/** What the registry keeps as a version's evaluation. */
export interface StoredEvaluation {
  readonly learner: TrainingReport['learner']
  readonly contacts: number
  readonly conversions: number
  readonly conversionRate: number
  /** Conversions whose time is unknown: their features are as of the training time (or the snapshot). */
  readonly untimedConversions: number
  /** With a horizon: the snapshot the features are computed as of, and the days after it a conversion counts. */
  readonly horizonDays: number | null
  readonly snapshot: number | null
  /** With a horizon: contacts left out (not seen by the snapshot, or converted before it). */
  readonly leftOut: number
  readonly folds: number
  readonly seed: number
  readonly auc: number
  readonly aucStd: number
  readonly logLoss: number
  readonly brier: number
  readonly topDecileLift: number
  readonly liftByDecile: TrainingReport['liftByDecile']
  readonly calibration: TrainingReport['calibration']
  readonly candidates: TrainingReport['candidates']
  /** The 20 most important features. */
  readonly importance: TrainingReport['importance']
  readonly features: number
  readonly trainedAt: number
  readonly seconds: number
}

/** What a training from the store did. */
export interface StoreTrainingResult {
  readonly record: PredictiveModelRecord
  readonly evaluation: StoredEvaluation
  readonly warnings: readonly TrainingWarning[]
}

/** One contact's outcome: converted or not, and the cut-off its features are computed as of. */
interface Labelled {
  readonly converted: boolean
  readonly cutoff: number
  /** Converted at an unknown time. */
  readonly untimed: boolean
}

/**
 * Trains a new version of `request.modelId` from every stored contact as of `now`, stores it
 * (activated unless the request says not to) and resolves to it.
 * @throws {PredictInputError} when the data cannot be trained on (one class, too few of one outcome).
 */
export async function trainFromStore(
  store: Store,
  request: CheckedRequest,
  now: number,
  progress: (p: Progress) => void,
  clock: () => number = () => now,
): Promise<StoreTrainingResult> {
  const started = clock()
  const published = await store.publishedModels()
  const primary = published.find((m) => m.primary) ?? published[0]
  const scoring = primary === undefined ? undefined : compileSource(primary.source).compiled
  const withRules = scoring !== undefined && scoring.engagement.rules.length > 0 ? scoring : undefined
  const outcome = request.outcome
  const snapshot = request.horizonDays === null ? null : now - Math.round(request.horizonDays * DAY_MS)
  let leftOut = 0
  const stageTimes =
    outcome.kind === 'stage'
      ? await firstStageTimes(store, reachedStages(outcome.stage, scoring), primary?.id)
      : null

  // pass 1: outcomes, cut-offs, the columns
  const ids: string[] = []
  const labels = new Map<string, Labelled>()
  const builder = new BehaviourSpecBuilder()
  const accounts = new Map<string, Properties | undefined>()
  for (let after: string | null = null; ; ) {
    const page = await store.contactIds({ after, limit: PAGE })
    if (page.length === 0) break
    after = page.at(-1)!
    for (const contact of await readContacts(store, page, accounts)) {
      const label = labelOf(outcome, contact, stageTimes, now, snapshot)
      if (label === null) {
        leftOut++
        continue
      }
      ids.push(contact.record.id)
      labels.set(contact.record.id, label)
      builder.add({ contact: contact.input, events: contact.events, cutoff: label.cutoff })
    }
    progress({ step: 'reading the outcomes', done: ids.length, total: 0 })
  }
  const excluded = excludedProperties(outcome)
  const fitted = builder.finish(withRules === undefined ? {} : { model: withRules })
  const unknown = request.exclude.filter((name) => !fitted.properties.includes(name))
  if (unknown.length > 0)
    throw new PredictInputError(
      `no contact has the propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (to exclude)`,
      `names are case-sensitive; the properties are: ${fitted.properties.slice(0, 40).join(', ')}${fitted.properties.length > 40 ? ', ...' : ''}`,
    )
  const spec = {
    ...fitted,
    properties: fitted.properties.filter((p) => !excluded.has(p) && !isIdentifier(p)),
  }

  // pass 2: the features, as of each contact's cut-off
  const tables: LeadTable[] = []
  const cells: string[] = []
  for (let i = 0; i < ids.length; i += FEATURE_BATCH) {
    const contacts = await readContacts(store, ids.slice(i, i + FEATURE_BATCH), accounts)
    const rows = contacts.flatMap((c) => {
      const label = labels.get(c.record.id)
      if (label === undefined) return []
      cells.push(label.converted ? '1' : '0')
      return [{ contact: c.input, events: c.events, cutoff: label.cutoff }]
    })
    tables.push(behaviourTable(rows, spec, withRules))
    progress({
      step: 'computing the features',
      done: Math.min(ids.length, i + FEATURE_BATCH),
      total: ids.length,
    })
  }
  const header = behaviourColumns(spec)
  let label = 'outcome' // the label column: a name no feature has
  while (header.includes(label)) label = `_${label}`
  const table = withColumn(concatTables(header, tables), label, cells)

  const { model, report } = trainModel(table, {
    label,
    positive: '1',
    exclude: request.exclude.filter((name) => header.includes(name)),
    missingValues: request.missingValues,
    folds: request.folds,
    seed: request.seed,
    learner: request.learner,
    onProgress: (message) => {
      const fold = /fold (\d+) of (\d+)/.exec(message)
      progress({ step: message, done: fold ? Number(fold[1]) - 1 : 0, total: fold ? Number(fold[2]) : 0 })
    },
  })
  let untimed = 0
  for (const label of labels.values()) if (label.untimed) untimed++
  const warnings: TrainingWarning[] = [...report.warnings]
  if (untimed > 0)
    warnings.push({
      code: 'untimed-outcomes',
      message: `${untimed} of ${report.positives} conversions have no time: their behaviour is taken as of the training time, so what converted leads did after converting (product use, invoices) can leak into the model`,
      action:
        outcome.kind === 'property'
          ? `name the property with the time of the conversion (outcome time, e.g. converted_at), or use a stage or an outcome event`
          : 'set stages through the API or events as they happen, so each conversion has a time',
    })
  const behaviourLeaks = report.warnings.filter(
    (w) => w.code === 'probable-leak' && w.feature !== undefined && isBehaviour(w.feature),
  )
  if (request.horizonDays === null && behaviourLeaks.length > 0)
    warnings.push({
      code: 'behaviour-at-conversion',
      message: `behaviour alone nearly tells the outcome (${behaviourLeaks
        .slice(0, 3)
        .map((w) => w.feature)
        .join(
          ', ',
        )}): converted contacts are seen at the moment they converted, when they were most active, and the others as of now`,
      action:
        'train with a horizon (--horizon 90d, "horizonDays": 90): everyone as of 90 days ago, converted if they did within the 90 days since',
    })
  const stored: StoredPredictiveModel = {
    predictive: model,
    behaviour: spec,
    rules:
      withRules === undefined || primary === undefined
        ? null
        : { modelId: primary.id, version: primary.version },
  }
  const evaluation: StoredEvaluation = {
    learner: report.learner,
    contacts: report.rows,
    conversions: report.positives,
    conversionRate: report.positiveRate,
    untimedConversions: untimed,
    horizonDays: request.horizonDays,
    snapshot,
    leftOut,
    folds: report.folds,
    seed: report.seed,
    auc: report.auc,
    aucStd: report.aucStd,
    logLoss: report.logLoss,
    brier: report.brier,
    topDecileLift: report.topDecileLift,
    liftByDecile: report.liftByDecile,
    calibration: report.calibration,
    candidates: report.candidates,
    importance: report.importance.slice(0, 20),
    features: report.features.length,
    trainedAt: now,
    seconds: Math.round(clock() - started) / 1000,
  }
  progress({ step: 'storing the model', done: 0, total: 0 })
  let record = await store.createPredictiveModel({
    id: request.modelId,
    outcome: {
      ...outcome,
      text: request.outcomeText,
      description: describeOutcome(outcome),
      request: requestOf(request),
    },
    evaluation,
    warnings,
    model: stored,
    createdAt: clock(),
  })
  if (request.activate) record = await store.activatePredictiveModel(record.id, record.version, clock())
  return { record, evaluation, warnings }
}

/** The stage and the later stages of the scoring model (lower case); just the stage when the model does not have it. */
function reachedStages(stage: string, scoring: CompiledModel | undefined): Set<string> {
  const order = scoring?.stages.map((s) => s.id.toLowerCase()) ?? []
  const from = order.indexOf(stage.toLowerCase())
  return new Set(from < 0 ? [stage.toLowerCase()] : order.slice(from))
}

/** Each contact's first stage transition into `reached`, from the stage history. */
async function firstStageTimes(
  store: Store,
  reached: Set<string>,
  modelId: string | undefined,
): Promise<{ reached: Set<string>; at: Map<string, number> }> {
  const at = new Map<string, number>()
  for (let afterSeq = 0; ; ) {
    const page = await store.listTransitions({ kinds: ['stage'], modelId, afterSeq, limit: PAGE })
    if (page.length === 0) break
    afterSeq = page.at(-1)!.seq
    for (const t of page) {
      if (t.contactId === null || t.to === null || !reached.has(t.to.toLowerCase())) continue
      const before = at.get(t.contactId)
      if (before === undefined || t.at < before) at.set(t.contactId, t.at)
    }
  }
  return { reached, at }
}

/**
 * A contact's label and cut-off. Without a snapshot: converted ones as of just before their
 * conversion, the others as of now. With one (a horizon): every contact as of the snapshot,
 * converted when it converted after it; null for contacts not seen by then or converted before.
 */
function labelOf(
  outcome: PredictiveOutcome,
  contact: StoredContact,
  stages: { reached: Set<string>; at: Map<string, number> } | null,
  now: number,
  snapshot: number | null,
): Labelled | null {
  if (snapshot !== null && !(firstSeen(contact) <= snapshot)) return null
  const asOf = snapshot ?? now
  const no: Labelled = { converted: false, cutoff: asOf, untimed: false }
  let at: number | undefined
  if (outcome.kind === 'stage') {
    const stage = contact.record.stage
    if (stage === null || stages === null || !stages.reached.has(stage.toLowerCase())) return no
    at = stages.at.get(contact.record.id)
  } else if (outcome.kind === 'event') {
    const wanted = outcome.name.trim().toLowerCase()
    const first = contact.events.find((e) => e.name.trim().toLowerCase() === wanted)
    if (first === undefined || first.ts > now) return no
    at = first.ts
  } else {
    if (!isPositive(contact.record.properties[outcome.name], outcome.value)) return no
    if (outcome.timeProperty !== undefined) {
      const t = timeOf(contact.record.properties[outcome.timeProperty])
      if (!Number.isNaN(t)) at = t
    }
  }
  if (at !== undefined && at > now) return no
  if (snapshot !== null) {
    if (at !== undefined && at <= snapshot) return null
    return { converted: true, cutoff: snapshot, untimed: at === undefined }
  }
  // strictly before: the outcome (an event at that time, the stage change) is not a feature of itself
  return at === undefined
    ? { converted: true, cutoff: now, untimed: true }
    : { converted: true, cutoff: at - 1, untimed: false }
}

/** When a contact was first seen: its creation (stored, or a `created_at`-like property) or its first event. */
function firstSeen(contact: StoredContact): number {
  let t = contact.record.createdAt
  for (const p of CREATED_PROPERTIES) {
    const v = timeOf(contact.record.properties[p])
    if (v < t) t = v
  }
  for (const e of contact.events) if (e.ts < t) t = e.ts
  return t
}

/**
 * Properties that name a person or a company rather than describe them (ids, email, phone,
 * names, company, domain): never features. A model would learn who converted, not why, and their many
 * levels make training slow and the leak warnings noisy.
 */
function isIdentifier(property: string): boolean {
  const name = property.replace(/^account\./, '')
  return (
    /^(id|.+_id|e-?mail(_?address)?|phone(_?number)?|mobile|(first|last|full|middle)_?name|name|company(_?name)?|domain|website|url)$/i.test(
      name,
    ) || /[a-z]Id$/.test(name)
  )
}

/** A behaviour column of `behaviourTable` (not a property). */
function isBehaviour(feature: string): boolean {
  return /^(events\..+\.(count|decayed)_\d+d|active_days_\d+d|days_since_(last|first)_event|engagement|rule\..+)$/.test(
    feature,
  )
}

/** Properties that say the outcome itself: never features. */
function excludedProperties(outcome: PredictiveOutcome): Set<string> {
  if (outcome.kind === 'property')
    return new Set([outcome.name, ...(outcome.timeProperty === undefined ? [] : [outcome.timeProperty])])
  if (outcome.kind === 'stage') return new Set<string>(STAGE_PROPERTIES)
  return new Set()
}
