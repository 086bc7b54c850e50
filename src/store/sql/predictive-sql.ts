/**
 * The predictive model registry, training jobs and stored predictions in SQL. Versions are
 * numbered and activated under a lock per model id (a partial unique index keeps one active
 * version); a job is started only when no other job of the model runs, which also makes a
 * schedule shared by several processes train once.
 * @module
 */
import { StoreInputError, StoreNotFoundError } from '../errors.js'
import { fromJson } from '../json.js'
import type {
  ContactIdsQuery,
  PredictionBatch,
  PredictionRecord,
  PredictiveModelRecord,
  PredictiveModelSummary,
  PredictiveModelWrite,
  StalePredictionsQuery,
  TrainingJobRecord,
  TrainingJobUpdate,
  TrainingJobWrite,
  TrainingStatus,
} from '../records/predictive.js'
import { TRAINING_STATUSES, TRAINING_TRIGGERS } from '../records/predictive.js'
import * as v from '../validate.js'
import type { Executor, Row } from './executor.js'
import { chunks, marks } from './rows.js'

const SUMMARY_COLUMNS = 'id, version, active, outcome, evaluation, warnings, created_at, activated_at'
const JOB_COLUMNS =
  'id, model_id, started_by, status, request, step, done, total, model_version, error, created_at, started_at, updated_at, finished_at'
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

const numOrNull = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x))

function modelId(value: unknown, field = 'id'): string {
  const id = v.text(value, field)
  if (!ID_PATTERN.test(id))
    throw new StoreInputError(field, { key: 'store.modelId', values: { value: JSON.stringify(id) } })
  return id
}

function summaryFromRow(r: Row): PredictiveModelSummary {
  return {
    id: String(r['id']),
    version: Number(r['version']),
    active: Number(r['active']) === 1,
    outcome: fromJson(r['outcome']),
    evaluation: fromJson(r['evaluation']),
    warnings: fromJson(r['warnings']),
    createdAt: Number(r['created_at']),
    activatedAt: numOrNull(r['activated_at']),
  }
}

function recordFromRow(r: Row): PredictiveModelRecord {
  return { ...summaryFromRow(r), model: fromJson(r['model']) }
}

function jobFromRow(r: Row): TrainingJobRecord {
  return {
    id: String(r['id']),
    modelId: String(r['model_id']),
    trigger: String(r['started_by']) as TrainingJobRecord['trigger'],
    status: String(r['status']) as TrainingStatus,
    request: fromJson(r['request']),
    step: String(r['step']),
    done: Number(r['done']),
    total: Number(r['total']),
    modelVersion: numOrNull(r['model_version']),
    error: r['error'] === null || r['error'] === undefined ? null : String(r['error']),
    createdAt: Number(r['created_at']),
    startedAt: numOrNull(r['started_at']),
    updatedAt: Number(r['updated_at']),
    finishedAt: numOrNull(r['finished_at']),
  }
}

// ------------------------------------------------------------------------------------------------
// registry

export async function createPredictiveModel(
  exec: Executor,
  write: PredictiveModelWrite,
): Promise<PredictiveModelRecord> {
  if (write === null || typeof write !== 'object') throw new StoreInputError('model', v.AN_OBJECT)
  const id = modelId(write.id)
  const createdAt = v.time(write.createdAt, 'createdAt')
  if (!Array.isArray(write.warnings)) throw new StoreInputError('warnings', v.A_LIST)
  const outcome = v.json(write.outcome, 'outcome')
  const evaluation = v.json(write.evaluation, 'evaluation')
  const warnings = v.json(write.warnings, 'warnings')
  const model = v.json(write.model, 'model')
  return exec.transaction(async (tx) => {
    await tx.lock(`leadscore.predictive:${id}`)
    const [top] = await tx.all<{ top: number | null }>(
      'SELECT max(version) AS top FROM predictive_models WHERE id = ?',
      [id],
    )
    const version = Number(top?.top ?? 0) + 1
    await tx.run(
      'INSERT INTO predictive_models (id, version, active, outcome, evaluation, warnings, model, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?)',
      [id, version, outcome, evaluation, warnings, model, createdAt],
    )
    return {
      id,
      version,
      active: false,
      outcome: fromJson(outcome),
      evaluation: fromJson(evaluation),
      warnings: fromJson(warnings),
      model: fromJson(model),
      createdAt,
      activatedAt: null,
    }
  })
}

