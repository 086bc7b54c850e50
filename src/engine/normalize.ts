/**
 * From a Segment-spec message to what the engine writes: contact traits, account traits,
 * memberships, anonymous-id merges and events. Pure: the caller gives the receive time.
 *
 * - **identify**: traits merge into the contact's properties. Well-known camelCase traits
 *   also get the snake_case name models use (`title` → `job_title`, `firstName` →
 *   `first_name`, ...) unless that name is already set. `company` (an object `{ id, name,
 *   industry, employee_count, plan }` or a name) becomes the contact's account when it has
 *   none yet; the contact keeps `company` as the company's name. Without a `userId`, the
 *   traits of the anonymous visitor are kept until it is identified, then given to its
 *   contact under the contact's own; an `owner` trait sets the contact's owner.
 * - **group**: the traits merge into the account `groupId`, and the user becomes a member.
 * - **track**: an event named `event`, with its properties; `context.groupId` sets the
 *   membership (B2B SaaS spec).
 * - **page** / **screen**: an event `page` / `screen` whose properties are the page fields
 *   (`path`, `url`, `title`, `referrer`, `search`, from `properties`, else `context.page`),
 *   `name`, `category`, the other properties, and the UTM parameters of `context.campaign`
 *   (`utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`).
 * - **alias**: `previousId` (an anonymous id) is merged into `userId`.
 * - Every message with both `userId` and `anonymousId` merges the anonymous id into the user,
 *   so page views made before signing up count for the contact.
 *
 * Event time: `timestamp`, else `originalTimestamp`, else the receive time. When `sentAt`
 * (the message's, else the batch's) is given and the client clock is off by more than
 * {@link SKEW_TOLERANCE_MS}, the time is corrected by `receivedAt - sentAt`, as Segment does.
 * A time later than the receive time is set to the receive time (a client clock cannot
 * schedule the future).
 * @module
 */
import { createHash } from 'node:crypto'
import type { Properties } from '../core/index.js'
import { type ApiText, fieldIssueText, sayApi } from '../i18n/api.js'
import { parseTimestamp, timestampProblem } from '../io/parse-timestamp.js'
import { type Message, type MessageType, messageSchema } from './message-schema.js'

/** Clock skew below this is network and queueing delay, not a wrong clock: left alone. */
export const SKEW_TOLERANCE_MS = 10_000
/** The largest message, as JSON, in bytes (Segment's limit). */
export const MAX_MESSAGE_BYTES = 32 * 1024

/** An account named by a message. */
export interface AccountRef {
  readonly id: string
  readonly properties: Properties
}

/** What one message asks the engine to write. */
export type IngestOp =
  | {
      readonly kind: 'identify'
      readonly messageId: string
      readonly contactId: string
      readonly anonymousId: string | null
      readonly traits: Properties
      /** The account of `traits.company`, joined only when the contact has none. */
      readonly company: AccountRef | undefined
      readonly at: number
    }
  | {
      /** Traits of an anonymous visitor: kept until the visitor is identified, then merged. */
      readonly kind: 'anonymous-identify'
      readonly messageId: string
      readonly anonymousId: string
      readonly traits: Properties
      readonly at: number
    }
  | {
      readonly kind: 'group'
      readonly messageId: string
      readonly contactId: string | null
      readonly anonymousId: string | null
      readonly account: AccountRef
      readonly at: number
    }
  | {
      readonly kind: 'alias'
      readonly messageId: string
      readonly contactId: string
      readonly previousId: string
      readonly at: number
    }
  | {
      readonly kind: 'event'
      readonly messageId: string
      readonly contactId: string | null
      readonly anonymousId: string | null
      readonly name: string
      readonly ts: number
      readonly properties: Properties
      /** `context.groupId`: the account the user acts for. */
      readonly accountId: string | null
      readonly at: number
    }
  | {
      /** A native account upsert (`leadscore import accounts`): properties merged. */
      readonly kind: 'account'
      readonly messageId: string
      readonly account: AccountRef
      readonly at: number
    }
  | {
      /** A known contact merged into another (`POST /api/contacts/{id}/merge`). */
      readonly kind: 'merge'
      readonly messageId: string
      readonly from: string
      /** The contact that remains. */
      readonly contactId: string
      readonly at: number
    }
  | {
      /** A native contact upsert (`POST /api/contacts`). */
      readonly kind: 'contact'
      readonly messageId: string
      readonly contactId: string
      readonly properties: Properties | undefined
      readonly replaceProperties: boolean
      readonly accountId: string | null | undefined
      readonly stage: string | null | undefined
      readonly owner: string | null | undefined
      readonly at: number
    }

/** Fields of a batch that apply to each of its messages. */
export interface BatchFields {
  /** The batch's `sentAt` (used when a message has none). */
  readonly sentAt?: unknown
  /** The batch's `context`, merged under each message's own. */
  readonly context?: unknown
}

export type Normalized =
  | { readonly ok: true; readonly op: IngestOp }
  | {
      readonly ok: false
      readonly messageId: string | null
      /** Why, in English. */
      readonly reason: string
      /** Why, as a text of the `api` catalog (the server says it in the reader's language). */
      readonly text: ApiText
    }

