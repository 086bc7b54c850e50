/**
 * Webhooks in SQL: endpoints, the outbox of deliveries (written by `applyScores` with the
 * transitions that cause them), claiming due deliveries one per (endpoint, order key) line so
 * each line is delivered in order, the attempt log; and the settings table.
 * @module
 */

import { StoreInputError, StoreNotFoundError } from '../errors.js'
import { fromJson } from '../json.js'
import {
  type AttemptRecord,
  type AttemptWrite,
  type ClaimQuery,
  type DeliveryQuery,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryWrite,
  type EndpointPatch,
  type EndpointRecord,
  type EndpointStatus,
  type EndpointWrite,
  type OutboxStats,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '../records/webhook.js'
import * as v from '../validate.js'
import type { Executor, Row, SqlValue } from './executor.js'
import { chunks, marks } from './rows.js'

const ENDPOINT_COLUMNS = [
  'id',
  'url',
  'types',
  'filter',
  'model_id',
  'description',
  'secret',
  'previous_secret',
  'previous_secret_expires_at',
  'status',
  'created_at',
  'updated_at',
] as const

/** What a new delivery is written with (see `deliveryRows`). */
export const DELIVERY_WRITE_COLUMNS = [
  'id',
  'endpoint_id',
  'order_key',
  'partition',
  'type',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'created_at',
] as const

const DELIVERY_COLUMNS = [
  'seq',
  ...DELIVERY_WRITE_COLUMNS,
  'last_attempt_at',
  'delivered_at',
  'last_status',
  'last_error',
  'last_latency_ms',
] as const

const SELECT_ENDPOINT = `SELECT ${ENDPOINT_COLUMNS.join(', ')} FROM webhook_endpoints`
const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS.join(', ')} FROM webhook_deliveries`

const numOrNull = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x))
const strOrNull = (x: unknown): string | null => (x === null || x === undefined ? null : String(x))

function endpointFromRow(r: Row): EndpointRecord {
  return {
    id: String(r['id']),
    url: String(r['url']),
    types: fromJson(r['types']) as WebhookEventType[],
    filter: r['filter'] === null ? null : fromJson(r['filter']),
    modelId: strOrNull(r['model_id']),
    description: strOrNull(r['description']),
    secret: String(r['secret']),
    previousSecret: strOrNull(r['previous_secret']),
    previousSecretExpiresAt: numOrNull(r['previous_secret_expires_at']),
    status: String(r['status']) as EndpointStatus,
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
  }
}

function deliveryFromRow(r: Row): DeliveryRecord {
  return {
    seq: Number(r['seq']),
    id: String(r['id']),
    endpointId: String(r['endpoint_id']),
    orderKey: String(r['order_key']),
    partition: Number(r['partition']),
    type: String(r['type']) as WebhookEventType,
    payload: fromJson(r['payload']),
    status: String(r['status']) as DeliveryStatus,
    attempts: Number(r['attempts']),
    nextAttemptAt: Number(r['next_attempt_at']),
    createdAt: Number(r['created_at']),
    lastAttemptAt: numOrNull(r['last_attempt_at']),
    deliveredAt: numOrNull(r['delivered_at']),
    lastStatus: numOrNull(r['last_status']),
    lastError: strOrNull(r['last_error']),
    lastLatencyMs: numOrNull(r['last_latency_ms']),
  }
}

function types(value: unknown, field: string): string {
  if (!Array.isArray(value) || value.length === 0)
    throw new StoreInputError(field, { key: 'store.eventTypes' })
  const list = value.map((t, i) => v.oneOf(t, WEBHOOK_EVENT_TYPES, `${field}[${i}]`))
  return JSON.stringify([...new Set(list)])
}

function url(value: unknown, field: string): string {
  const text = v.text(value, field)
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    throw new StoreInputError(field, { key: 'store.url', values: { value: JSON.stringify(text) } })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new StoreInputError(field, { key: 'store.protocol', values: { value: parsed.protocol } })
  return text
}

const filterJson = (value: unknown, field: string): string | null =>
  value === null || value === undefined ? null : v.json(value, field)

export async function createEndpoint(exec: Executor, e: EndpointWrite): Promise<EndpointRecord> {
  if (e === null || typeof e !== 'object') throw new StoreInputError('endpoint', v.AN_OBJECT)
  const at = v.time(e.createdAt, 'createdAt')
  const row: SqlValue[] = [
    v.text(e.id, 'id'),
    url(e.url, 'url'),
    types(e.types, 'types'),
    filterJson(e.filter, 'filter'),
    v.nullableText(e.modelId, 'modelId'),
    v.nullableText(e.description, 'description'),
    v.text(e.secret, 'secret'),
    null,
    null,
    'active',
    at,
    at,
  ]
  await exec.insertMany('webhook_endpoints', ENDPOINT_COLUMNS, [row])
  return (await getEndpoint(exec, e.id))!
}

export async function getEndpoint(exec: Executor, id: string): Promise<EndpointRecord | undefined> {
  const [row] = await exec.all(`${SELECT_ENDPOINT} WHERE id = ?`, [v.text(id, 'id')])
  return row ? endpointFromRow(row) : undefined
}

export async function listEndpoints(exec: Executor): Promise<EndpointRecord[]> {
  return (await exec.all(`${SELECT_ENDPOINT} ORDER BY created_at, id`)).map(endpointFromRow)
}

export async function updateEndpoint(
  exec: Executor,
  id: string,
  patch: EndpointPatch,
): Promise<EndpointRecord> {
  const key = v.text(id, 'id')
  if (patch === null || typeof patch !== 'object') throw new StoreInputError('patch', v.AN_OBJECT)
  const sets: string[] = ['updated_at = ?']
  const params: SqlValue[] = [v.time(patch.at, 'at')]
  const set = (column: string, value: SqlValue) => {
    sets.push(`${column} = ?`)
    params.push(value)
  }
  if (patch.url !== undefined) set('url', url(patch.url, 'url'))
  if (patch.types !== undefined) set('types', types(patch.types, 'types'))
  if ('filter' in patch && patch.filter !== undefined) set('filter', filterJson(patch.filter, 'filter'))
  if (patch.modelId !== undefined) set('model_id', v.nullableText(patch.modelId, 'modelId'))
  if (patch.description !== undefined) set('description', v.nullableText(patch.description, 'description'))
  if (patch.status !== undefined)
    set('status', v.oneOf(patch.status, ['active', 'paused'] as const, 'status'))
  if (patch.secret !== undefined) {
    const secret = v.text(patch.secret, 'secret')
    sets.push('previous_secret = secret', 'secret = ?', 'previous_secret_expires_at = ?')
    params.push(secret, v.time(patch.previousSecretExpiresAt, 'previousSecretExpiresAt'))
  }
  return exec.transaction(async (tx) => {
    const changed = await tx.run(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE id = ?`, [
      ...params,
      key,
    ])
    if (changed === 0) throw new StoreNotFoundError({ key: 'webhook.none', values: { id: key } })
    return (await getEndpoint(tx, key))!
  })
}