export async function getPredictiveModel(
  exec: Executor,
  id: string,
  version: number,
): Promise<PredictiveModelRecord | undefined> {
  const rows = await exec.all(
    `SELECT ${SUMMARY_COLUMNS}, model FROM predictive_models WHERE id = ? AND version = ?`,
    [v.text(id, 'id'), v.positiveInteger(version, 'version')],
  )
  return rows[0] === undefined ? undefined : recordFromRow(rows[0])
}

export async function activePredictiveModel(
  exec: Executor,
  id: string,
): Promise<PredictiveModelRecord | undefined> {
  const rows = await exec.all(
    `SELECT ${SUMMARY_COLUMNS}, model FROM predictive_models WHERE id = ? AND active = 1`,
    [v.text(id, 'id')],
  )
  return rows[0] === undefined ? undefined : recordFromRow(rows[0])
}

export async function listPredictiveModels(exec: Executor, id?: string): Promise<PredictiveModelSummary[]> {
  const rows =
    id === undefined
      ? await exec.all(`SELECT ${SUMMARY_COLUMNS} FROM predictive_models ORDER BY id, version`)
      : await exec.all(`SELECT ${SUMMARY_COLUMNS} FROM predictive_models WHERE id = ? ORDER BY version`, [
          v.text(id, 'id'),
        ])
  return rows.map(summaryFromRow)
}

export async function activatePredictiveModel(
  exec: Executor,
  id: string,
  version: number,
  at: number,
): Promise<PredictiveModelRecord> {
  v.text(id, 'id')
  v.positiveInteger(version, 'version')
  v.time(at, 'at')
  return exec.transaction(async (tx) => {
    await tx.lock(`leadscore.predictive:${id}`)
    const [found] = await tx.all('SELECT version FROM predictive_models WHERE id = ? AND version = ?', [
      id,
      version,
    ])
    if (found === undefined)
      throw new StoreNotFoundError({
        key: 'store.predictive.none',
        values: { id: JSON.stringify(id), version: String(version) },
      })
    await tx.run('UPDATE predictive_models SET active = 0 WHERE id = ? AND active = 1 AND version <> ?', [
      id,
      version,
    ])
    await tx.run(
      'UPDATE predictive_models SET active = 1, activated_at = ? WHERE id = ? AND version = ? AND active = 0',
      [at, id, version],
    )
    const [row] = await tx.all(
      `SELECT ${SUMMARY_COLUMNS}, model FROM predictive_models WHERE id = ? AND version = ?`,
      [id, version],
    )
    return recordFromRow(row!)
  })
}

// ------------------------------------------------------------------------------------------------
// training jobs

export interface StartTrainingOptions {
  /** A queued or running job not updated since this time is taken for abandoned (its process stopped): marked failed. */
  readonly staleBefore: number
  /** When given, no job is started if one of the model was created at or after this time (a schedule's period). */
  readonly notSince?: number | undefined
}

/**
 * Records a queued job unless another job of the model is queued or running (or, with
 * `notSince`, one was created since): then resolves to that one with `created: false`.
 */
