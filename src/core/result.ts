/**
 * What an evaluation returns: the scores, the classifications and the ledger that explains
 * every point. The ledger adds up: events → rules → groups → parts → total, with every cap
 * that cut a sum recorded where it cut.
 * @module
 */

/** A clamp that changed a sum. */
export interface CapApplied {
  readonly bound: 'max' | 'min'
  readonly limit: number
  /** The sum before the clamp. */
  readonly before: number
  /** The sum after the clamp. */
  readonly after: number
}

/** One event a rule counted. */
export interface LedgerEvent {
  readonly id: string
  readonly name: string
  readonly ts: number
  /** Points after decay (before rule, group and part caps). */
  readonly points: number
  /** The decay factor applied to the rule's points (1 when no decay). */
  readonly decay: number
}

export interface RuleLedger {
  readonly id: string
  readonly label: string | undefined
  /** The rule's points as written in the model. */
  readonly base: number
  /** Sum of its events' points (or the fit points when the rule matched). */
  readonly raw: number
  /** After the rule's own min/max. */
  readonly points: number
  readonly caps: readonly CapApplied[]
  /** Engagement rules: the events counted, oldest first. Fit rules: none. */
  readonly events: readonly LedgerEvent[]
  /** Events folded away by state compaction: their number and points (included in `raw`). */
  readonly compacted?: { readonly events: number; readonly points: number } | undefined
  /** Count rules: how many events counted and whether the condition held. */
  readonly count?: { readonly n: number; readonly holds: boolean; readonly condition: string } | undefined
}

export interface GroupLedger {
  readonly id: string
  readonly label: string | undefined
  readonly mode: 'sum' | 'first'
  /** Sum of the rules' points. */
  readonly raw: number
  /** After the group's min/max. */
  readonly points: number
  readonly caps: readonly CapApplied[]
  readonly rules: readonly RuleLedger[]
}

export interface PartLedger {
  /** Sum of the groups' points (plus inactivity for engagement). */
  readonly raw: number
  /** After the part's min/max. */
  readonly points: number
  readonly min: number
  readonly max: number
  readonly caps: readonly CapApplied[]
  readonly groups: readonly GroupLedger[]
}

export interface InactivityLedger {
  readonly afterDays: number
  readonly points: number
  /** Whether it applied (no activity event within `afterDays`). */
  readonly applied: boolean
  readonly lastActivityAt: number | null
}

export interface Ledger {
  readonly fit: PartLedger
  readonly engagement: PartLedger & { readonly inactivity: InactivityLedger | undefined }
  /** `weight * likelihood / 100`, when the model has a predictive part. */
  readonly predictive: {
    readonly weight: number
    readonly likelihood: number | null
    readonly points: number
  }
  /** fit + engagement + predictive, before and after the clamp to [0, totalMax]. */
  readonly total: { readonly raw: number; readonly points: number; readonly caps: readonly CapApplied[] }
}

/** The scores of one contact as of one time. */
export interface ScoreResult {
  readonly contactId: string
  readonly asOf: number
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly grade: string | null
  readonly level: string | null
  readonly label: string | null
  readonly band: string | null
  readonly stage: string | null
  readonly journey: string | null
  readonly segments: readonly string[]
  readonly likelihood: number | null
  /** Every group's points by id (fit and engagement). */
  readonly groups: Readonly<Record<string, number>>
  /** Every rule's points by id (fit and engagement). */
  readonly rules: Readonly<Record<string, number>>
  readonly ledger: Ledger
}

/** Clamps `value` to [min, max], recording the clamp in `caps` when it changes the value. */
export function clamp(
  value: number,
  min: number | undefined,
  max: number | undefined,
  caps: CapApplied[],
): number {
  if (max !== undefined && value > max) {
    caps.push({ bound: 'max', limit: max, before: value, after: max })
    return max
  }
  if (min !== undefined && value < min) {
    caps.push({ bound: 'min', limit: min, before: value, after: min })
    return min
  }
  return value
}
