/**
 * One contact's behaviour, from its hidden profile: sessions spread over its active period
 * (bunched towards the end), web sessions of page views with the odd download, form, video or
 * webinar registration, email sessions (the week's email opened, maybe clicked, maybe read on
 * the site), and the rare hand-raise (demo request, trial). Written into reusable columns.
 * @module
 */

import { DAY_MS } from '../core/input.js'
import { EventColumns, EventType } from './event-columns.js'
import type { DatasetOptions } from './generate.js'
import type { Profile } from './profile.js'
import { Stream } from './profile.js'
import { Random, sigmoid, type WeightedTable, weightedTable } from './random.js'
import {
  CONTENT,
  EMAIL_CAMPAIGNS,
  EMAIL_LINKS,
  FORMS,
  PAGE_SECTIONS,
  type PageSection,
  TRIAL_PLANS,
  VIDEO_PERCENTS,
  VIDEOS,
} from './vocabulary.js'

const FORM_TABLE: WeightedTable<string> = weightedTable(FORMS)
const PERCENT_TABLE: WeightedTable<number> = weightedTable(VIDEO_PERCENTS)
const PLAN_TABLE: WeightedTable<string> = weightedTable(TRIAL_PLANS)

const SECTIONS = Object.keys(PAGE_SECTIONS) as PageSection[]
const section = (name: PageSection): number => SECTIONS.indexOf(name)
const S_HOME = section('home')
const S_PRODUCT = section('product')
const S_BLOG = section('blog')
const S_RESOURCES = section('resources')
const S_CUSTOMERS = section('customers')
const S_PRICING = section('pricing')
const S_DOCS = section('docs')
const S_COMPANY = section('company')
const S_CAREERS = section('careers')
const S_LANDING = section('landing')
const S_APP = section('app')
const SECTION_PATHS: readonly (readonly string[])[] = SECTIONS.map((name) => PAGE_SECTIONS[name])

function isoDate(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10)
}

const emailCache = new Map<number, readonly [emailId: string, campaignId: string]>()
/** The email sent on the Monday of the week of `ts`: `[email_id, campaign_id]`. */
function weeklyEmail(ts: number): readonly [emailId: string, campaignId: string] {
  // 1970-01-01 was a Thursday: Mondays are epoch days 4 + 7k
  const week = Math.floor((ts / DAY_MS - 4) / 7)
  let hit = emailCache.get(week)
  if (!hit) {
    const n = EMAIL_CAMPAIGNS.length
    hit = [`em-${isoDate((week * 7 + 4) * DAY_MS)}`, EMAIL_CAMPAIGNS[((week % n) + n) % n]!]
    emailCache.set(week, hit)
  }
  return hit
}

/** Webinars: every other Thursday at 16:00 UTC, counted from 2020-01-02. */
const WEBINAR_EPOCH = Date.UTC(2020, 0, 2, 16)
const WEBINAR_EVERY = 14 * DAY_MS
const webinarCache = new Map<number, string>()
function webinarId(k: number): string {
  let id = webinarCache.get(k)
  if (!id) {
    id = `webinar-${isoDate(WEBINAR_EPOCH + k * WEBINAR_EVERY)}`
    webinarCache.set(k, id)
  }
  return id
}

/**
 * Generates contacts' events, one contact at a time, into {@link ContactEventGenerator.events}
 * (overwritten by each call). Holds scratch state: use one per iteration.
 */
export class ContactEventGenerator {
  /** The last generated contact's events, in time order. */
  readonly events = new EventColumns(256)
  readonly #opts: DatasetOptions
  #order = new Int32Array(256)
  #times = new Float64Array(64)
  readonly #weights = new Float64Array(SECTIONS.length)
  readonly #cumulative = new Float64Array(SECTIONS.length)
  // per contact
  #rng = new Random(0)
  /** The clock of the current session. */
  #t = 0

  constructor(opts: DatasetOptions) {
    this.#opts = opts
  }