/** A refusal whose English reason is the catalog's. */
function refused(messageId: string | null, text: ApiText): Normalized {
  return { ok: false, messageId, reason: sayApi(text, 'en'), text }
}

/** Snake-case names models use for well-known camelCase traits (Segment spec). */
const TRAIT_ALIASES: Readonly<Record<string, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  title: 'job_title',
  jobTitle: 'job_title',
  createdAt: 'created_at',
  companyName: 'company_name',
  employeeCount: 'employees',
  employee_count: 'employees',
}

const PAGE_FIELDS = ['path', 'url', 'title', 'referrer', 'search'] as const
const CAMPAIGN_FIELDS: readonly (readonly [string, string])[] = [
  ['source', 'utm_source'],
  ['medium', 'utm_medium'],
  ['name', 'utm_campaign'],
  ['term', 'utm_term'],
  ['content', 'utm_content'],
]

/**
 * Validates and normalizes one message received at `receivedAt`. `type` overrides the
 * message's own (the single-message routes `/v1/track`, ... name it).
 */
export function normalizeMessage(
  raw: unknown,
  receivedAt: number,
  batch: BatchFields = {},
  type?: MessageType,
): Normalized {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return refused(null, { key: 'reason.notObject' })
  }
  const input = type === undefined ? raw : { ...raw, type }
  const parsed = messageSchema.safeParse(input)
  const rawId = (raw as Record<string, unknown>)['messageId']
  const claimedId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.length > 0 ? issue.path.join('.') : 'message'
    const hint = issue.path[0] === 'type' ? ' (send it to /v1/batch with a type, or to /v1/<type>)' : ''
    return {
      ok: false,
      messageId: claimedId,
      // zod's words (or the schema's) for English readers, as they were
      reason: `${where}: ${issue.message}${hint}`,
      text: {
        key: 'reason.field',
        values: { path: where, hint: hint === '' ? 'none' : 'type' },
        texts: { problem: fieldIssueText(issue, false) },
      },
    }
  }
  const size = Buffer.byteLength(JSON.stringify(raw), 'utf8')
  if (size > MAX_MESSAGE_BYTES) {
    return refused(claimedId, { key: 'reason.tooLarge', values: { kb: String(Math.ceil(size / 1024)) } })
  }
  // the property bags as sent: zod's records drop a `__proto__` key, which is data here
  const bags = raw as Record<string, unknown>
  const m = {
    ...parsed.data,
    ...(parsed.data.properties ? { properties: bags['properties'] as Properties } : {}),
    ...(parsed.data.traits ? { traits: bags['traits'] as Properties } : {}),
  }
  const context = mergedContext(batch.context, m.context)
  const messageId = idOf(m.messageId) ?? generatedId(raw)
  const userId = idOf(m.userId)
  const anonymousId = idOf(m.anonymousId)
  const fail = (text: ApiText): Normalized => refused(messageId, text)

  const time = eventTime(m, receivedAt, batch.sentAt)
  if (typeof time !== 'number') return fail(time)

  switch (m.type) {
    case 'identify': {
      const traits = m.traits ?? (context['traits'] as Properties | undefined) ?? {}
      const { properties, company } = contactTraits(traits)
      if (userId === null) {
        if (anonymousId === null) return fail({ key: 'reason.identify' })
        // the visitor's traits wait until it is identified (an identify with both ids, or an alias)
        return {
          ok: true,
          op: { kind: 'anonymous-identify', messageId, anonymousId, traits: properties, at: time },
        }
      }
      return {
        ok: true,
        op: {
          kind: 'identify',
          messageId,
          contactId: userId,
          anonymousId,
          traits: properties,
          company,
          at: time,
        },
      }
    }
    case 'group': {
      const groupId = idOf(m.groupId)
      if (groupId === null) return fail({ key: 'reason.groupId' })
      if (userId === null && anonymousId === null) return fail({ key: 'reason.groupUser' })
      return {
        ok: true,
        op: {
          kind: 'group',
          messageId,
          contactId: userId,
          anonymousId,
          account: { id: groupId, properties: accountTraits(m.traits ?? {}) },
          at: time,
        },
      }
    }
    case 'alias': {
      const previousId = idOf(m.previousId)
      if (userId === null || previousId === null) return fail({ key: 'reason.alias' })
      if (previousId === userId) return fail({ key: 'reason.aliasSame' })
      return { ok: true, op: { kind: 'alias', messageId, contactId: userId, previousId, at: time } }
    }
    case 'track':
    case 'page':
    case 'screen': {
      if (userId === null && anonymousId === null)
        return fail({ key: 'reason.user', values: { type: m.type } })
      let name: string
      let properties: Properties
      if (m.type === 'track') {
        const event = m.event?.trim()
        if (!event) return fail({ key: 'reason.event' })
        name = event
        properties = m.properties ?? {}
      } else {
        name = m.type
        properties = pageProperties(m, context)
      }
      const groupId = idOf(context['groupId'] as string | number | null | undefined)
      return {
        ok: true,
        op: {
          kind: 'event',
          messageId,
          contactId: userId,
          anonymousId,
          name,
          ts: time,
          properties,
          accountId: groupId,
          at: receivedAt,
        },
      }
    }
  }
}

