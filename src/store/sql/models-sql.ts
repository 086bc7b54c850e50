/**
 * Model versions in SQL. Version numbers are assigned under a lock per model id; publishing
 * archives the previous version and moves the primary flag in one transaction (unique
 * indexes keep at most one published version per id and one primary model).
 * @module
 */
import { StoreInputError, StoreNotFoundError } from '../errors.js'
import type { ModelDraft, ModelRecord, PublishModel } from '../records/model.js'
import * as v from '../validate.js'
import type { Executor } from './executor.js'
import { MODEL_COLUMNS, modelFromRow } from './rows.js'

const SELECT_MODEL = `SELECT ${MODEL_COLUMNS.join(', ')} FROM models`
/** Every change of status or primary flag takes this lock (PostgreSQL), so publishes do not race. */
const MODELS_LOCK = 'leadscore.models'

export async function createModelVersion(exec: Executor, draft: ModelDraft): Promise<ModelRecord> {
  if (draft === null || typeof draft !== 'object') throw new StoreInputError('draft', v.AN_OBJECT)
  const id = v.text(draft.id, 'id')
  if (typeof draft.source !== 'string') throw new StoreInputError('source', v.A_STRING)
  const source = draft.source.length === 0 ? draft.source : v.text(draft.source, 'source')
  const createdAt = v.time(draft.createdAt, 'createdAt')
  return exec.transaction(async (tx) => {
    await tx.lock(`leadscore.model:${id}`)
    const [top] = await tx.all<{ top: number | null }>(
      'SELECT max(version) AS top FROM models WHERE id = ?',
      [id],
    )
    const version = Number(top?.top ?? 0) + 1
    await tx.run(
      'INSERT INTO models (id, version, status, is_primary, source, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [id, version, 'draft', 0, source, createdAt],
    )
    return { id, version, status: 'draft', primary: false, source, createdAt, publishedAt: null }
  })
}

export async function getModel(
  exec: Executor,
  id: string,
  version: number,
): Promise<ModelRecord | undefined> {
  const [row] = await exec.all(`${SELECT_MODEL} WHERE id = ? AND version = ?`, [
    v.text(id, 'id'),
    v.positiveInteger(version, 'version'),
  ])
  return row ? modelFromRow(row) : undefined
}

async function mustGet(exec: Executor, id: string, version: number): Promise<ModelRecord> {
  const model = await getModel(exec, id, version)
  if (!model)
    throw new StoreNotFoundError({ key: 'model.noVersion', values: { id, version: String(version) } })
  return model
}

export async function listModelVersions(exec: Executor, id: string): Promise<ModelRecord[]> {
  return (await exec.all(`${SELECT_MODEL} WHERE id = ? ORDER BY version`, [v.text(id, 'id')])).map(
    modelFromRow,
  )
}

export async function listModels(exec: Executor): Promise<ModelRecord[]> {
  const rows = await exec.all(
    `${SELECT_MODEL} m WHERE version = (SELECT max(version) FROM models x WHERE x.id = m.id) ORDER BY id`,
  )
  return rows.map(modelFromRow)
}

export async function publishedModels(exec: Executor): Promise<ModelRecord[]> {
  const rows = await exec.all(`${SELECT_MODEL} WHERE status = ? ORDER BY is_primary DESC, id`, ['published'])
  return rows.map(modelFromRow)
}

export async function publishModel(exec: Executor, request: PublishModel): Promise<ModelRecord> {
  if (request === null || typeof request !== 'object') throw new StoreInputError('request', v.AN_OBJECT)
  const id = v.text(request.id, 'id')
  const version = v.positiveInteger(request.version, 'version')
  const at = v.time(request.at, 'at')
  if (request.primary !== undefined && typeof request.primary !== 'boolean')
    throw new StoreInputError('primary', { key: 'store.boolean' })
  return exec.transaction(async (tx) => {
    await tx.lock(MODELS_LOCK)
    const target = await mustGet(tx, id, version)
    const [previous] = (
      await tx.all(`${SELECT_MODEL} WHERE id = ? AND status = ?${tx.dialect.forUpdate}`, [id, 'published'])
    ).map(modelFromRow)
    const [anyPrimary] = await tx.all(`SELECT id FROM models WHERE is_primary = ?`, [1])
    const primary =
      request.primary ?? (previous?.primary === true || anyPrimary === undefined || target.primary)
    if (previous !== undefined && previous.version !== version) {
      await tx.run('UPDATE models SET status = ?, is_primary = ? WHERE id = ? AND version = ?', [
        'archived',
        0,
        id,
        previous.version,
      ])
    }
    if (primary) await tx.run('UPDATE models SET is_primary = ? WHERE is_primary = ?', [0, 1])
    const publishedAt = target.status === 'published' ? target.publishedAt : at
    await tx.run(
      'UPDATE models SET status = ?, is_primary = ?, published_at = ? WHERE id = ? AND version = ?',
      ['published', primary ? 1 : 0, publishedAt, id, version],
    )
    return { ...target, status: 'published', primary, publishedAt }
  })
}

export async function archiveModel(exec: Executor, id: string, version: number): Promise<ModelRecord> {
  const key = v.text(id, 'id')
  const n = v.positiveInteger(version, 'version')
  return exec.transaction(async (tx) => {
    await tx.lock(MODELS_LOCK)
    await mustGet(tx, key, n)
    await tx.run('UPDATE models SET status = ?, is_primary = ? WHERE id = ? AND version = ?', [
      'archived',
      0,
      key,
      n,
    ])
    return mustGet(tx, key, n)
  })
}

export async function setPrimaryModel(exec: Executor, id: string): Promise<ModelRecord> {
  const key = v.text(id, 'id')
  return exec.transaction(async (tx) => {
    await tx.lock(MODELS_LOCK)
    const [row] = await tx.all(`${SELECT_MODEL} WHERE id = ? AND status = ?`, [key, 'published'])
    if (!row) throw new StoreNotFoundError({ key: 'store.model.noPublished', values: { id: key } })
    const model = modelFromRow(row)
    await tx.run('UPDATE models SET is_primary = ? WHERE is_primary = ? AND id <> ?', [0, 1, key])
    await tx.run('UPDATE models SET is_primary = ? WHERE id = ? AND version = ?', [1, key, model.version])
    return { ...model, primary: true }
  })
}