  /** Generates the events of the contact with profile `p` into {@link events}. */
  generate(p: Profile): EventColumns {
    const out = this.events
    out.length = 0
    if (p.events === 0) return out
    const rng = Random.of(this.#opts.seed, Stream.events, p.index)
    this.#rng = rng

    // which parts of the site they read: intent drives pricing and customer stories,
    // personas drive docs and careers
    const w = this.#weights
    w[S_HOME] = 1.2
    w[S_PRODUCT] = 1.6
    w[S_BLOG] = 2.6
    w[S_RESOURCES] = 0.7
    w[S_CUSTOMERS] = 0.4 * Math.exp(0.4 * p.intent)
    w[S_PRICING] = 0.3 * Math.exp(0.8 * p.intent)
    w[S_DOCS] = p.technical ? 1.8 : 0.15
    w[S_COMPANY] = 0.35
    w[S_CAREERS] = p.jobSeeker ? 3.5 : 0.03
    w[S_LANDING] = 0.12
    w[S_APP] = 0
    this.#recomputeSections()

    // session start times, bunched towards the end of the active period (recency)
    const sessions = Math.max(1, Math.round(p.events / 2.3))
    if (this.#times.length < sessions)
      this.#times = new Float64Array(Math.max(sessions, this.#times.length * 2))
    const times = this.#times.subarray(0, sessions)
    const span = Math.max(0, p.activeTo - p.activeFrom)
    for (let k = 0; k < sessions; k++) times[k] = p.activeTo - span * rng.next() ** 1.7
    times.sort()

    const emailShare = p.subscriber ? 0.5 : 0
    const demoSession = p.demo ? Math.floor(sessions * (0.55 + 0.45 * rng.next())) : -1
    const trialSession = p.trial ? Math.floor(sessions * (0.4 + 0.6 * rng.next())) : -1
    const conversionRate = 0.1 + 0.03 * Math.max(-1, Math.min(2, p.intent))
    let emailStopped = false
    let budget = p.events
    let demoDone = false
    let trialDone = false
    let last = times[0]!

    for (let k = 0; k < sessions && budget > 0; k++) {
      this.#t = times[k]!
      const forcedWeb = k === demoSession || k === trialSession
      if (!forcedWeb && !emailStopped && rng.chance(emailShare)) {
        const used = this.#emailSession(
          p,
          (k + 1) / sessions,
          k + 1 < sessions ? times[k + 1]! : this.#opts.now,
          budget,
        )
        if (used < 0) {
          emailStopped = true
          budget += used
        } else {
          budget -= used
        }
        continue
      }
      budget -= this.#webSession(
        p,
        k === 0,
        k === sessions - 1 ? budget : Math.min(budget, rng.geometric(3)),
        conversionRate,
      )
      if (p.demo && !demoDone && k >= demoSession) {
        this.#demoRequest(this.#step())
        demoDone = true
      }
      if (p.trial && !trialDone && k >= trialSession) {
        this.#trial(this.#step())
        trialDone = true
      }
      last = this.#t
    }
    // the budget ran out before the planned session: the hand-raise comes last
    if (p.demo && !demoDone) this.#demoRequest(last + 60_000)
    if (p.trial && !trialDone) this.#trial(last + 120_000)
    this.#sortByTime()
    return out
  }

