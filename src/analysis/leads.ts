/**
 * What every analysis reads: the leads as the columnar scorer takes them (contacts and
 * their events), and for each lead whether and when it converted, and when it was first seen.
 * @module
 */
import { type ContactColumns, contactProperty, type EventColumns } from '../core/columnar/index.js'
import { DAY_MS } from '../core/input.js'
import { dateOf, isMissing, normalizeText, textOf } from '../core/values.js'

/** For each lead (by contact index): its outcome and its first appearance. */
export interface Outcomes {
  /** 1 when the lead converted. */
  readonly converted: Uint8Array
  /** When it converted (epoch ms); NaN when it did not, or when the time is unknown. */
  readonly at: Float64Array
  /** When the lead was first seen (its creation or its first event); NaN when unknown. */
  readonly firstSeen: Float64Array
}

/** Leads to analyse: contacts, their events, their outcomes. */
export interface LeadData {
  readonly contacts: ContactColumns
  readonly events: EventColumns
  readonly outcomes: Outcomes
}

/** What counts as a conversion. */
export type OutcomeSpec =
  | { readonly kind: 'event'; readonly name: string }
  | { readonly kind: 'property'; readonly name: string; readonly value?: string | undefined }
  | { readonly kind: 'stage'; readonly stage: string }

/** The contact properties that hold a lifecycle stage, tried in order. */
export const STAGE_PROPERTIES = ['stage', 'lifecycle_stage', 'lifecyclestage', 'lifecycleStage'] as const
/** The contact properties that hold a creation time, tried in order. */
export const CREATED_PROPERTIES = ['created_at', 'createdAt', 'createdate', 'created'] as const

/**
 * Parses `stage=customer`, `property=converted`, `property=status:won` or
 * `event=Deal Won`. Returns an error message for anything else.
 */
export function parseOutcome(text: string): OutcomeSpec | { readonly error: string } {
  const eq = text.indexOf('=')
  const kind = eq < 0 ? '' : text.slice(0, eq).trim()
  const rest = eq < 0 ? '' : text.slice(eq + 1).trim()
  if (rest === '' || !['event', 'property', 'stage'].includes(kind)) {
    return {
      error: `"${text}" is not an outcome: write stage=customer, property=converted (or property=status:won), or event=Deal Won`,
    }
  }
  if (kind === 'event') return { kind: 'event', name: rest }
  if (kind === 'stage') return { kind: 'stage', stage: rest }
  const colon = rest.indexOf(':')
  return colon < 0
    ? { kind: 'property', name: rest }
    : { kind: 'property', name: rest.slice(0, colon), value: rest.slice(colon + 1) }
}

/** Words that mean yes in a label or flag column. */
const YES = new Set(['1', 'true', 'yes', 'y', 't', 'won', 'converted'])

/** True when a label value means "converted": 1, true, yes (or equals `positive` when given). */
export function isPositive(value: unknown, positive?: string): boolean {
  if (isMissing(value)) return false
  const text = normalizeText(textOf(value), false)
  return positive === undefined ? YES.has(text) : text === normalizeText(positive, false)
}

/** The properties a spec reads from the contacts, so a reader can keep them. */
export function outcomeProperties(spec: OutcomeSpec, timeProperty?: string): string[] {
  const time = timeProperty === undefined ? [] : [timeProperty]
  if (spec.kind === 'property') return [spec.name, ...time, ...CREATED_PROPERTIES]
  if (spec.kind === 'stage') return [...STAGE_PROPERTIES, ...time, ...CREATED_PROPERTIES]
  return [...CREATED_PROPERTIES]
}

/**
 * The outcome of every contact under `spec`: for an event, its first occurrence (name
 * compared case-insensitively); for a property or a stage, the value now, at the time in
 * `timeProperty` when given (else the time is unknown).
 */
