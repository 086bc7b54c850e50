/**
 * The queue of rescores owed to contacts (`pending_rescores`), in SQL. Rows are written in the
 * unit of work that stores a change and deleted by the one that rescores the contact.
 * @module
 */
import { StoreInputError } from '../errors.js'
import { fromJson, toJson } from '../json.js'
import { partitionOf } from '../partition.js'
import type { StoredEvent } from '../records/event.js'
import type {
  PendingContact,
  PendingRescore,
  PendingRescoreQuery,
  PendingRescoreWrite,
} from '../records/pending-rescore.js'
import type { TransitionCauseRef } from '../records/score.js'
import * as v from '../validate.js'
import type { Executor, Row, SqlValue } from './executor.js'
import { chunks, EVENT_COLUMNS, eventFromRow, marks } from './rows.js'
import { causeJson } from './scores-sql.js'

const WRITE_COLUMNS = ['contact_id', 'partition', 'event_ids', 'rebuild', 'cause', 'accounts', 'at']

function textList(value: unknown, f: string): string[] {
  if (!Array.isArray(value)) throw new StoreInputError(f, v.AN_ARRAY)
  return value.map((x, i) => v.text(x, `${f}[${i}]`))
}

export async function enqueueRescores(
  exec: Executor,
  writes: readonly PendingRescoreWrite[],
  partitionCount: number,
): Promise<void> {
  if (!Array.isArray(writes)) throw new StoreInputError('rescores', v.AN_ARRAY)
  const rows = writes.map((w, i): SqlValue[] => {
    const f = `rescores[${i}]`
    if (w === null || typeof w !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const contactId = v.text(w.contactId, `${f}.contactId`)
    return [
      contactId,
      partitionOf(contactId, partitionCount),
      toJson(textList(w.eventIds, `${f}.eventIds`)),
      w.rebuild === true ? 1 : 0,
      causeJson(w.cause, `${f}.cause`),
      toJson(textList(w.accounts, `${f}.accounts`)),
      v.time(w.at, `${f}.at`),
    ]
  })
  if (rows.length > 0) await exec.insertMany('pending_rescores', WRITE_COLUMNS, rows)
}

function pendingFromRow(r: Row): PendingRescore {
  return {
    seq: Number(r['seq']),
    contactId: String(r['contact_id']),
    partition: Number(r['partition']),
    eventIds: fromJson<string[]>(r['event_ids']),
    rebuild: Number(r['rebuild']) === 1,
    cause: fromJson<TransitionCauseRef>(r['cause']),
    accounts: fromJson<string[]>(r['accounts']),
    at: Number(r['at']),
  }
}

/** The rescores owed to `contactIds`, oldest first, deleted from the queue (in the caller's transaction). */
export async function takeRescores(exec: Executor, contactIds: readonly string[]): Promise<PendingRescore[]> {
  if (!Array.isArray(contactIds)) throw new StoreInputError('contactIds', v.AN_ARRAY)
  const ids = [...new Set(contactIds.map((id, i) => v.text(id, `contactIds[${i}]`)))]
  const out: PendingRescore[] = []
  for (const part of chunks(ids)) {
    const rows = await exec.all(
      `SELECT seq, ${WRITE_COLUMNS.join(', ')} FROM pending_rescores WHERE contact_id IN (${marks(part.length)}) ORDER BY seq`,
      part,
    )
    if (rows.length === 0) continue
    for (const row of rows) out.push(pendingFromRow(row))
    for (const seqs of chunks(rows.map((r) => Number(r['seq'])))) {
      await exec.run(`DELETE FROM pending_rescores WHERE seq IN (${marks(seqs.length)})`, seqs)
    }
  }
  return out.sort((a, b) => a.seq - b.seq)
}

/** Contacts owed a rescore, oldest first (each once). */
export async function pendingRescores(exec: Executor, query: PendingRescoreQuery): Promise<PendingContact[]> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const limit = v.positiveInteger(query.limit, 'limit')
  const params: SqlValue[] = []
  let where = ''
  if (query.partitions !== undefined) {
    const partitions = query.partitions.map((p, i) => v.count(p, `partitions[${i}]`))
    if (partitions.length === 0) return []
    where = `WHERE partition IN (${marks(partitions.length)})`
    params.push(...partitions)
  }
  params.push(limit)
  const rows = await exec.all(
    `SELECT contact_id, min(partition) AS partition, min(at) AS since, min(seq) AS first FROM pending_rescores ${where}
     GROUP BY contact_id ORDER BY first LIMIT ?`,
    params,
  )
  return rows.map((r) => ({
    contactId: String(r['contact_id']),
    partition: Number(r['partition']),
    since: Number(r['since']),
  }))
}

/** How many rescores are owed (rows), and the time of the oldest. */
export async function pendingRescoreStats(exec: Executor): Promise<{ rows: number; oldest: number | null }> {
  const [row] = await exec.all('SELECT count(*) AS n, min(at) AS oldest FROM pending_rescores')
  return { rows: Number(row?.['n'] ?? 0), oldest: row?.['oldest'] == null ? null : Number(row['oldest']) }
}

/** Stored events by id (unknown ids left out), in the order of `ids`. */
export async function eventsById(exec: Executor, ids: readonly string[]): Promise<StoredEvent[]> {
  if (!Array.isArray(ids)) throw new StoreInputError('ids', v.AN_ARRAY)
  const unique = [...new Set(ids.map((id, i) => v.text(id, `ids[${i}]`)))]
  const found = new Map<string, StoredEvent>()
  for (const part of chunks(unique)) {
    const rows = await exec.all(
      `SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE id IN (${marks(part.length)})`,
      part,
    )
    for (const row of rows) found.set(String(row['id']), eventFromRow(row))
  }
  return unique.flatMap((id) => {
    const e = found.get(id)
    return e === undefined ? [] : [e]
  })
}
