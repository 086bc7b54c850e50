/**
 * Lead data built so that the right answers are known: a seeded generator of contacts and
 * events where chosen signals convert at chosen rates.
 * @module
 */
import { EventColumnsBuilder } from '../../core/columnar/index.js'
import { DAY_MS, type Properties } from '../../core/input.js'
import { Random } from '../../demo/random.js'
import { type LeadData, outcomesOf } from '../leads.js'

/** A seeded generator of numbers in [0, 1) (the demo data's). */
export function random(seed: number): () => number {
  const rng = new Random(seed)
  return () => rng.next()
}

export const T0 = Date.UTC(2026, 0, 1)

export interface PlantedLead {
  readonly properties: Properties
  readonly events: readonly {
    readonly name: string
    readonly day: number
    readonly properties?: Properties
  }[]
}

/** Lead data from leads described by day offsets from T0; the outcome is the event `Deal Won`. */
export function leadData(leads: readonly PlantedLead[]): LeadData {
  const builder = new EventColumnsBuilder({ contacts: leads.length })
  leads.forEach((lead, c) => {
    lead.events.forEach((e, k) => {
      builder.add(c, {
        id: `e${c}-${k}`,
        name: e.name,
        ts: T0 + e.day * DAY_MS,
        properties: e.properties ?? {},
      })
    })
  })
  const contacts = {
    length: leads.length,
    ids: leads.map((_, c) => `c${c}`),
    properties: leads.map((l) => l.properties),
  }
  const events = builder.finish()
  return { contacts, events, outcomes: outcomesOf({ kind: 'event', name: 'Deal Won' }, contacts, events) }
}

export interface PlantOptions {
  readonly seed?: number
  /** Conversion of webinar attendees and pro-plan leads (default 0.6). */
  readonly webinarRate?: number
  /** Conversion of everyone else (default 0.1). */
  readonly baseRate?: number
  /** Share of leads that start a trial (default 0), converting at `trialRate` (default 0.5). */
  readonly trialShare?: number
  readonly trialRate?: number
  /** From this start day on, webinar attendees convert at `rate` instead. */
  readonly fall?: { readonly fromDay: number; readonly rate: number }
}

/**
 * `n` leads over 120 days: a quarter attend a webinar and then convert with probability
 * `webinarRate`, the rest with `baseRate`; a `plan` property of `pro` converts like a
 * webinar too. Everyone views pages; converters win a deal 10 days after their webinar (or
 * their first page).
 */
export function plantedLeads(n: number, options: PlantOptions = {}): PlantedLead[] {
  const rnd = random(options.seed ?? 7)
  const baseRate = options.baseRate ?? 0.1
  const leads: PlantedLead[] = []
  for (let c = 0; c < n; c++) {
    const start = Math.floor(rnd() * 100)
    const webinar = rnd() < 0.25
    const pro = rnd() < 0.1
    const trial = rnd() < (options.trialShare ?? 0)
    const fallen = options.fall !== undefined && start >= options.fall.fromDay
    const webinarRate = fallen ? options.fall!.rate : (options.webinarRate ?? 0.6)
    const events: { name: string; day: number }[] = [{ name: 'page', day: start }]
    for (let k = 0; k < 3; k++) events.push({ name: 'page', day: start + Math.floor(rnd() * 10) })
    if (webinar) events.push({ name: 'Webinar Attended', day: start + 2 })
    if (trial) events.push({ name: 'Trial Started', day: start + 1 })
    const rate = Math.max(webinar || pro ? webinarRate : baseRate, trial ? (options.trialRate ?? 0.5) : 0)
    const converts = rnd() < rate
    if (converts) events.push({ name: 'Deal Won', day: start + 12 })
    // noise after the conversion must not count
    if (converts) events.push({ name: 'Invoice Paid', day: start + 20 })
    leads.push({
      properties: {
        plan: pro ? 'pro' : rnd() < 0.5 ? 'free' : 'team',
        visits: Math.floor(rnd() * 40),
        email: `p${c}@x.io`,
      },
      events,
    })
  }
  return leads
}
