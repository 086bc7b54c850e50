/**
 * A pure, seeded, deterministic generator of realistic B2B lead data: contacts with messy
 * CRM properties, the accounts they work for, and a heavy-tailed stream of behavioural events
 * (Segment-spec names) spread over `days` before `now`. No I/O, no clock: `now` is a parameter.
 *
 * Every contact, account and event list is derived from `(options, index)` alone, with its own
 * random streams: any one can be generated on its own, in any order, and reading the data twice
 * gives the same data. Events come out grouped by contact (each contact's events in time
 * order), in columnar batches for speed ({@link Dataset.eventBatches}) or as objects
 * ({@link Dataset.events}); nothing needs to be held in memory.
 *
 * Hidden truth drives everything: each contact has a true seniority, department, company fit
 * and a latent buying intent. Intent shapes how much and what they do (pricing visits, demo
 * requests, webinars), and the optional `converted` outcome is drawn from fit and intent, so
 * a good scoring model ranks converters higher, and a predictive model has something to learn.
 * @module
 */

import type { ContactEvent } from '../core/input.js'
import { ContactEventGenerator } from './contact-events.js'
import { EventColumns } from './event-columns.js'
import { type AccountTruth, accountTruth, EmailKind, profileOf, Stream } from './profile.js'
import { Random, type WeightedTable, weightedTable } from './random.js'
import {
  BUDGETS,
  COMPANY_CORES,
  COMPANY_PREFIXES,
  COMPANY_WORDS,
  COUNTRIES,
  type CountryEntry,
  DEPARTMENTS,
  FIRST_NAMES,
  INDUSTRIES,
  JUNK_TITLES,
  LAST_NAMES,
  PERSONAL_EMAIL_DOMAINS,
  TIMELINES,
  TITLE_ABBREVIATIONS,
  UNIVERSITY_DOMAINS,
  UTM_CAMPAIGNS,
} from './vocabulary.js'

export {
  type DemoEventName,
  EVENT_NAMES,
  EVENT_PROPERTIES,
  EventColumns,
  type EventProperty,
  EventType,
} from './event-columns.js'

// ---------------------------------------------------------------------------------------------
// Public types

export interface GenerateOptions {
  /** Any integer; the same seed always gives the same data. */
  readonly seed: number
  /** Number of contacts. */
  readonly contacts: number
  /** The reference time: no event is later than this. Epoch milliseconds or a Date. */
  readonly now: number | Date
  /** Events are spread over this many days before `now` (default 180). */
  readonly days?: number
  /** Number of accounts (default: one per 5 contacts). Some accounts end up with no contacts. */
  readonly accounts?: number
  /** The mean number of events per contact (default 20; the median is about 3). */
  readonly eventsPerContact?: number
  /** The most events one contact can have (default 5,000). */
  readonly maxEventsPerContact?: number
  /** Add the hidden outcome as the contact property `converted` (true/false). Default false. */
  readonly outcome?: boolean
}

/** The options with every default filled in; `now` in epoch milliseconds. */
export interface DatasetOptions {
  readonly seed: number
  readonly contacts: number
  readonly accounts: number
  readonly now: number
  readonly days: number
  readonly eventsPerContact: number
  readonly maxEventsPerContact: number
  readonly outcome: boolean
}

export type PropertyValue = string | number | boolean
export type DemoProperties = Readonly<Record<string, PropertyValue>>

export interface DemoContact {
  readonly id: string
  /** Missing values are absent keys. Includes `account_id` when the contact has an account. */
  readonly properties: DemoProperties
}

export interface DemoAccount {
  readonly id: string
  readonly properties: DemoProperties
}

export interface DemoEvent extends ContactEvent {
  readonly contactId: string
}

/** The contact property columns, in CSV order (`converted` only with the `outcome` option). */
export const CONTACT_PROPERTIES = [
  'account_id',
  'email',
  'first_name',
  'last_name',
  'job_title',
  'department',
  'company',
  'industry',
  'employees',
  'country',
  'phone',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'budget',
  'purchase_timeline',
  'email_opt_in',
  'created_at',
  'converted',
] as const

/** The account property columns, in CSV order. */
export const ACCOUNT_PROPERTIES = ['name', 'domain', 'industry', 'employees', 'country'] as const