  /** Advances the session clock by a page's dwell time and returns it. */
  #step(): number {
    this.#t += 5000 + this.#rng.exponential(70_000)
    return this.#t
  }

  /** Appends an event with no properties; returns its index. Times are whole seconds, never after now. */
  #push(type: EventType, ts: number): number {
    const out = this.events
    const j = out.length
    if (j === out.capacity) out.reserve(j + 1)
    out.type[j] = type
    out.ts[j] = Math.min(this.#opts.now, Math.floor(ts / 1000) * 1000)
    out.percent[j] = -1
    out.path[j] = undefined
    out.emailId[j] = undefined
    out.campaignId[j] = undefined
    out.linkId[j] = undefined
    out.formId[j] = undefined
    out.contentId[j] = undefined
    out.webinarId[j] = undefined
    out.videoId[j] = undefined
    out.plan[j] = undefined
    out.length = j + 1
    return j
  }

  #pushEmail(type: EventType, ts: number, email: readonly [string, string]): number {
    const j = this.#push(type, ts)
    this.events.emailId[j] = email[0]
    this.events.campaignId[j] = email[1]
    return j
  }

  /**
   * An email session: the week's email is opened (sometimes twice), maybe clicked and read on
   * the site; or it bounces, or they unsubscribe or complain. Returns the events used, negated
   * when email stops for good.
   */
  #emailSession(p: Profile, fraction: number, nextSession: number, budget: number): number {
    const rng = this.#rng
    const t = this.#t
    const email = weeklyEmail(t)
    if (p.bounces) {
      this.#pushEmail(EventType.emailBounced, t, email)
      return -1
    }
    this.#pushEmail(EventType.emailOpened, t, email)
    if (p.spamAt >= 0 && fraction >= p.spamAt) {
      this.#pushEmail(EventType.spam, this.#step(), email)
      return -2
    }
    if (p.unsubscribeAt >= 0 && fraction >= p.unsubscribeAt) {
      this.#pushEmail(EventType.unsubscribed, this.#step(), email)
      return -2
    }
    let used = 1
    if (used < budget && rng.chance(0.18)) {
      // opened again (privacy proxies and forwards do this a lot), before the next session
      this.#pushEmail(EventType.emailOpened, Math.min(t + rng.exponential(3 * 3_600_000), nextSession), email)
      used++
    }
    if (used < budget && rng.chance(0.22 + 0.08 * Math.max(0, p.intent))) {
      const link = rng.pick(EMAIL_LINKS)
      const j = this.#pushEmail(EventType.emailClicked, this.#step(), email)
      this.events.linkId[j] = link
      used++
      if (used < budget && rng.chance(0.8)) {
        const page = this.#push(EventType.page, this.#step())
        this.events.path[page] =
          link === 'pricing'
            ? '/pricing'
            : link === 'blog-post'
              ? rng.pick(PAGE_SECTIONS.blog)
              : link === 'webinar-register'
                ? '/webinars'
                : this.#pagePath()
        used++
      }
    }
    return used
  }

  /** A web session of `length` events: page views and the odd conversion. Returns `length`. */
  #webSession(p: Profile, first: boolean, length: number, conversionRate: number): number {
    const rng = this.#rng
    const out = this.events
    let j = this.#push(EventType.page, this.#t)
    out.path[j] = first ? this.#landingPath(p) : this.#pagePath()
    for (let i = 1; i < length; i++) {
      if (!rng.chance(conversionRate)) {
        j = this.#push(EventType.page, this.#step())
        out.path[j] = this.#pagePath()
        continue
      }
      const u = rng.next()
      if (u < 0.3) {
        j = this.#push(EventType.contentDownloaded, this.#step())
        out.contentId[j] = CONTENT[Math.floor(CONTENT.length * rng.next() ** 1.3)]!
        out.path[j] = '/resources'
      } else if (u < 0.47) {
        j = this.#push(EventType.formSubmitted, this.#step())
        const form = rng.weighted(FORM_TABLE)
        out.formId[j] = form
        out.path[j] = form === 'contact-us' ? '/contact' : '/resources'
      } else if (u < 0.87) {
        j = this.#push(EventType.videoCompleted, this.#step())
        out.videoId[j] = rng.pick(VIDEOS)
        // intent lifts how much of the video people watch
        let percent = rng.weighted(PERCENT_TABLE)
        if (percent < 75 && rng.chance(sigmoid(p.intent - 1.5))) percent = rng.weighted(PERCENT_TABLE)
        out.percent[j] = percent
      } else {
        // registered for the next webinar; attended (or not) when it happened
        j = this.#push(EventType.webinarRegistered, this.#step())
        const next = Math.ceil((this.#t - WEBINAR_EPOCH) / WEBINAR_EVERY)
        out.webinarId[j] = webinarId(next)
        out.path[j] = '/webinars'
        const at = WEBINAR_EPOCH + next * WEBINAR_EVERY + rng.exponential(4 * 60_000)
        if (at <= this.#opts.now && rng.chance(sigmoid(-0.3 + 0.6 * p.intent))) {
          const a = this.#push(EventType.webinarAttended, at)
          out.webinarId[a] = webinarId(next)
        }
      }
    }
    return length
  }

  /** Pricing, then the demo form; the form tool often reports the submission too. */
  #demoRequest(at: number): void {
    const rng = this.#rng
    const out = this.events
    let j = this.#push(EventType.page, at)
    out.path[j] = '/pricing'
    j = this.#push(EventType.demoRequested, at + 40_000 + rng.exponential(60_000))
    out.path[j] = '/demo'
    if (rng.chance(0.7)) {
      const ts = out.ts[j]! + 1000
      j = this.#push(EventType.formSubmitted, ts)
      out.formId[j] = 'demo-request'
      out.path[j] = '/demo'
    }
  }

  #trial(at: number): void {
    const j = this.#push(EventType.trialStarted, at)
    this.events.plan[j] = this.#rng.weighted(PLAN_TABLE)
    this.events.path[j] = '/signup'
    // trial users come back to the product
    this.#weights[S_APP] = 4
    this.#recomputeSections()
  }

  #recomputeSections(): void {
    const w = this.#weights
    const c = this.#cumulative
    let sum = 0
    for (let s = 0; s < w.length; s++) {
      sum += w[s]!
      c[s] = sum
    }
    for (let s = 0; s < c.length; s++) c[s] = c[s]! / sum
    c[c.length - 1] = 1
  }

  #pagePath(): string {
    const rng = this.#rng
    const paths = SECTION_PATHS[rng.weightedIndex(this.#cumulative)]!
    // within a section, earlier entries (hubs, popular posts) are visited more
    const u = rng.next()
    return paths[Math.floor(paths.length * u * Math.sqrt(u))]!
  }

  #landingPath(p: Profile): string {
    const rng = this.#rng
    switch (p.source[0]) {
      case 'paid_search':
      case 'paid_social':
      case 'content_syndication':
        return rng.pick(PAGE_SECTIONS.landing)
      case 'organic_search':
        return rng.chance(0.7) ? rng.pick(PAGE_SECTIONS.blog) : rng.pick(PAGE_SECTIONS.docs)
      case 'review_site':
        return rng.chance(0.5) ? '/pricing' : rng.pick(PAGE_SECTIONS.customers)
      case 'partner':
        return rng.pick(PAGE_SECTIONS.product.slice(4, 8))
      case 'webinar':
        return '/webinars'
      default:
        return rng.chance(0.6) ? '/' : this.#pagePath()
    }
  }

  /** Sorts the events by time: a stable insertion sort on an index (the data is nearly sorted). */
  #sortByTime(): void {
    const out = this.events
    const n = out.length
    const ts = out.ts
    let sorted = true
    for (let i = 1; i < n && sorted; i++) if (ts[i]! < ts[i - 1]!) sorted = false
    if (sorted) return
    if (this.#order.length < n) this.#order = new Int32Array(Math.max(n, this.#order.length * 2))
    const idx = this.#order
    for (let i = 0; i < n; i++) idx[i] = i
    for (let i = 1; i < n; i++) {
      const v = idx[i]!
      const key = ts[v]!
      let k = i - 1
      while (k >= 0 && ts[idx[k]!]! > key) {
        idx[k + 1] = idx[k]!
        k--
      }
      idx[k + 1] = v
    }
    out.permute(idx)
  }
}