/** An id as a string: numbers are written as digits; empty strings and null are none. */
export function idOf(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim()
  return text === '' ? null : text
}

/** A message without a messageId gets one from its content: resending it deduplicates. */
function generatedId(raw: object): string {
  const { sentAt: _s, writeKey: _w, ...content } = raw as Record<string, unknown>
  return `gen-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32)}`
}

function mergedContext(batchContext: unknown, own: Message['context']): Record<string, unknown> {
  const base =
    batchContext !== null && typeof batchContext === 'object' && !Array.isArray(batchContext)
      ? (batchContext as Record<string, unknown>)
      : {}
  return { ...base, ...(own ?? {}) }
}

/** The event time, corrected for clock skew; a text says why there is none. */
function eventTime(m: Message, receivedAt: number, batchSentAt: unknown): number | ApiText {
  const field = m.timestamp != null ? 'timestamp' : m.originalTimestamp != null ? 'originalTimestamp' : null
  let ts = receivedAt
  if (field !== null) {
    const parsed = parseTimestamp(m[field])
    if (parsed === undefined) return notATime(field, m[field])
    ts = Math.floor(parsed)
    const sentRaw = m.sentAt ?? batchSentAt
    if (sentRaw !== null && sentRaw !== undefined) {
      const sentAt = parseTimestamp(sentRaw)
      if (sentAt === undefined) return notATime('sentAt', sentRaw)
      const skew = receivedAt - Math.floor(sentAt)
      if (Math.abs(skew) > SKEW_TOLERANCE_MS) ts += skew
    }
  }
  return Math.min(ts, receivedAt)
}

/** Why `value` of `field` is not a time, by the code of `timestampProblem`. */
function notATime(field: string, value: unknown): ApiText {
  return {
    key: 'time.invalid',
    values: { field, value: JSON.stringify(value) },
    texts: { problem: { key: 'time.problem', values: { problem: timestampProblem(value) ?? 'format' } } },
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Contact properties from identify traits, and the account `company` names. */
function contactTraits(traits: Properties): { properties: Properties; company: AccountRef | undefined } {
  const properties: Record<string, unknown> = Object.fromEntries(Object.entries(traits))
  for (const [from, to] of Object.entries(TRAIT_ALIASES)) {
    if (Object.hasOwn(traits, from) && !Object.hasOwn(traits, to)) properties[to] = traits[from]
  }
  const address = traits['address']
  if (isObject(address) && !Object.hasOwn(traits, 'country') && address['country'] !== undefined)
    properties['country'] = address['country']
  let company: AccountRef | undefined
  const value = traits['company']
  if (isObject(value)) {
    const name = typeof value['name'] === 'string' ? value['name'].trim() : ''
    const id = idOf(value['id'] as string | number | null | undefined) ?? (name ? slugId(name) : null)
    if (id !== null) {
      const { id: _id, ...rest } = value
      company = { id, properties: accountTraits(rest) }
    }
    if (name) properties['company'] = name
    else delete properties['company']
  } else if (typeof value === 'string' && value.trim() !== '') {
    company = { id: slugId(value), properties: { name: value.trim() } }
  }
  return { properties, company }
}

/** Account properties from group traits (or a company object): `employee_count` is also `employees`. */
function accountTraits(traits: Properties): Properties {
  const properties: Record<string, unknown> = Object.fromEntries(Object.entries(traits))
  for (const from of ['employee_count', 'employeeCount', 'numberOfEmployees']) {
    if (Object.hasOwn(traits, from) && !Object.hasOwn(traits, 'employees'))
      properties['employees'] = traits[from]
  }
  return properties
}

/** An account id from a company name: `Acme, Inc.` → `acme-inc`. */
export function slugId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug === '' ? `company-${createHash('sha256').update(name).digest('hex').slice(0, 12)}` : slug
}

/** Page and screen event properties: page fields, name, category, properties, UTM parameters. */
function pageProperties(m: Message, context: Record<string, unknown>): Properties {
  const page = isObject(context['page']) ? context['page'] : {}
  const own = m.properties ?? {}
  const out: Record<string, unknown> = {}
  for (const field of PAGE_FIELDS) {
    const value = own[field] ?? page[field]
    if (value !== undefined && value !== null) out[field] = value
  }
  if (out['path'] === undefined && typeof out['url'] === 'string') {
    try {
      out['path'] = new URL(out['url']).pathname
    } catch {
      // not an absolute URL: no path
    }
  }
  if (m.name != null) out['name'] = m.name
  if (m.category != null) out['category'] = m.category
  for (const [key, value] of Object.entries(own)) if (!(key in out) && value !== undefined) out[key] = value
  const campaign = context['campaign']
  if (isObject(campaign)) {
    for (const [from, to] of CAMPAIGN_FIELDS) {
      const value = campaign[from]
      if (value !== undefined && value !== null && out[to] === undefined) out[to] = value
    }
  }
  return out
}
