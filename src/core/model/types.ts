/**
 * The scoring model document (`format: leadscore/v1`), as written in YAML or JSON.
 * See docs/model-format.md. These types describe a document that passed validation.
 * @module
 */
import type { Label } from './label.js'

export type { Label, LabelLanguage, LocalizedText } from './label.js'

/** A scalar property value. */
export type Scalar = string | number | boolean | null

/** Operators on one field; all present operators must hold. */
export interface Operators {
  readonly eq?: Scalar
  readonly ne?: Scalar
  readonly in?: readonly Scalar[]
  readonly notIn?: readonly Scalar[]
  readonly gt?: number | string
  readonly gte?: number | string
  readonly lt?: number | string
  readonly lte?: number | string
  readonly matches?: string
  readonly contains?: string
  readonly startsWith?: string
  readonly endsWith?: string
  readonly exists?: boolean
}

/** A test on a contact's event history (`did` / `didNot`). */
export interface HistoryTest {
  /** Event names (case-insensitive); `any` matches every event. */
  readonly event?: string | readonly string[]
  /** Engagement rule ids: events matched by those rules' `when`. */
  readonly rule?: string | readonly string[]
  readonly withinDays?: number
  /** How many such events are needed (default 1). */
  readonly atLeast?: number
}

/**
 * A condition. Keys `all`, `any`, `not`, `did`, `didNot` combine or test history; in an
 * engagement rule, `event` selects event names; every other key is a field with
 * operators. A scalar is shorthand for `{ eq: value }`, a list for `{ in: [...] }`.
 */
export interface Condition {
  readonly all?: readonly Condition[]
  readonly any?: readonly Condition[]
  readonly not?: Condition
  readonly did?: HistoryTest
  readonly didNot?: HistoryTest
  readonly event?: string | readonly string[]
  readonly [field: string]:
    | Operators
    | Scalar
    | readonly Scalar[]
    | Condition
    | readonly Condition[]
    | HistoryTest
    | undefined
}

export type Decay =
  | 'none'
  | { readonly halfLifeDays: number }
  | { readonly linearDays: number }
  | { readonly none: true }

export type Occurrences = 'all' | 'first' | { readonly perDays: number }

export interface CountCondition {
  readonly gte?: number
  readonly gt?: number
  readonly lte?: number
  readonly lt?: number
  readonly eq?: number
  readonly withinDays?: number
}

export interface FitRule {
  readonly id?: string
  readonly label?: string
  readonly when: Condition
  readonly points: number
}

export interface FitGroup {
  readonly id: string
  readonly label?: string
  readonly mode?: 'sum' | 'first'
  readonly max?: number
  readonly min?: number
  readonly rules: readonly FitRule[]
}

export interface EngagementRule {
  readonly id?: string
  readonly label?: string
  readonly when: Condition
  readonly points: number
  readonly decay?: Decay
  readonly window?: { readonly days: number }
  readonly occurrences?: Occurrences
  readonly distinct?: string
  readonly count?: CountCondition
  readonly max?: number
  readonly min?: number
}

export interface EngagementGroup {
  readonly id: string
  readonly label?: string
  readonly mode?: 'sum' | 'first'
  readonly max?: number
  readonly min?: number
  readonly rules: readonly EngagementRule[]
}

/** Letter grade thresholds on the fit part: first match from A; else F. */
export type Grades = Readonly<Partial<Record<'A' | 'B' | 'C' | 'D' | 'E', number>>>
/** Level thresholds on the engagement part: first match from 1; else the next level. */
export type Levels = Readonly<Record<string, number>>

export interface FitPart {
  readonly max: number
  readonly min?: number
  readonly groups: readonly FitGroup[]
  readonly grades?: Grades
}

export interface Inactivity {
  readonly afterDays: number
  readonly points: number
  /** Event names that count as activity; default: events of rules with positive points. */
  readonly activity?: readonly string[]
}

export interface EngagementPart {
  readonly max: number
  readonly min?: number
  readonly decay?: Decay
  readonly groups: readonly EngagementGroup[]
  readonly inactivity?: Inactivity
  readonly levels?: Levels
}

export interface Classifier {
  readonly id: string
  /** The name shown to people: one text, or a text per language (`{ en: Hot, es: Caliente, nl: Heet }`). */
  readonly label?: Label
  readonly when?: Condition
}

export interface Stage extends Classifier {
  readonly recycle?: { readonly to: string; readonly when: Condition }
  /** The hand-off (MQL) stage: at most one; default the stage with id `mql` (extension). */
  readonly handoff?: boolean
}

export interface AccountRole {
  readonly id: string
  readonly label?: string
  readonly when: Condition
  readonly points: number
}

export interface AccountsPart {
  /** Contact property that links a contact to its account (default `account_id`). */
  readonly key?: string
  readonly engagement?: {
    readonly rollup?: 'sum' | 'max' | 'mean' | 'top3'
    readonly perContactMax?: number
    readonly max?: number
  }
  readonly committee?: {
    readonly engagedWhen?: Condition
    readonly roles: readonly AccountRole[]
  }
  readonly fit?: {
    readonly max?: number
    readonly min?: number
    readonly groups: readonly FitGroup[]
  }
  readonly bands?: readonly Classifier[]
}

export interface PredictivePart {
  readonly model: string
  readonly weight?: number
}

export interface ModelDocument {
  /** URL or path of the model's JSON Schema, for editors (JSON models have no comment to put it in). */
  readonly $schema?: string
  readonly format: 'leadscore/v1'
  readonly id: string
  readonly name?: string
  readonly description?: string
  readonly version?: string | number
  /** String comparisons are case-insensitive and trimmed unless true. */
  readonly caseSensitive?: boolean
  readonly fit?: FitPart
  readonly engagement?: EngagementPart
  readonly bands?: readonly Classifier[]
  readonly stages?: readonly Stage[]
  readonly journey?: readonly Classifier[]
  readonly segments?: readonly Classifier[]
  readonly accounts?: AccountsPart
  readonly predictive?: PredictivePart
}