export async function deleteEndpoint(exec: Executor, id: string): Promise<void> {
  const key = v.text(id, 'id')
  await exec.transaction(async (tx) => {
    await tx.run(
      'DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)',
      [key],
    )
    await tx.run('DELETE FROM webhook_deliveries WHERE endpoint_id = ?', [key])
    if ((await tx.run('DELETE FROM webhook_endpoints WHERE id = ?', [key])) === 0)
      throw new StoreNotFoundError({ key: 'webhook.none', values: { id: key } })
  })
}

/** Validated outbox rows of `deliveries` (for `applyScores`, which writes them in its transaction). */
export function deliveryRows(
  deliveries: readonly DeliveryWrite[] | undefined,
  partitionCount: number,
): SqlValue[][] {
  if (deliveries === undefined) return []
  if (!Array.isArray(deliveries)) throw new StoreInputError('deliveries', v.A_LIST)
  return deliveries.map((d, i): SqlValue[] => {
    const f = `deliveries[${i}]`
    if (d === null || typeof d !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const partition = v.count(d.partition, `${f}.partition`)
    if (partition >= partitionCount)
      throw new StoreInputError(`${f}.partition`, {
        key: 'store.belowPartitions',
        values: { count: String(partitionCount) },
      })
    const at = v.time(d.createdAt, `${f}.createdAt`)
    return [
      v.text(d.id, `${f}.id`),
      v.text(d.endpointId, `${f}.endpointId`),
      v.text(d.orderKey, `${f}.orderKey`),
      partition,
      v.oneOf(d.type, WEBHOOK_EVENT_TYPES, `${f}.type`),
      v.json(d.payload, `${f}.payload`),
      'pending',
      0,
      at,
      at,
    ]
  })
}

/** Writes deliveries (outside a score batch: test pings, redeliveries of a copy). */
export async function insertDeliveries(
  exec: Executor,
  deliveries: readonly DeliveryWrite[],
  partitionCount: number,
): Promise<void> {
  const rows = deliveryRows(deliveries, partitionCount)
  if (rows.length > 0) await exec.insertMany('webhook_deliveries', DELIVERY_WRITE_COLUMNS, rows)
}

/**
 * Claims due deliveries: of each (endpoint, order key) line only the oldest pending one, and
 * only when it is due and not claimed by someone else; endpoints paused are skipped.
 */
export async function claimDeliveries(exec: Executor, query: ClaimQuery): Promise<DeliveryRecord[]> {
  const now = v.time(query.now, 'now')
  const until = v.time(query.claimUntil, 'claimUntil')
  const holder = v.text(query.holder, 'holder')
  const limit = v.positiveInteger(query.limit, 'limit')
  const partitions = query.partitions
  if (partitions !== undefined && partitions.length === 0) return []
  const inPartitions = partitions === undefined ? '' : ` AND d.partition IN (${marks(partitions.length)})`
  return exec.transaction(async (tx) => {
    const rows = await tx.all<{ seq: number }>(
      `SELECT d.seq FROM webhook_deliveries d
       JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.status = 'active'
       WHERE d.status = 'pending' AND d.next_attempt_at <= ?
         AND (d.claimed_until IS NULL OR d.claimed_until <= ?)${inPartitions}
         AND NOT EXISTS (
           SELECT 1 FROM webhook_deliveries e
           WHERE e.endpoint_id = d.endpoint_id AND e.order_key = d.order_key
             AND e.status = 'pending' AND e.seq < d.seq)
       ORDER BY d.next_attempt_at, d.seq
       LIMIT ?${tx.dialect.forUpdateSkipLocked.replace('FOR UPDATE', 'FOR UPDATE OF d')}`,
      [now, now, ...(partitions ?? []), limit],
    )
    if (rows.length === 0) return []
    const seqs = rows.map((r) => Number(r.seq))
    const out: DeliveryRecord[] = []
    for (const part of chunks(seqs)) {
      await tx.run(
        `UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ? WHERE seq IN (${marks(part.length)})`,
        [holder, until, ...part],
      )
      out.push(
        ...(await tx.all(`${SELECT_DELIVERY} WHERE seq IN (${marks(part.length)})`, part)).map(
          deliveryFromRow,
        ),
      )
    }
    return out.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.seq - b.seq)
  })
}