export async function startTrainingJob(
  exec: Executor,
  job: TrainingJobWrite,
  options: StartTrainingOptions,
): Promise<{ job: TrainingJobRecord; created: boolean }> {
  if (job === null || typeof job !== 'object') throw new StoreInputError('job', v.AN_OBJECT)
  const id = v.text(job.id, 'id')
  const model = modelId(job.modelId, 'modelId')
  const trigger = v.oneOf(job.trigger, TRAINING_TRIGGERS, 'trigger')
  const request = v.json(job.request, 'request')
  const at = v.time(job.createdAt, 'createdAt')
  const staleBefore = v.time(options.staleBefore, 'staleBefore')
  const notSince = v.nullableTime(options.notSince, 'notSince')
  return exec.transaction(async (tx) => {
    await tx.lock(`leadscore.training:${model}`)
    await tx.run(
      `UPDATE training_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?
       WHERE model_id = ? AND status IN ('queued', 'running') AND updated_at < ?`,
      ['abandoned: the process running it stopped', at, at, model, staleBefore],
    )
    const [busy] = await tx.all(
      `SELECT ${JOB_COLUMNS} FROM training_jobs WHERE model_id = ? AND (status IN ('queued', 'running') OR created_at >= ?)
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [model, notSince ?? Number.MAX_SAFE_INTEGER],
    )
    if (busy !== undefined) return { job: jobFromRow(busy), created: false }
    await tx.run(
      `INSERT INTO training_jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, 'queued', ?, 'queued', 0, 0, NULL, NULL, ?, NULL, ?, NULL)`,
      [id, model, trigger, request, at, at],
    )
    const [row] = await tx.all(`SELECT ${JOB_COLUMNS} FROM training_jobs WHERE id = ?`, [id])
    return { job: jobFromRow(row!), created: true }
  })
}

export async function updateTrainingJob(
  exec: Executor,
  update: TrainingJobUpdate,
): Promise<TrainingJobRecord> {
  const id = v.text(update.id, 'id')
  const at = v.time(update.at, 'at')
  const status = update.status === undefined ? undefined : v.oneOf(update.status, TRAINING_STATUSES, 'status')
  return exec.transaction(async (tx) => {
    const [row] = await tx.all(
      `SELECT ${JOB_COLUMNS} FROM training_jobs WHERE id = ?${tx.dialect.forUpdate}`,
      [id],
    )
    if (row === undefined)
      throw new StoreNotFoundError({ key: 'store.job.none', values: { id: JSON.stringify(id) } })
    const job = jobFromRow(row)
    // progress arriving after the end (from another thread) changes nothing
    if (status === undefined && (job.status === 'succeeded' || job.status === 'failed')) return job
    const next: TrainingJobRecord = {
      ...job,
      status: status ?? job.status,
      step: update.step === undefined ? job.step : v.text(update.step, 'step'),
      done: update.done === undefined ? job.done : v.count(update.done, 'done'),
      total: update.total === undefined ? job.total : v.count(update.total, 'total'),
      modelVersion:
        update.modelVersion === undefined
          ? job.modelVersion
          : v.positiveInteger(update.modelVersion, 'modelVersion'),
      error: update.error === undefined ? job.error : v.text(update.error, 'error'),
      startedAt: job.startedAt ?? (status === 'running' ? at : null),
      finishedAt: status === 'succeeded' || status === 'failed' ? at : job.finishedAt,
      updatedAt: Math.max(job.updatedAt, at),
    }
    await tx.run(
      `UPDATE training_jobs SET status = ?, step = ?, done = ?, total = ?, model_version = ?, error = ?,
         started_at = ?, finished_at = ?, updated_at = ? WHERE id = ?`,
      [
        next.status,
        next.step,
        next.done,
        next.total,
        next.modelVersion,
        next.error,
        next.startedAt,
        next.finishedAt,
        next.updatedAt,
        id,
      ],
    )
    return next
  })
}

export async function getTrainingJob(exec: Executor, id: string): Promise<TrainingJobRecord | undefined> {
  const [row] = await exec.all(`SELECT ${JOB_COLUMNS} FROM training_jobs WHERE id = ?`, [v.text(id, 'id')])
  return row === undefined ? undefined : jobFromRow(row)
}

export async function listTrainingJobs(
  exec: Executor,
  query: { readonly modelId?: string | undefined; readonly limit?: number | undefined },
): Promise<TrainingJobRecord[]> {
  const limit = v.positiveInteger(query.limit ?? 50, 'limit')
  const rows =
    query.modelId === undefined
      ? await exec.all(`SELECT ${JOB_COLUMNS} FROM training_jobs ORDER BY created_at DESC, id DESC LIMIT ?`, [
          limit,
        ])
      : await exec.all(
          `SELECT ${JOB_COLUMNS} FROM training_jobs WHERE model_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
          [v.text(query.modelId, 'modelId'), limit],
        )
  return rows.map(jobFromRow)
}

// ------------------------------------------------------------------------------------------------
// predictions

const COPY_LIKELIHOOD = `UPDATE contact_scores SET likelihood = p.likelihood
  FROM contact_predictions p
  WHERE p.model_id = ? AND p.contact_id = contact_scores.contact_id AND contact_scores.model_id = ?
    AND contact_scores.contact_id IN `
const COPY_LIKELIHOOD_RESCHEDULE = `UPDATE contact_scores SET likelihood = p.likelihood,
    next_change_at = CASE WHEN contact_scores.next_change_at IS NULL OR contact_scores.next_change_at > ? THEN ? ELSE contact_scores.next_change_at END
  FROM contact_predictions p
  WHERE p.model_id = ? AND p.contact_id = contact_scores.contact_id AND contact_scores.model_id = ?
    AND contact_scores.contact_id IN `

export async function writePredictions(exec: Executor, batch: PredictionBatch): Promise<void> {
  if (batch === null || typeof batch !== 'object') throw new StoreInputError('batch', v.AN_OBJECT)
  const model = v.text(batch.modelId, 'modelId')
  const version = v.positiveInteger(batch.modelVersion, 'modelVersion')
  const at = v.time(batch.predictedAt, 'predictedAt')
  const rows = batch.predictions.map((p, i) => {
    const likelihood = v.finite(p.likelihood, `predictions[${i}].likelihood`)
    if (likelihood < 0 || likelihood > 100)
      throw new StoreInputError(`predictions[${i}].likelihood`, {
        key: 'store.percent',
        values: { value: String(likelihood) },
      })
    return [
      model,
      v.text(p.contactId, `predictions[${i}].contactId`),
      version,
      likelihood,
      v.json(p.reasons, `predictions[${i}].reasons`),
      at,
    ]
  })
  const scoring = batch.scoringModels.map((s, i) => ({
    id: v.text(s.id, `scoringModels[${i}].id`),
    reschedule: s.reschedule === true,
  }))
  if (rows.length === 0) return
  await exec.transaction(async (tx) => {
    for (const part of chunks(rows, 500)) {
      await tx.insertMany(
        'contact_predictions',
        ['model_id', 'contact_id', 'model_version', 'likelihood', 'reasons', 'predicted_at'],
        part,
        `ON CONFLICT (model_id, contact_id) DO UPDATE SET model_version = excluded.model_version,
           likelihood = excluded.likelihood, reasons = excluded.reasons, predicted_at = excluded.predicted_at`,
      )
      const ids = part.map((r) => r[1] as string)
      for (const s of scoring) {
        if (s.reschedule)
          await tx.run(`${COPY_LIKELIHOOD_RESCHEDULE}(${marks(ids.length)})`, [at, at, model, s.id, ...ids])
        else await tx.run(`${COPY_LIKELIHOOD}(${marks(ids.length)})`, [model, s.id, ...ids])
      }
    }
  })
}

export async function contactPredictions(exec: Executor, contactId: string): Promise<PredictionRecord[]> {
  const rows = await exec.all(
    'SELECT model_id, contact_id, model_version, likelihood, reasons, predicted_at FROM contact_predictions WHERE contact_id = ? ORDER BY model_id',
    [v.text(contactId, 'contactId')],
  )
  return rows.map((r) => ({
    modelId: String(r['model_id']),
    contactId: String(r['contact_id']),
    modelVersion: Number(r['model_version']),
    likelihood: Number(r['likelihood']),
    reasons: fromJson(r['reasons']),
    predictedAt: Number(r['predicted_at']),
  }))
}

export async function stalePredictions(exec: Executor, query: StalePredictionsQuery): Promise<string[]> {
  const model = v.text(query.modelId, 'modelId')
  const version = v.positiveInteger(query.version, 'version')
  const after = v.nullableText(query.after, 'after')
  const limit = v.positiveInteger(query.limit ?? 500, 'limit')
  const rows = await exec.all<{ id: string }>(
    `SELECT c.id FROM contacts c
     LEFT JOIN contact_predictions p ON p.model_id = ? AND p.contact_id = c.id
     WHERE ${after === null ? '' : 'c.id > ? AND '}(p.contact_id IS NULL OR p.model_version <> ? OR c.updated_at > p.predicted_at
       OR EXISTS (SELECT 1 FROM events e WHERE e.contact_id = c.id AND e.received_at > p.predicted_at))
     ORDER BY c.id LIMIT ?`,
    after === null ? [model, version, limit] : [model, after, version, limit],
  )
  return rows.map((r) => String(r.id))
}

export async function contactIds(exec: Executor, query: ContactIdsQuery): Promise<string[]> {
  const after = v.nullableText(query.after, 'after')
  const limit = v.positiveInteger(query.limit ?? 1000, 'limit')
  const rows =
    after === null
      ? await exec.all<{ id: string }>('SELECT id FROM contacts ORDER BY id LIMIT ?', [limit])
      : await exec.all<{ id: string }>('SELECT id FROM contacts WHERE id > ? ORDER BY id LIMIT ?', [
          after,
          limit,
        ])
  return rows.map((r) => String(r.id))
}
