/**
 * The answers of `/api/analysis/*` as the browser receives them: JSON, so a number the
 * analysis could not compute (NaN: an AUC or a lift without any conversion) arrives as null.
 */

export interface RateInterval {
  low: number
  high: number
}

/** Leads of one class (a band, a grade) and how many converted. */
export interface ClassRow {
  value: string
  leads: number
  conversions: number
  rate: number
  interval: RateInterval
}

export interface LiftBin {
  bin: number
  count: number
  positives: number
  rate: number
  lift: number | null
  cumulativeCapture: number | null
  minScore: number
  maxScore: number
}

export interface BacktestAnswer {
  outcome: string
  model: string
  asOf: number
  horizonDays: number
  leads: number
  conversions: number
  baseRate: number
  outcomeTimesKnown: boolean
  mql: {
    definition: string
    leads: number
    conversions: number
    precision: number | null
    precisionInterval: RateInterval
    recall: number | null
  }
  auc: number | null
  deciles: LiftBin[]
  byBand: ClassRow[]
  byGrade: ClassRow[]
}

export interface SignalRow {
  kind: 'rule' | 'event' | 'property'
  name: string
  value: string | null
  label: string | null
  leads: number
  conversions: number
  rate: number
  interval: RateInterval
  lift: number | null
  evidence: number
  significant: boolean
  fewLeads: boolean
  medianDays: number | null
}

export interface SignalsAnswer {
  outcome: string
  leads: number
  conversions: number
  baseRate: number
  signals: SignalRow[]
}

export interface ThresholdAnswer {
  outcome: string
  model: string
  capacityPerWeek: number
  weeks: number
  horizonDays: number
  threshold: number
  belowCapacity: boolean
  perWeek: number
  weekly: number[]
  handed: number
  converted: number
  precision: number | null
  precisionInterval: RateInterval
  missed: number
  conversions: number
  curve: { threshold: number; perWeek: number }[]
}

export interface DriftAnswer {
  outcome: string
  model: string
  bands: string[]
  horizonDays: number
  months: {
    start: number
    leads: number
    conversions: number
    complete: boolean
    bands: { band: string; leads: number; conversions: number; rate: number; interval: RateInterval }[]
    scores: { mean: number; percentiles: number[] }
    /** Population stability of the band mix and of the score deciles against the first month. */
    bandPsi?: number
    scorePsi?: number
  }[]
  warnings: { kind: string; month: number; band: string | null; message: string }[]
}

/** What every report is computed for: the outcome, the date and the horizon chosen at the top. */
export interface ReportScope {
  outcome: string
  /** `YYYY-MM-DD`, or '' for the API's default (the horizon before the data ends). */
  asOf: string
  days: number
}