/**
 * Records attempts: each delivery's new state and a line in its attempt log, all in one
 * transaction (the sender writes what finished together). Unknown deliveries (deleted with
 * their endpoint meanwhile) are skipped.
 */
export async function recordAttempts(exec: Executor, attempts: readonly AttemptWrite[]): Promise<void> {
  if (!Array.isArray(attempts)) throw new StoreInputError('attempts', v.A_LIST)
  const rows = attempts.map((attempt, i) => {
    const f = `attempts[${i}]`
    if (attempt === null || typeof attempt !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const at = v.time(attempt.at, `${f}.at`)
    const outcome = v.oneOf(attempt.outcome, ['delivered', 'retry', 'dead'] as const, `${f}.outcome`)
    return {
      id: v.text(attempt.deliveryId, `${f}.deliveryId`),
      at,
      status: attempt.status === null ? null : v.count(attempt.status, `${f}.status`),
      latency: v.count(Math.round(attempt.latencyMs), `${f}.latencyMs`),
      error: attempt.error === null ? null : v.text(attempt.error.slice(0, 1000) || '(empty)', `${f}.error`),
      outcome,
      next: outcome === 'retry' ? v.time(attempt.nextAttemptAt, `${f}.nextAttemptAt`) : at,
    }
  })
  if (rows.length === 0) return
  await exec.transaction(async (tx) => {
    for (const r of rows) {
      const changed = await tx.run(
        `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_attempt_at = ?,
           delivered_at = ?, last_status = ?, last_error = ?, last_latency_ms = ?, claimed_by = NULL, claimed_until = NULL
         WHERE id = ?`,
        [
          r.outcome === 'delivered' ? 'delivered' : r.outcome === 'dead' ? 'dead' : 'pending',
          r.next,
          r.at,
          r.outcome === 'delivered' ? r.at : null,
          r.status,
          r.error,
          r.latency,
          r.id,
        ],
      )
      if (changed === 0) continue
      // the log numbers attempts across redeliveries (which restart the delivery's count)
      await tx.run(
        `INSERT INTO webhook_attempts (delivery_id, attempt, at, status, latency_ms, error)
         SELECT ?, coalesce(max(attempt), 0) + 1, ?, ?, ?, ? FROM webhook_attempts WHERE delivery_id = ?`,
        [r.id, r.at, r.status, r.latency, r.error, r.id],
      )
    }
  })
}

/** Gives claimed deliveries back without an attempt (a sender stopping). */
export async function releaseDeliveries(exec: Executor, holder: string): Promise<void> {
  await exec.run(
    'UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?',
    [v.text(holder, 'holder')],
  )
}

export async function getDelivery(exec: Executor, id: string): Promise<DeliveryRecord | undefined> {
  const [row] = await exec.all(`${SELECT_DELIVERY} WHERE id = ?`, [v.text(id, 'id')])
  return row ? deliveryFromRow(row) : undefined
}

export async function listDeliveries(exec: Executor, query: DeliveryQuery): Promise<DeliveryRecord[]> {
  const where: string[] = []
  const params: SqlValue[] = []
  if (query.endpointId !== undefined) {
    where.push('endpoint_id = ?')
    params.push(v.text(query.endpointId, 'endpointId'))
  }
  if (query.status !== undefined) {
    where.push('status = ?')
    params.push(v.oneOf(query.status, ['pending', 'delivered', 'dead'] as const, 'status'))
  }
  if (query.beforeSeq !== undefined) {
    where.push('seq < ?')
    params.push(v.count(query.beforeSeq, 'beforeSeq'))
  }
  const limit = v.positiveInteger(query.limit ?? 100, 'limit')
  const rows = await exec.all(
    `${SELECT_DELIVERY}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
    [...params, limit],
  )
  return rows.map(deliveryFromRow)
}

export async function deliveryAttempts(exec: Executor, deliveryId: string): Promise<AttemptRecord[]> {
  const rows = await exec.all(
    'SELECT delivery_id, attempt, at, status, latency_ms, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt',
    [v.text(deliveryId, 'deliveryId')],
  )
  return rows.map((r) => ({
    deliveryId: String(r['delivery_id']),
    attempt: Number(r['attempt']),
    at: Number(r['at']),
    status: numOrNull(r['status']),
    latencyMs: Number(r['latency_ms']),
    error: strOrNull(r['error']),
  }))
}

/** Puts a delivery back in the outbox, due at `at`, with a fresh retry schedule (its log stays). */
export async function redeliver(exec: Executor, id: string, at: number): Promise<DeliveryRecord> {
  const key = v.text(id, 'id')
  const t = v.time(at, 'at')
  return exec.transaction(async (tx) => {
    const changed = await tx.run(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL,
         claimed_by = NULL, claimed_until = NULL
       WHERE id = ?`,
      [t, key],
    )
    if (changed === 0) throw new StoreNotFoundError({ key: 'webhook.delivery.none', values: { id: key } })
    return (await getDelivery(tx, key))!
  })
}

