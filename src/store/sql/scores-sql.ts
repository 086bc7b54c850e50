/**
 * Scores in SQL: the atomic rescore write, reads of a contact's scores and state, due
 * contacts, transitions and score history.
 * @module
 */
import { StoreInputError } from '../errors.js'
import { fromJson } from '../json.js'
import { partitionOf } from '../partition.js'
import type {
  DueContact,
  DueQuery,
  ScoreBatch,
  ScorePoint,
  ScoreRecord,
  ScoreWrite,
} from '../records/score.js'
import {
  type ScoreHistoryQuery,
  TRANSITION_KINDS,
  type TransitionQuery,
  type TransitionRecord,
} from '../records/transition.js'
import * as v from '../validate.js'
import type { Executor, SqlValue } from './executor.js'
import {
  ACCOUNT_SCORE_COLUMNS,
  chunks,
  HISTORY_COLUMNS,
  marks,
  SCORE_COLUMNS,
  scoreFromRow,
  scorePointFromRow,
  TRANSITION_COLUMNS,
  transitionFromRow,
} from './rows.js'
import { DELIVERY_WRITE_COLUMNS, deliveryRows } from './webhooks-sql.js'

const CAUSES = ['event', 'time', 'publish', 'api'] as const

/** The JSON of a transition's cause, checked. */
export function causeJson(value: unknown, f: string): string {
  if (value === null || typeof value !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
  const c = value as Record<string, unknown>
  const type = v.oneOf(c['type'], CAUSES, `${f}.type`)
  if (type === 'event') v.text(c['eventId'], `${f}.eventId`)
  if (type === 'publish') {
    v.text(c['modelId'], `${f}.modelId`)
    v.positiveInteger(c['version'], `${f}.version`)
  }
  if (type === 'api' && c['keyId'] !== undefined) v.text(c['keyId'], `${f}.keyId`)
  return v.json(value, f)
}

function list<T>(value: readonly T[] | undefined, f: string): readonly T[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new StoreInputError(f, v.AN_ARRAY)
  return value
}

const SCORE_WRITE_COLUMNS = [...SCORE_COLUMNS, 'partition']
const key = (row: readonly SqlValue[]): string => `${row[0]}\u0000${row[1]}`

function scoreRow(s: ScoreWrite, f: string, partitionCount: number): SqlValue[] {
  if (s === null || typeof s !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
  const contactId = v.text(s.contactId, `${f}.contactId`)
  return [
    v.text(s.modelId, `${f}.modelId`),
    contactId,
    v.positiveInteger(s.modelVersion, `${f}.modelVersion`),
    v.finite(s.fit, `${f}.fit`),
    v.finite(s.engagement, `${f}.engagement`),
    v.finite(s.total, `${f}.total`),
    v.nullableText(s.grade, `${f}.grade`),
    v.nullableText(s.level, `${f}.level`),
    v.nullableText(s.label, `${f}.label`),
    v.nullableText(s.band, `${f}.band`),
    v.nullableText(s.stage, `${f}.stage`),
    v.nullableText(s.journey, `${f}.journey`),
    v.json(v.texts(s.segments, `${f}.segments`), `${f}.segments`),
    v.nullableFinite(s.likelihood, `${f}.likelihood`),
    v.nullableTime(s.lastActivityAt, `${f}.lastActivityAt`),
    v.time(s.scoredAt, `${f}.scoredAt`),
    v.nullableTime(s.nextChangeAt, `${f}.nextChangeAt`),
    partitionOf(contactId, partitionCount),
  ]
}

const UPDATE_SCORE = SCORE_WRITE_COLUMNS.filter((c) => c !== 'model_id' && c !== 'contact_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')

export async function applyScores(exec: Executor, batch: ScoreBatch, partitionCount: number): Promise<void> {
  if (batch === null || typeof batch !== 'object') throw new StoreInputError('batch', v.AN_OBJECT)
  // validate everything before writing anything; a later write of one (model, contact) wins
  const scores = new Map<string, { row: SqlValue[]; state: string | null | undefined; segments: string[] }>()
  list(batch.scores, 'scores').forEach((s, i) => {
    const row = scoreRow(s, `scores[${i}]`, partitionCount)
    const state =
      !('state' in s) || s.state === undefined
        ? undefined
        : s.state === null
          ? null
          : v.json(s.state, `scores[${i}].state`)
    scores.set(key(row), { row, state, segments: [...new Set(s.segments)] })
  })
  const accountScores = new Map<string, SqlValue[]>()
  list(batch.accountScores, 'accountScores').forEach((a, i) => {
    const f = `accountScores[${i}]`
    if (a === null || typeof a !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const row = [
      v.text(a.modelId, `${f}.modelId`),
      v.text(a.accountId, `${f}.accountId`),
      v.positiveInteger(a.modelVersion, `${f}.modelVersion`),
      v.finite(a.fit, `${f}.fit`),
      v.finite(a.engagement, `${f}.engagement`),
      v.finite(a.total, `${f}.total`),
      v.nullableText(a.band, `${f}.band`),
      v.count(a.contacts, `${f}.contacts`),
      v.json(list(a.committee, `${f}.committee`), `${f}.committee`),
      v.time(a.scoredAt, `${f}.scoredAt`),
    ]
    accountScores.set(key(row), row)
  })
  const transitions = list(batch.transitions, 'transitions').map((t, i): SqlValue[] => {
    const f = `transitions[${i}]`
    if (t === null || typeof t !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const contactId = v.nullableText(t.contactId, `${f}.contactId`)
    const accountId = v.nullableText(t.accountId, `${f}.accountId`)
    if ((contactId === null) === (accountId === null))
      throw new StoreInputError(f, {
        key: 'store.exactlyOne',
        values: { a: 'contactId', b: 'accountId' },
      })
    return [
      contactId,
      accountId,
      v.text(t.modelId, `${f}.modelId`),
      v.positiveInteger(t.modelVersion, `${f}.modelVersion`),
      v.oneOf(t.kind, TRANSITION_KINDS, `${f}.kind`),
      v.nullableText(t.from, `${f}.from`),
      v.nullableText(t.to, `${f}.to`),
      v.time(t.at, `${f}.at`),
      causeJson(t.cause, `${f}.cause`),
    ]
  })
  const history = list(batch.history, 'history').map((p, i): SqlValue[] => {
    const f = `history[${i}]`
    if (p === null || typeof p !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    return [
      v.text(p.contactId, `${f}.contactId`),
      v.text(p.modelId, `${f}.modelId`),
      v.positiveInteger(p.modelVersion, `${f}.modelVersion`),
      v.time(p.at, `${f}.at`),
      v.finite(p.fit, `${f}.fit`),
      v.finite(p.engagement, `${f}.engagement`),
      v.finite(p.total, `${f}.total`),
      causeJson(p.cause, `${f}.cause`),
    ]
  })

  const deliveries = deliveryRows(batch.deliveries, partitionCount)

  await exec.transaction(async (tx) => {
    const ordered = [...scores.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s)
    const keepState = ordered.filter((s) => s.state === undefined).map((s) => s.row)
    const withState = ordered.filter((s) => s.state !== undefined).map((s) => [...s.row, s.state!])
    if (keepState.length > 0) {
      await tx.insertMany(
        'contact_scores',
        SCORE_WRITE_COLUMNS,
        keepState,
        `ON CONFLICT (model_id, contact_id) DO UPDATE SET ${UPDATE_SCORE}`,
      )
    }
    if (withState.length > 0) {
      await tx.insertMany(
        'contact_scores',
        [...SCORE_WRITE_COLUMNS, 'state'],
        withState,
        `ON CONFLICT (model_id, contact_id) DO UPDATE SET ${UPDATE_SCORE}, state = excluded.state`,
      )
    }
    if (ordered.length > 0) {
      const byModel = new Map<string, string[]>()
      for (const s of ordered) {
        const model = s.row[0] as string
        const list = byModel.get(model) ?? []
        if (list.length === 0) byModel.set(model, list)
        list.push(s.row[1] as string)
      }
      for (const [model, contacts] of byModel) {
        for (const part of chunks(contacts)) {
          await tx.run(
            `DELETE FROM contact_segments WHERE model_id = ? AND contact_id IN (${marks(part.length)})`,
            [model, ...part],
          )
        }
      }
      const segmentRows = ordered.flatMap((s) => s.segments.map((g) => [s.row[0]!, g, s.row[1]!]))
      if (segmentRows.length > 0)
        await tx.insertMany('contact_segments', ['model_id', 'segment', 'contact_id'], segmentRows)
    }
    if (accountScores.size > 0) {
      await tx.insertMany(
        'account_scores',
        ACCOUNT_SCORE_COLUMNS,
        [...accountScores.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1)),
        `ON CONFLICT (model_id, account_id) DO UPDATE SET ${ACCOUNT_SCORE_COLUMNS.slice(2)
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`,
      )
    }
    if (transitions.length > 0) await tx.insertMany('transitions', TRANSITION_COLUMNS.slice(1), transitions)
    if (history.length > 0) await tx.insertMany('score_history', HISTORY_COLUMNS, history)
    if (deliveries.length > 0) await tx.insertMany('webhook_deliveries', DELIVERY_WRITE_COLUMNS, deliveries)
  })
}

export async function contactScores(exec: Executor, contactId: string): Promise<ScoreRecord[]> {
  const rows = await exec.all(
    `SELECT ${SCORE_COLUMNS.join(', ')} FROM contact_scores WHERE contact_id = ? ORDER BY model_id`,
    [v.text(contactId, 'contactId')],
  )
  return rows.map(scoreFromRow)
}

export async function scoreState(exec: Executor, contactId: string, modelId: string): Promise<unknown> {
  const [row] = await exec.all<{ state: string | null }>(
    'SELECT state FROM contact_scores WHERE model_id = ? AND contact_id = ?',
    [v.text(modelId, 'modelId'), v.text(contactId, 'contactId')],
  )
  return row === undefined || row.state === null ? undefined : fromJson(row.state)
}

export async function dueContacts(exec: Executor, query: DueQuery): Promise<DueContact[]> {
  const params: SqlValue[] = [v.text(query.model, 'model'), v.time(query.now, 'now')]
  let partitions = ''
  if (query.partitions !== undefined) {
    const list = [...new Set(query.partitions)]
    if (list.length === 0) return []
    list.forEach((p, i) => {
      if (!Number.isSafeInteger(p) || p < 0) throw new StoreInputError(`partitions[${i}]`, v.A_PARTITION)
    })
    partitions = `AND partition IN (${marks(list.length)})`
    params.push(...list)
  }
  params.push(v.positiveInteger(query.limit, 'limit'))
  const rows = await exec.all<{ contact_id: string; next_change_at: number; partition: number }>(
    `SELECT contact_id, next_change_at, partition FROM contact_scores
     WHERE model_id = ? AND next_change_at IS NOT NULL AND next_change_at <= ? ${partitions}
     ORDER BY next_change_at, contact_id LIMIT ?`,
    params,
  )
  return rows.map((r) => ({
    contactId: r.contact_id,
    nextChangeAt: Number(r.next_change_at),
    partition: Number(r.partition),
  }))
}

export async function listTransitions(exec: Executor, query: TransitionQuery): Promise<TransitionRecord[]> {
  const where: string[] = []
  const params: SqlValue[] = []
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql)
    params.push(...values)
  }
  if (query.contactId !== undefined) add('contact_id = ?', v.text(query.contactId, 'contactId'))
  if (query.accountId !== undefined) add('account_id = ?', v.text(query.accountId, 'accountId'))
  if (query.modelId !== undefined) add('model_id = ?', v.text(query.modelId, 'modelId'))
  if (query.kinds !== undefined) {
    const kinds = list(query.kinds, 'kinds').map((k, i) => v.oneOf(k, TRANSITION_KINDS, `kinds[${i}]`))
    add(kinds.length === 0 ? '1 = 0' : `kind IN (${marks(kinds.length)})`, ...kinds)
  }
  if (query.from !== undefined) add('at >= ?', v.time(query.from, 'from'))
  if (query.to !== undefined) add('at <= ?', v.time(query.to, 'to'))
  if (query.afterSeq !== undefined) add('seq > ?', v.count(query.afterSeq, 'afterSeq'))
  params.push(v.positiveInteger(query.limit ?? 1000, 'limit'))
  const rows = await exec.all(
    `SELECT ${TRANSITION_COLUMNS.join(', ')} FROM transitions
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`,
    params,
  )
  return rows.map(transitionFromRow)
}

export async function scoreHistory(exec: Executor, query: ScoreHistoryQuery): Promise<ScorePoint[]> {
  const params: SqlValue[] = [v.text(query.contactId, 'contactId'), v.text(query.modelId, 'modelId')]
  let range = ''
  if (query.from !== undefined) {
    range += ' AND at >= ?'
    params.push(v.time(query.from, 'from'))
  }
  if (query.to !== undefined) {
    range += ' AND at <= ?'
    params.push(v.time(query.to, 'to'))
  }
  const rows = await exec.all(
    `SELECT ${HISTORY_COLUMNS.join(', ')} FROM score_history WHERE contact_id = ? AND model_id = ?${range} ORDER BY at, seq`,
    params,
  )
  return rows.map(scorePointFromRow)
}