export function outcomesOf(
  spec: OutcomeSpec,
  contacts: ContactColumns,
  events: EventColumns,
  timeProperty?: string,
): Outcomes {
  const n = contacts.length
  const converted = new Uint8Array(n)
  const at = new Float64Array(n).fill(Number.NaN)
  const firstSeen = firstSeenOf(contacts, events)
  if (spec.kind === 'event') {
    const wanted = normalizeText(spec.name, false)
    const codes = new Uint8Array(events.names.length)
    events.names.forEach((name, k) => {
      codes[k] = normalizeText(name, false) === wanted ? 1 : 0
    })
    const limit = Math.min(n, events.contacts)
    for (let c = 0; c < limit; c++) {
      for (let i = events.offsets[c]!, end = events.offsets[c + 1]!; i < end; i++) {
        if (codes[events.name[i]!] === 1) {
          converted[c] = 1
          at[c] = events.ts[i]!
          break
        }
      }
    }
  } else {
    for (let c = 0; c < n; c++) {
      const yes =
        spec.kind === 'property'
          ? isPositive(contactProperty(contacts, spec.name, c), spec.value)
          : STAGE_PROPERTIES.some((p) => isPositive(contactProperty(contacts, p, c), spec.stage))
      if (!yes) continue
      converted[c] = 1
      if (timeProperty !== undefined) at[c] = timeOf(contactProperty(contacts, timeProperty, c))
    }
  }
  return { converted, at, firstSeen }
}

/** Epoch ms of an ISO date or an epoch-ms number; NaN otherwise. */
export function timeOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN
  return dateOf(value)
}

/** Each contact's creation time (a `created_at`-like property) or its first event, whichever is earlier. */
export function firstSeenOf(contacts: ContactColumns, events: EventColumns): Float64Array {
  const n = contacts.length
  const out = new Float64Array(n).fill(Number.NaN)
  for (let c = 0; c < n; c++) {
    let t = Number.NaN
    for (const p of CREATED_PROPERTIES) {
      const v = timeOf(contactProperty(contacts, p, c))
      if (!Number.isNaN(v)) {
        t = v
        break
      }
    }
    if (c < events.contacts && events.offsets[c + 1]! > events.offsets[c]!) {
      const first = events.ts[events.offsets[c]!]!
      if (!(t <= first)) t = first
    }
    out[c] = t
  }
  return out
}

/** Outcomes when only a label is known (a lead table): no times. */
export function labelOutcomes(labels: ArrayLike<number>): Outcomes {
  const n = labels.length
  const converted = new Uint8Array(n)
  for (let i = 0; i < n; i++) converted[i] = labels[i] ? 1 : 0
  return {
    converted,
    at: new Float64Array(n).fill(Number.NaN),
    firstSeen: new Float64Array(n).fill(Number.NaN),
  }
}

/**
 * Who is in a prospective cohort as of `asOf`, and who converts in the next `horizonDays`:
 * a lead is in it when it was seen by then (or its first appearance is unknown) and had not
 * converted yet; it is positive when it converted within the horizon (or converted at an
 * unknown time). Without `asOf`, every lead is in, positive when it converted at all.
 */
export interface Cohort {
  /** 1 when the lead is in the cohort. */
  readonly eligible: Uint8Array
  /** 1 when it is in and converted within the horizon. */
  readonly positive: Uint8Array
  readonly size: number
  readonly positives: number
}

export function cohortAt(outcomes: Outcomes, asOf: number | undefined, horizonDays: number): Cohort {
  const n = outcomes.converted.length
  const eligible = new Uint8Array(n)
  const positive = new Uint8Array(n)
  const until = asOf === undefined ? Number.POSITIVE_INFINITY : asOf + horizonDays * DAY_MS
  let size = 0
  let positives = 0
  for (let c = 0; c < n; c++) {
    const at = outcomes.at[c]!
    const conv = outcomes.converted[c] === 1
    if (asOf !== undefined) {
      if (outcomes.firstSeen[c]! > asOf) continue
      if (conv && at <= asOf) continue
    }
    eligible[c] = 1
    size++
    if (conv && (Number.isNaN(at) || at <= until)) {
      positive[c] = 1
      positives++
    }
  }
  return { eligible, positive, size, positives }
}