export async function outboxStats(exec: Executor): Promise<OutboxStats> {
  const [row] = await exec.all(
    `SELECT
       (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS pending,
       (SELECT count(*) FROM webhook_deliveries WHERE status = 'dead') AS dead,
       (SELECT min(created_at) FROM webhook_deliveries WHERE status = 'pending') AS oldest`,
  )
  return {
    pending: Number(row?.['pending'] ?? 0),
    dead: Number(row?.['dead'] ?? 0),
    oldestPendingAt: numOrNull(row?.['oldest']),
  }
}

/** Deletes delivered deliveries (and their attempts) created before `before`; resolves to how many. */
export async function pruneDeliveries(exec: Executor, before: number): Promise<number> {
  const t = v.time(before, 'before')
  return exec.transaction(async (tx) => {
    await tx.run(
      `DELETE FROM webhook_attempts WHERE delivery_id IN (
         SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND created_at < ?)`,
      [t],
    )
    return tx.run(`DELETE FROM webhook_deliveries WHERE status = 'delivered' AND created_at < ?`, [t])
  })
}

// settings

/** A setting's value (JSON), or undefined. With `lock`, locks it until the transaction ends. */
export async function getSetting(exec: Executor, key: string, lock = false): Promise<unknown> {
  const [row] = await exec.all(
    `SELECT value FROM settings WHERE key = ?${lock ? exec.dialect.forUpdate : ''}`,
    [v.text(key, 'key')],
  )
  return row ? fromJson(row['value']) : undefined
}

export async function putSetting(exec: Executor, key: string, value: unknown, at: number): Promise<void> {
  const k = v.text(key, 'key')
  const t = v.time(at, 'at')
  if (value === undefined) {
    await exec.run('DELETE FROM settings WHERE key = ?', [k])
    return
  }
  await exec.insertMany(
    'settings',
    ['key', 'value', 'updated_at'],
    [[k, v.json(value, 'value'), t]],
    'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  )
}
