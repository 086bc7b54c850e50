/**
 * The hidden truth about each generated contact and account: true seniority, department,
 * company, fit, buying intent, how active they are, and whether they convert. The rendered
 * contact properties and the events are both derived from it, so they agree with each other.
 * @module
 */

import { DAY_MS } from '../core/input.js'
import type { DatasetOptions } from './generate.js'
import { Random, sigmoid, type WeightedTable, weightedTable } from './random.js'
import {
  COUNTRIES,
  DEPARTMENT_FIT,
  type Department,
  INDUSTRIES,
  Seniority,
  SOURCES,
  type SourceEntry,
  TECHNICAL_DEPARTMENTS,
  TITLES,
  type TitleEntry,
} from './vocabulary.js'

/** Independent random streams per purpose, so that adding a draw to one never shifts another. */
export const Stream = { account: 1, accountText: 2, profile: 3, contactText: 4, events: 5 } as const

const TITLE_TABLE: WeightedTable<TitleEntry> = weightedTable(TITLES.map((t) => [t, t[3]] as const))
export const INDUSTRY_TABLE: WeightedTable<number> = weightedTable(
  INDUSTRIES.map((entry, i) => [i, entry[1]] as const),
)
export const COUNTRY_TABLE: WeightedTable<number> = weightedTable(
  COUNTRIES.map((entry, i) => [i, entry[2]] as const),
)
const SOURCE_TABLE: WeightedTable<SourceEntry> = weightedTable(SOURCES.map((s) => [s, s[1]] as const))

const SENIORITY_FIT: readonly number[] = [-1.6, 0, 0.5, 0.9, 1, 0.8]

/**
 * Event counts are lognormal with this sigma: median about 3, a few contacts in the hundreds.
 * `COUNT_SCALE` corrects the mean for what the formula does not see (intent shifts the counts,
 * anonymous visitors do less, hand-raises add events), so that the measured mean matches
 * `eventsPerContact`.
 */
const COUNT_SIGMA = 1.9
const COUNT_SCALE = 0.868

/** An account's truth: indexes into the vocabularies, and its size. */
export interface AccountTruth {
  readonly industry: number
  readonly employees: number
  readonly country: number
}

export function accountTruth(seed: number, index: number): AccountTruth {
  const rng = Random.of(seed, Stream.account, index)
  const industry = rng.weighted(INDUSTRY_TABLE)
  const employees = Math.max(1, Math.round(Math.exp(Math.log(150) + 1.7 * rng.normal())))
  const country = rng.weighted(COUNTRY_TABLE)
  return { industry, employees, country }
}

export const EmailKind = { none: 0, work: 1, personal: 2, academic: 3 } as const
export type EmailKind = (typeof EmailKind)[keyof typeof EmailKind]

/** Everything true about a contact, drawn before any text is rendered. */
export interface Profile {
  readonly index: number
  /** An anonymous visitor: no email, no name, fewer events. */
  readonly anonymous: boolean
  readonly title: TitleEntry
  readonly seniority: Seniority
  readonly department: Department
  /** Account index, or -1. */
  readonly account: number
  readonly industry: number
  readonly employees: number
  readonly country: number
  readonly emailKind: EmailKind
  readonly source: SourceEntry
  readonly createdAt: number
  /** Company and person fit, roughly standard normal. */
  readonly fit: number
  /** Latent buying intent, roughly standard normal. */
  readonly intent: number
  /** Opted in to marketing email. */
  readonly subscriber: boolean
  readonly jobSeeker: boolean
  /** Reads the docs. */
  readonly technical: boolean
  /** Planned number of ordinary events (demo, trial and webinar attendance come on top). */
  readonly events: number
  readonly demo: boolean
  readonly trial: boolean
  readonly bounces: boolean
  /** Fraction of the contact's sessions after which they unsubscribe (or complain); -1 never. */
  readonly unsubscribeAt: number
  readonly spamAt: number
  /** When the contact's activity starts and ends (dormant contacts stop early). */
  readonly activeFrom: number
  readonly activeTo: number
  readonly converted: boolean
}

function employeesFit(employees: number): number {
  if (employees >= 200 && employees <= 5000) return 1
  if (employees > 5000) return 0.5
  if (employees >= 50) return 0.5
  if (employees >= 10) return 0
  return -0.8
}