/** A generated data set. Everything is lazy and recomputed on demand from `(seed, index)`. */
export interface Dataset {
  readonly options: DatasetOptions
  /** The id of contact `index` (0-based), e.g. `c-000042` for index 41. */
  contactId(index: number): string
  /** The id of account `index` (0-based), e.g. `acc-0007` for index 6. */
  accountId(index: number): string
  /** Event ids are `ev-<contact number>-<seq>`, unique in the data set. */
  eventId(contactIndex: number, seq: number): string
  /** The event id without its sequence number: `ev-000042-`. */
  eventIdPrefix(contactIndex: number): string
  contact(index: number): DemoContact
  contacts(): IterableIterator<DemoContact>
  account(index: number): DemoAccount
  accounts(): IterableIterator<DemoAccount>
  /** The events of one contact, in time order. */
  contactEvents(index: number): DemoEvent[]
  /** Every event as an object, grouped by contact, each contact's events in time order. */
  events(): IterableIterator<DemoEvent>
  /**
   * Every event in columnar batches of about `batchSize` events (whole contacts; a batch grows
   * past `batchSize` for one very active contact). The same batch object is refilled each time.
   */
  eventBatches(batchSize?: number): IterableIterator<EventColumns>
}

const PERSONAL_TABLE: WeightedTable<string> = weightedTable(PERSONAL_EMAIL_DOMAINS)

// ---------------------------------------------------------------------------------------------
// Text helpers

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '')
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/** `2026-10-31T14:03:22Z` for epoch milliseconds (whole seconds; milliseconds dropped). */
export function formatIso(ts: number): string {
  return `${new Date(Math.floor(ts / 1000) * 1000).toISOString().slice(0, 19)}Z`
}

/** Types a title the way people do: abbreviations, case, stray spaces, typos. */
function messTitle(rng: Random, clean: string): string {
  let title = clean
  if (rng.chance(0.22)) {
    // one abbreviation, picked among those that apply
    let seen = 0
    let chosen: readonly [string, string] | undefined
    for (const pair of TITLE_ABBREVIATIONS) {
      if (title.includes(pair[0]) && rng.next() * ++seen < 1) chosen = pair
    }
    if (chosen) title = title.replace(chosen[0], chosen[1])
  }
  const c = rng.next()
  if (c < 0.1) title = title.toLowerCase()
  else if (c < 0.14) title = title.toUpperCase()
  if (rng.chance(0.025) && title.length > 4) {
    // a typo: two letters swapped, or one dropped
    const at = 1 + rng.int(title.length - 2)
    title = rng.chance(0.5)
      ? title.slice(0, at) + title.charAt(at + 1) + title.charAt(at) + title.slice(at + 2)
      : title.slice(0, at) + title.slice(at + 1)
  }
  if (rng.chance(0.03)) title = rng.chance(0.5) ? `${title} ` : title.replace(' ', '  ')
  return title
}

// ---------------------------------------------------------------------------------------------
// The generator

