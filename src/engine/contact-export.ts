/**
 * The ranked queue as rows for people and programs: the API's queue items, and streamed
 * exports of any queue or segment view as CSV or NDJSON, a page at a time, so a million
 * rows never sit in memory.
 * @module
 */
import type { ContactQuery, RankedContact, Store } from '../store/index.js'

export type ExportFormat = 'csv' | 'ndjson'

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null
}

/** A contact's display name: first and last name, else the email, else null. */
export function displayName(p: Readonly<Record<string, unknown>>): string | null {
  const name = [text(p['first_name'] ?? p['firstName']), text(p['last_name'] ?? p['lastName'])]
    .filter((x) => x !== null)
    .join(' ')
  return name || text(p['name']) || null
}

function companyName(p: Readonly<Record<string, unknown>>): string | null {
  const company = p['company']
  if (company !== null && typeof company === 'object' && !Array.isArray(company))
    return text((company as Record<string, unknown>)['name'])
  return text(company) ?? text(p['company_name'])
}

/** A queue row as the API returns it. */
export function queueItem(r: RankedContact) {
  const p = r.contact.properties
  const s = r.score
  return {
    id: r.contact.id,
    name: displayName(p),
    email: text(p['email']),
    title: text(p['job_title'] ?? p['title']),
    company: companyName(p),
    accountId: r.contact.accountId,
    stage: r.contact.stage,
    owner: r.contact.owner,
    score: {
      model: s.modelId,
      version: s.modelVersion,
      total: s.total,
      fit: s.fit,
      engagement: s.engagement,
      grade: s.grade,
      level: s.level,
      label: s.label,
      band: s.band,
      stage: s.stage,
      journey: s.journey,
      segments: s.segments,
      likelihood: s.likelihood,
      lastActivityAt: s.lastActivityAt,
      scoredAt: s.scoredAt,
      nextChangeAt: s.nextChangeAt,
    },
  }
}

export const CSV_COLUMNS = [
  'id',
  'name',
  'email',
  'title',
  'company',
  'account_id',
  'stage',
  'owner',
  'total',
  'fit',
  'engagement',
  'grade',
  'level',
  'label',
  'band',
  'journey',
  'segments',
  'likelihood',
  'last_activity_at',
] as const

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000)
  // a text starting like a formula is prefixed, so spreadsheets show it instead of running it
  const s = /^[=+\-@\t\r]/.test(String(value)) ? `'${String(value)}` : String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvRow(r: RankedContact): string {
  const item = queueItem(r)
  const s = item.score
  return `${[
    item.id,
    item.name,
    item.email,
    item.title,
    item.company,
    item.accountId,
    item.stage,
    item.owner,
    s.total,
    s.fit,
    s.engagement,
    s.grade,
    s.level,
    s.label,
    s.band,
    s.journey,
    s.segments.join('|'),
    s.likelihood,
    s.lastActivityAt === null ? null : new Date(s.lastActivityAt).toISOString(),
  ]
    .map(csvCell)
    .join(',')}\r\n`
}

/** A piece of an export: its text and how many contacts it holds. */
export interface ExportChunk {
  readonly text: string
  readonly rows: number
}

/** The rows of a queue query in `format`, header first for CSV, a page (`pageSize` contacts) per chunk. */
export async function* exportContacts(
  store: Store,
  query: Omit<ContactQuery, 'limit' | 'cursor'> & { readonly cursor?: string | null | undefined },
  format: ExportFormat,
  pageSize = 1000,
): AsyncGenerator<ExportChunk> {
  if (format === 'csv') yield { text: `${CSV_COLUMNS.join(',')}\r\n`, rows: 0 }
  let cursor: string | null = query.cursor ?? null
  for (;;) {
    const page = await store.listContacts({ ...query, limit: pageSize, cursor })
    if (page.items.length > 0) {
      const text =
        format === 'csv'
          ? page.items.map(csvRow).join('')
          : page.items.map((r) => `${JSON.stringify(queueItem(r))}\n`).join('')
      yield { text, rows: page.items.length }
    }
    cursor = page.nextCursor
    if (cursor === null) return
  }
}
