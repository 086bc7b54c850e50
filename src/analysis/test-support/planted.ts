/**
 * Lead data built so that the right answers are known: a seeded generator of contacts and
 * events where chosen signals convert at chosen rates.
 * @module
 */
import { EventColumnsBuilder } from '../../core/columnar/index.js'
import { DAY_MS, type Properties } from '../../core/input.js'
import { type LeadData, outcomesOf } from '../leads.js'

/** A small deterministic random generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
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

/**
 * `n` leads over 120 days: a quarter attend a webinar and then convert with probability
 * `webinarRate`, the rest with `baseRate`; a `plan` property of `pro` converts like a
 * webinar too. Everyone views pages; converters win a deal 10 days after their webinar (or
 * their first page).
 */
export function plantedLeads(
  n: number,
  options: { seed?: number; webinarRate?: number; baseRate?: number } = {},
): PlantedLead[] {
  const rnd = random(options.seed ?? 7)
  const webinarRate = options.webinarRate ?? 0.6
  const baseRate = options.baseRate ?? 0.1
  const leads: PlantedLead[] = []
  for (let c = 0; c < n; c++) {
    const start = Math.floor(rnd() * 100)
    const webinar = rnd() < 0.25
    const pro = rnd() < 0.1
    const events: { name: string; day: number }[] = [{ name: 'page', day: start }]
    for (let k = 0; k < 3; k++) events.push({ name: 'page', day: start + Math.floor(rnd() * 10) })
    if (webinar) events.push({ name: 'Webinar Attended', day: start + 2 })
    const converts = rnd() < (webinar || pro ? webinarRate : baseRate)
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