function resolveOptions(options: GenerateOptions): DatasetOptions {
  const now = options.now instanceof Date ? options.now.getTime() : options.now
  const positiveInt = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`)
    return value
  }
  if (!Number.isFinite(now)) throw new RangeError('now must be a valid time')
  if (!Number.isFinite(options.seed)) throw new RangeError('seed must be a finite number')
  const contacts = positiveInt('contacts', options.contacts, 0)
  const days = options.days ?? 180
  if (!(days > 0)) throw new RangeError(`days must be > 0, got ${days}`)
  const eventsPerContact = options.eventsPerContact ?? 20
  if (!(eventsPerContact >= 0)) throw new RangeError(`eventsPerContact must be >= 0, got ${eventsPerContact}`)
  return {
    seed: options.seed,
    contacts,
    accounts: positiveInt('accounts', options.accounts ?? Math.max(1, Math.round(contacts / 5)), 1),
    now: Math.floor(now / 1000) * 1000,
    days,
    eventsPerContact,
    maxEventsPerContact: positiveInt('maxEventsPerContact', options.maxEventsPerContact ?? 5000, 1),
    outcome: options.outcome ?? false,
  }
}

/** Generates a data set. Cheap: nothing is computed until you read it. */
export function generateDataset(options: GenerateOptions): Dataset {
  const opts = resolveOptions(options)
  const { seed } = opts
  const contactWidth = Math.max(6, String(opts.contacts).length)
  const accountWidth = Math.max(4, String(opts.accounts).length)

  const contactId = (index: number): string => `c-${pad(index + 1, contactWidth)}`
  const accountId = (index: number): string => `acc-${pad(index + 1, accountWidth)}`
  const eventIdPrefix = (contactIndex: number): string => `ev-${pad(contactIndex + 1, contactWidth)}-`
  const eventId = (contactIndex: number, seq: number): string => `${eventIdPrefix(contactIndex)}${seq}`

  // ---- accounts

  const COMBOS = COMPANY_PREFIXES.length * COMPANY_CORES.length
  const accountNames = (
    index: number,
    truth: AccountTruth,
  ): { name: string; short: string; base: string; domain: string } => {
    const rng = Random.of(seed, Stream.accountText, index)
    // a bijection on [0, COMBOS): every account of a round gets a different prefix + core
    const k = (index * 1187 + 17) % COMBOS
    const round = Math.floor(index / COMBOS)
    const base =
      COMPANY_PREFIXES[k % COMPANY_PREFIXES.length]! + COMPANY_CORES[Math.floor(k / COMPANY_PREFIXES.length)]!
    const word = rng.pick(COMPANY_WORDS[truth.industry]!)
    const country: CountryEntry = COUNTRIES[truth.country]!
    const short = word ? `${base} ${word}` : base
    let name = short
    if (rng.chance(0.35)) {
      const legal = rng.pick(country[6])
      name = legal === 'Inc.' && rng.chance(0.5) ? `${short}, Inc.` : `${short} ${legal}`
    }
    const tld = rng.chance(0.6) ? country[7][0]! : rng.pick(country[7])
    const domain = `${slug(base)}${round > 0 ? round + 1 : ''}.${tld}`
    return { name, short, base, domain }
  }

  const account = (index: number): DemoAccount => {
    checkIndex('account', index, opts.accounts)
    const truth = accountTruth(seed, index)
    const { name, domain } = accountNames(index, truth)
    return {
      id: accountId(index),
      properties: {
        name,
        domain,
        industry: INDUSTRIES[truth.industry]![0],
        employees: truth.employees,
        country: COUNTRIES[truth.country]![0],
      },
    }
  }

  // ---- contacts: rendered properties

  const contact = (index: number): DemoContact => {
    checkIndex('contact', index, opts.contacts)
    const p = profileOf(opts, index)
    const rng = Random.of(seed, Stream.contactText, index)
    const props: Record<string, PropertyValue> = {}
    const country = COUNTRIES[p.country]!
    const source = p.source

    const names = p.account >= 0 ? accountNames(p.account, accountTruth(seed, p.account)) : undefined
    if (p.account >= 0) props['account_id'] = accountId(p.account)
    if (!p.anonymous) {
      const first = rng.pick(FIRST_NAMES)
      const last = rng.pick(LAST_NAMES)
      const f = slug(first)
      const l = slug(last)
      if (p.emailKind === EmailKind.work) {
        const domain = names?.domain ?? ''
        const u = rng.next()
        const local =
          u < 0.5
            ? `${f}.${l}`
            : u < 0.7
              ? `${f.charAt(0)}${l}`
              : u < 0.8
                ? f
                : u < 0.86
                  ? `${f}${l.charAt(0)}`
                  : u < 0.92
                    ? `${f}_${l}`
                    : `${f}.${l}${1 + rng.int(9)}`
        props['email'] = `${local}@${domain}`
      } else if (p.emailKind === EmailKind.academic) {
        props['email'] =
          `${rng.chance(0.6) ? `${f}.${l}` : `${f.charAt(0)}${l}${rng.int(100)}`}@${rng.pick(UNIVERSITY_DOMAINS)}`
      } else {
        const u = rng.next()
        const local =
          u < 0.4
            ? `${f}.${l}`
            : u < 0.7
              ? `${f}${l}${rng.int(100)}`
              : `${f.charAt(0)}${l}${1960 + rng.int(45)}`
        props['email'] = `${local}@${rng.weighted(PERSONAL_TABLE)}`
      }
      if (rng.chance(0.04) && props['email'])
        props['email'] = rng.chance(0.5) ? titleCaseEmail(props['email'] as string) : ` ${props['email']}`
      props['first_name'] = rng.chance(0.04) ? first.toLowerCase() : first
      if (rng.chance(0.96)) props['last_name'] = rng.chance(0.04) ? last.toUpperCase() : last

      // job title: missing for about 10%, junk for 2%, otherwise messy
      const t = rng.next()
      if (t >= 0.1) props['job_title'] = t < 0.12 ? rng.pick(JUNK_TITLES) : messTitle(rng, p.title[0])
      const department = DEPARTMENTS[p.department]
      if (department !== undefined && rng.chance(0.6)) props['department'] = department

      if (names) {
        const u = rng.next()
        if (u < 0.55) props['company'] = names.name
        else if (u < 0.75) props['company'] = names.short
        else if (u < 0.8) props['company'] = names.base.toLowerCase()
        else if (u < 0.9) props['company'] = names.base
      } else if (p.department === 'other' && rng.chance(0.5)) {
        props['company'] = rng.pick(['Self-employed', 'Freelance', 'Independent', 'N/A', '-'])
      } else if (p.emailKind === EmailKind.academic && rng.chance(0.4)) {
        props['company'] = 'University'
      }
      if (rng.chance(0.45)) props['industry'] = rng.pick(INDUSTRIES[p.industry]![3])
      if (rng.chance(0.35)) props['employees'] = p.employees
      if (rng.chance(0.3)) props['phone'] = phoneNumber(rng, country)
    }
    const c = rng.next()
    if (!p.anonymous || c < 0.6) {
      if (c < 0.78) props['country'] = country[0]
      else if (c < 0.9) props['country'] = country[1]
      else if (c < 0.94 && country[4].length > 0) props['country'] = rng.pick(country[4])
    }
    props['source'] = source[0]
    if (source[3].length > 0) {
      props['utm_source'] = rng.pick(source[3])
      if (source[4] !== undefined) props['utm_medium'] = source[4]
      if (rng.chance(0.8)) props['utm_campaign'] = rng.pick(UTM_CAMPAIGNS)
    }
    // BANT answers come from the "contact sales" form: hand-raisers mostly, a few others
    if (!p.anonymous && (p.demo || p.trial ? rng.chance(0.7) : rng.chance(0.05))) {
      const lean = p.intent + 0.5 * p.fit + (p.demo ? 1 : 0)
      props['budget'] = BUDGETS[clampIndex(Math.round(1.5 + 0.6 * lean + rng.normal()), BUDGETS.length)]!
      if (rng.chance(0.85)) {
        props['purchase_timeline'] =
          TIMELINES[clampIndex(Math.round(0.9 + 0.6 * lean + rng.normal()), TIMELINES.length)]!
      }
    }
    if (p.emailKind !== EmailKind.none) props['email_opt_in'] = p.subscriber
    props['created_at'] = formatIso(p.createdAt)
    if (opts.outcome) props['converted'] = p.converted
    return { id: contactId(index), properties: props }
  }

  // ---- events

  const toEvent = (batch: EventColumns, j: number): DemoEvent => ({
    id: eventId(batch.contactIndex[j]!, batch.seq[j]!),
    contactId: batch.contactId[j]!,
    name: batch.name(j),
    ts: batch.ts[j]!,
    properties: batch.properties(j),
  })

  function* eventBatches(batchSize = 65_536): IterableIterator<EventColumns> {
    if (!(batchSize >= 1)) throw new RangeError(`batchSize must be >= 1, got ${batchSize}`)
    const batch = new EventColumns(Math.max(1024, batchSize + 256))
    const generator = new ContactEventGenerator(opts)
    for (let i = 0; i < opts.contacts; i++) {
      const events = generator.generate(profileOf(opts, i))
      if (events.length === 0) continue
      if (batch.length > 0 && batch.length + events.length > batchSize) {
        yield batch
        batch.length = 0
      }
      batch.appendContact(events, i, contactId(i))
    }
    if (batch.length > 0) yield batch
  }

  return {
    options: opts,
    contactId,
    accountId,
    eventId,
    eventIdPrefix,
    contact,
    *contacts() {
      for (let i = 0; i < opts.contacts; i++) yield contact(i)
    },
    account,
    *accounts() {
      for (let i = 0; i < opts.accounts; i++) yield account(i)
    },
    contactEvents(index) {
      checkIndex('contact', index, opts.contacts)
      const events = new ContactEventGenerator(opts).generate(profileOf(opts, index))
      const out = new EventColumns(Math.max(16, events.length))
      out.appendContact(events, index, contactId(index))
      return Array.from({ length: out.length }, (_, j) => toEvent(out, j))
    },
    *events() {
      for (const batch of eventBatches()) {
        for (let j = 0; j < batch.length; j++) yield toEvent(batch, j)
      }
    },
    eventBatches,
  }
}

function checkIndex(what: string, index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${what} index ${index} is out of range [0, ${count})`)
  }
}

function clampIndex(i: number, length: number): number {
  return Math.max(0, Math.min(length - 1, i))
}

function titleCaseEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@')
  return `${local.split('.').map(titleCase).join('.')}@${domain}`
}

function digits(rng: Random, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += String(rng.int(10))
  return s
}

function phoneNumber(rng: Random, country: CountryEntry): string {
  const u = rng.next()
  if (country[5] === '+1') {
    const area = String(200 + rng.int(800))
    if (u < 0.5) return `+1 (${area}) 555-${digits(rng, 4)}`
    if (u < 0.8) return `${area}-555-${digits(rng, 4)}`
    return `+1${area}555${digits(rng, 4)}`
  }
  return u < 0.7
    ? `${country[5]} ${digits(rng, 2)} ${digits(rng, 4)} ${digits(rng, 4)}`
    : `${country[5]}${digits(rng, 10)}`
}