/** Draws contact `index`'s hidden truth. */
export function profileOf(opts: DatasetOptions, index: number): Profile {
  const { seed, now, days } = opts
  const rng = Random.of(seed, Stream.profile, index)
  const anonymous = rng.chance(0.06)
  const title = rng.weighted(TITLE_TABLE)
  const seniority = title[1]
  const department = title[2]
  const nonBuyer = seniority === Seniority.nonBuyer
  let account = -1
  if (!anonymous) {
    const p = nonBuyer ? 0.25 : department === 'other' ? 0.4 : 0.93
    // skewed: low account numbers get many contacts (big companies), the tail a few or none
    if (rng.chance(p)) account = Math.min(opts.accounts - 1, Math.floor(opts.accounts * rng.next() ** 1.5))
  }
  const truth = account >= 0 ? accountTruth(seed, account) : undefined
  const industry = truth ? truth.industry : rng.weighted(INDUSTRY_TABLE)
  let employees: number
  if (truth) employees = truth.employees
  else if (department === 'other')
    employees = 1 + rng.int(5) // freelancers
  else employees = Math.max(1, Math.round(Math.exp(Math.log(40) + 1.5 * rng.normal())))
  const country = truth && rng.chance(0.85) ? truth.country : rng.weighted(COUNTRY_TABLE)
  let emailKind: EmailKind = EmailKind.none
  if (!anonymous) {
    if (nonBuyer && department === 'education') {
      emailKind = rng.chance(0.45) ? EmailKind.academic : EmailKind.personal
    } else if (account >= 0) {
      emailKind = rng.chance(0.12) ? EmailKind.personal : EmailKind.work
    } else {
      emailKind = EmailKind.personal
    }
  }
  const source = rng.weighted(SOURCE_TABLE)
  // more contacts were created recently; some before the event window
  const createdAt = Math.floor((now - 2 * days * DAY_MS * rng.next() ** 1.4) / 1000) * 1000

  const emailFit = emailKind === EmailKind.personal ? -0.4 : emailKind === EmailKind.academic ? -0.6 : 0
  const rawFit =
    SENIORITY_FIT[seniority]! +
    DEPARTMENT_FIT[department] +
    INDUSTRIES[industry]![2] +
    employeesFit(employees) +
    0.5 * COUNTRIES[country]![3] +
    emailFit
  const fit = (rawFit - 1.9) / 1.1
  const intent = 0.35 * Math.max(-2.5, Math.min(2.5, fit)) + 0.94 * rng.normal() + source[2]
  const subscriber = emailKind !== EmailKind.none && rng.chance(0.7)
  const jobSeeker = rng.chance(nonBuyer ? 0.3 : department === 'hr' ? 0.08 : 0.03)
  const technical = rng.chance(TECHNICAL_DEPARTMENTS.has(department) ? 0.7 : 0.12)

  // activity: lognormal, higher with intent
  const z = 0.6 * intent + 0.8 * rng.normal()
  const mu = Math.log(COUNT_SCALE * (opts.eventsPerContact + 0.5)) - (COUNT_SIGMA * COUNT_SIGMA) / 2
  const planned = Math.round(Math.exp((anonymous ? mu - 1.2 : mu) + COUNT_SIGMA * z)) - 1
  const events = Math.max(0, Math.min(opts.maxEventsPerContact, planned))
  const known = !anonymous && events > 0
  const demo = known && rng.chance(sigmoid(-4.4 + 1.1 * intent + 0.6 * fit + (nonBuyer ? -2 : 0)))
  const trial = known && rng.chance(sigmoid(-4.6 + 0.9 * intent + (technical ? 0.6 : 0)))
  const bounces = emailKind !== EmailKind.none && rng.chance(emailKind === EmailKind.personal ? 0.03 : 0.02)
  const unsubscribeAt = subscriber && rng.chance(0.06) ? rng.next() : -1
  const spamAt = subscriber && rng.chance(0.005) ? rng.next() : -1

  const activeFrom = Math.max(createdAt, now - days * DAY_MS)
  const dormant = rng.chance(0.35)
  const lastSeen = now - rng.exponential(4 * DAY_MS)
  const activeTo = dormant || lastSeen <= activeFrom ? activeFrom + (now - activeFrom) * rng.next() : lastSeen

  const logit = -4 + 0.9 * fit + 0.8 * intent + (demo ? 1.8 : 0) + (trial ? 1.1 : 0) + (nonBuyer ? -2.5 : 0)
  const converted = rng.chance(sigmoid(logit))
  return {
    index,
    anonymous,
    title,
    seniority,
    department,
    account,
    industry,
    employees,
    country,
    emailKind,
    source,
    createdAt,
    fit,
    intent,
    subscriber,
    jobSeeker,
    technical,
    events,
    demo,
    trial,
    bounces,
    unsubscribeAt,
    spamAt,
    activeFrom,
    activeTo,
    converted,
  }
}
