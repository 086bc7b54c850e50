/**
 * API keys in SQL.
 * @module
 */
import { StoreInputError, StoreNotFoundError } from '../errors.js'
import type { KeyRecord, KeyWrite } from '../records/key.js'
import * as v from '../validate.js'
import type { Executor } from './executor.js'
import { KEY_COLUMNS, keyFromRow } from './rows.js'

const SELECT_KEY = `SELECT ${KEY_COLUMNS.join(', ')} FROM api_keys`

export async function createKey(exec: Executor, key: KeyWrite): Promise<KeyRecord> {
  if (key === null || typeof key !== 'object') throw new StoreInputError('key', v.AN_OBJECT)
  const record: KeyRecord = {
    id: v.text(key.id, 'id'),
    kind: v.oneOf(key.kind, ['write', 'admin'] as const, 'kind'),
    hash: v.text(key.hash, 'hash'),
    label: v.nullableText(key.label, 'label'),
    createdAt: v.time(key.createdAt, 'createdAt'),
    lastUsedAt: null,
    revokedAt: null,
  }
  await exec.run('INSERT INTO api_keys (id, kind, hash, label, created_at) VALUES (?, ?, ?, ?, ?)', [
    record.id,
    record.kind,
    record.hash,
    record.label,
    record.createdAt,
  ])
  return record
}

export async function findKeyByHash(exec: Executor, hash: string): Promise<KeyRecord | undefined> {
  const [row] = await exec.all(`${SELECT_KEY} WHERE hash = ?`, [v.text(hash, 'hash')])
  return row ? keyFromRow(row) : undefined
}

export async function listKeys(exec: Executor): Promise<KeyRecord[]> {
  return (await exec.all(`${SELECT_KEY} ORDER BY created_at, id`)).map(keyFromRow)
}

export async function touchKey(exec: Executor, id: string, at: number): Promise<void> {
  const t = v.time(at, 'at')
  await exec.run(
    'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
    [t, v.text(id, 'id'), t],
  )
}

export async function revokeKey(exec: Executor, id: string, at: number): Promise<KeyRecord> {
  const key = v.text(id, 'id')
  const t = v.time(at, 'at')
  return exec.transaction(async (tx) => {
    await tx.run('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?', [t, key])
    const [row] = await tx.all(`${SELECT_KEY} WHERE id = ?`, [key])
    if (!row) throw new StoreNotFoundError({ key: 'store.key.none', values: { id: key } })
    return keyFromRow(row)
  })
}
