/**
 * Database rows to records: the column lists the queries select and their mappers. Both
 * dialects return numbers for INTEGER/BIGINT/REAL columns (the PostgreSQL pool parses
 * BIGINT as a number: epoch ms are safe integers) and JSON columns as text.
 * @module
 */
import type { CommitteeRole, Properties } from '../../core/index.js'
import { fromJson } from '../json.js'
import type { AccountRecord, AccountScoreRecord } from '../records/account.js'
import type { ContactRecord } from '../records/contact.js'
import type { StoredEvent } from '../records/event.js'
import type { KeyKind, KeyRecord } from '../records/key.js'
import type { ModelRecord, ModelStatus } from '../records/model.js'
import type { ScorePoint, ScoreRecord, TransitionCauseRef } from '../records/score.js'
import type { TransitionKind, TransitionRecord } from '../records/transition.js'
import type { Row } from './executor.js'

const str = (v: unknown): string => v as string
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string))
const num = (v: unknown): number => Number(v)
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** `columns` prefixed with a table alias and renamed `<prefix>_<column>`. */
export function aliased(alias: string, columns: readonly string[]): string {
  return columns.map((c) => `${alias}.${c} AS ${alias}_${c}`).join(', ')
}

/** The row's values of `<prefix>_<column>` columns, as a row of plain column names. */
export function unprefix(row: Row, prefix: string): Row {
  const out: Row = {}
  const start = prefix.length + 1
  for (const [key, value] of Object.entries(row))
    if (key.startsWith(`${prefix}_`)) out[key.slice(start)] = value
  return out
}

export const EVENT_COLUMNS = [
  'id',
  'contact_id',
  'anonymous_id',
  'name',
  'ts',
  'received_at',
  'properties',
] as const

export function eventFromRow(r: Row): StoredEvent {
  return {
    id: str(r['id']),
    contactId: strOrNull(r['contact_id']),
    anonymousId: strOrNull(r['anonymous_id']),
    name: str(r['name']),
    ts: num(r['ts']),
    receivedAt: num(r['received_at']),
    properties: fromJson<Properties>(r['properties']),
  }
}

export const CONTACT_COLUMNS = [
  'id',
  'properties',
  'account_id',
  'stage',
  'owner',
  'partition',
  'created_at',
  'updated_at',
] as const

export function contactFromRow(r: Row): ContactRecord {
  return {
    id: str(r['id']),
    properties: fromJson<Properties>(r['properties']),
    accountId: strOrNull(r['account_id']),
    stage: strOrNull(r['stage']),
    owner: strOrNull(r['owner']),
    partition: num(r['partition']),
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  }
}

export const ACCOUNT_COLUMNS = ['id', 'properties', 'created_at', 'updated_at'] as const

export function accountFromRow(r: Row): AccountRecord {
  return {
    id: str(r['id']),
    properties: fromJson<Properties>(r['properties']),
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  }
}

export const SCORE_COLUMNS = [
  'model_id',
  'contact_id',
  'model_version',
  'fit',
  'engagement',
  'total',
  'grade',
  'level',
  'label',
  'band',
  'stage',
  'journey',
  'segments',
  'likelihood',
  'last_activity_at',
  'scored_at',
  'next_change_at',
] as const

export function scoreFromRow(r: Row): ScoreRecord {
  return {
    contactId: str(r['contact_id']),
    modelId: str(r['model_id']),
    modelVersion: num(r['model_version']),
    fit: num(r['fit']),
    engagement: num(r['engagement']),
    total: num(r['total']),
    grade: strOrNull(r['grade']),
    level: strOrNull(r['level']),
    label: strOrNull(r['label']),
    band: strOrNull(r['band']),
    stage: strOrNull(r['stage']),
    journey: strOrNull(r['journey']),
    segments: fromJson<string[]>(r['segments']),
    likelihood: numOrNull(r['likelihood']),
    lastActivityAt: numOrNull(r['last_activity_at']),
    scoredAt: num(r['scored_at']),
    nextChangeAt: numOrNull(r['next_change_at']),
  }
}

export const ACCOUNT_SCORE_COLUMNS = [
  'model_id',
  'account_id',
  'model_version',
  'fit',
  'engagement',
  'total',
  'band',
  'contacts',
  'committee',
  'scored_at',
] as const

export function accountScoreFromRow(r: Row): AccountScoreRecord {
  return {
    accountId: str(r['account_id']),
    modelId: str(r['model_id']),
    modelVersion: num(r['model_version']),
    fit: num(r['fit']),
    engagement: num(r['engagement']),
    total: num(r['total']),
    band: strOrNull(r['band']),
    contacts: num(r['contacts']),
    committee: fromJson<CommitteeRole[]>(r['committee']),
    scoredAt: num(r['scored_at']),
  }
}

export const TRANSITION_COLUMNS = [
  'seq',
  'contact_id',
  'account_id',
  'model_id',
  'model_version',
  'kind',
  'from_value',
  'to_value',
  'at',
  'cause',
] as const

export function transitionFromRow(r: Row): TransitionRecord {
  return {
    seq: num(r['seq']),
    contactId: strOrNull(r['contact_id']),
    accountId: strOrNull(r['account_id']),
    modelId: str(r['model_id']),
    modelVersion: num(r['model_version']),
    kind: str(r['kind']) as TransitionKind,
    from: strOrNull(r['from_value']),
    to: strOrNull(r['to_value']),
    at: num(r['at']),
    cause: fromJson<TransitionCauseRef>(r['cause']),
  }
}

export const HISTORY_COLUMNS = [
  'contact_id',
  'model_id',
  'model_version',
  'at',
  'fit',
  'engagement',
  'total',
  'cause',
] as const

export function scorePointFromRow(r: Row): ScorePoint {
  return {
    contactId: str(r['contact_id']),
    modelId: str(r['model_id']),
    modelVersion: num(r['model_version']),
    at: num(r['at']),
    fit: num(r['fit']),
    engagement: num(r['engagement']),
    total: num(r['total']),
    cause: fromJson<TransitionCauseRef>(r['cause']),
  }
}

export const MODEL_COLUMNS = [
  'id',
  'version',
  'status',
  'is_primary',
  'source',
  'created_at',
  'published_at',
] as const

export function modelFromRow(r: Row): ModelRecord {
  return {
    id: str(r['id']),
    version: num(r['version']),
    status: str(r['status']) as ModelStatus,
    primary: r['is_primary'] === true || r['is_primary'] === 1,
    source: str(r['source']),
    createdAt: num(r['created_at']),
    publishedAt: numOrNull(r['published_at']),
  }
}

export const KEY_COLUMNS = [
  'id',
  'kind',
  'hash',
  'label',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const

export function keyFromRow(r: Row): KeyRecord {
  return {
    id: str(r['id']),
    kind: str(r['kind']) as KeyKind,
    hash: str(r['hash']),
    label: strOrNull(r['label']),
    createdAt: num(r['created_at']),
    lastUsedAt: numOrNull(r['last_used_at']),
    revokedAt: numOrNull(r['revoked_at']),
  }
}

/** `?, ?, ?` for `n` values. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

/** Splits a list for `IN (...)` lists of bounded size. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
