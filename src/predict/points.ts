/**
 * Explanations in the likelihood's own unit, for people: "Lead Source = Referral +12 pts".
 * Each feature's contribution (exact for the linear model, TreeSHAP for the trees, in
 * log-odds) is converted to percentage points of the calibrated likelihood so that they add
 * up to the distance between the lead's likelihood and the likelihood of an average lead.
 * @module
 */
import { calibrate } from './calibration.js'
import { displayValue, type EncodedFeatures } from './features/encode.js'
import { type Explainer, explainer } from './learners/learner.js'
import type { PredictiveModel } from './model.js'

/** One feature's push on a likelihood, in percentage points. */
export interface PointReason {
  /** The feature's name for people (see {@link featureLabel}). */
  readonly feature: string
  /** The lead's value of it, as text. */
  readonly value: string
  /** Percentage points it adds (negative: takes away). */
  readonly points: number
  /** `Lead Source = Referral +12 pts`. */
  readonly text: string
}

/** A likelihood and why. */
export interface PointExplanation {
  /** The calibrated likelihood in percent. */
  readonly likelihood: number
  /** The likelihood of a lead with every feature at its average effect, in percent. */
  readonly base: number
  /** The features that raised it most, largest first. */
  readonly raised: readonly PointReason[]
  /** The features that lowered it most, largest drop first. */
  readonly lowered: readonly PointReason[]
}

/** Explains rows of one encoded table with one model. */
export class PointExplainer {
  private readonly model: PredictiveModel
  private readonly explain: Explainer

  constructor(model: PredictiveModel, featureCount: number) {
    this.model = model
    this.explain = explainer(model.learner, featureCount)
  }

  /** Row `i`'s likelihood with its `top` reasons each way (those of at least 0.05 points). */
  row(data: EncodedFeatures, i: number, top = 3): PointExplanation {
    const phi = this.explain.contributions(data, i)
    let sum = 0
    for (const x of phi) sum += x
    const margin = this.explain.base + sum
    const p = calibrate(this.model.calibration, margin)
    const p0 = calibrate(this.model.calibration, this.explain.base)
    const a = this.model.calibration.slope
    // points per unit of log-odds: the mean slope of the calibrated curve between the two margins
    const scale = Math.abs(sum) > 1e-9 ? (100 * (p - p0)) / sum : 100 * a * p * (1 - p)
    const reasons: PointReason[] = []
    phi.forEach((contribution, f) => {
      const points = contribution * scale
      if (Math.abs(points) < 0.05) return
      const feature = featureLabel(data.features[f]!.name)
      const value = displayValue(data, f, i)
      reasons.push({ feature, value, points, text: `${feature} = ${value} ${formatPoints(points)}` })
    })
    return {
      likelihood: 100 * p,
      base: 100 * p0,
      raised: reasons
        .filter((r) => r.points > 0)
        .sort((x, y) => y.points - x.points)
        .slice(0, top),
      lowered: reasons
        .filter((r) => r.points < 0)
        .sort((x, y) => x.points - y.points)
        .slice(0, top),
    }
  }
}

/** `+12 pts`, `-0.4 pts`: one decimal below 10 points, whole points above. */
export function formatPoints(points: number): string {
  const size = Math.abs(points)
  const text = size >= 9.95 ? size.toFixed(0) : size.toFixed(1)
  return `${points < 0 ? '-' : '+'}${text} pts`
}

/**
 * A feature name for people: behaviour columns spelled out (`events.page.count_30d` → `page
 * events in the last 30 days`), account properties marked, properties as they are.
 */
export function featureLabel(name: string): string {
  const event = /^events\.(.+)\.(count|decayed)_(\d+)d$/.exec(name)
  if (event) {
    const what = event[1] === 'any' ? 'events' : `${event[1]} events`
    return event[2] === 'count'
      ? `${what} in the last ${event[3]} days`
      : `recent ${what} (last ${event[3]} days, weighted to the latest)`
  }
  const active = /^active_days_(\d+)d$/.exec(name)
  if (active) return `active days in the last ${active[1]} days`
  if (name === 'days_since_last_event') return 'days since the last event'
  if (name === 'days_since_first_event') return 'days since the first event'
  if (name === 'engagement') return 'engagement points'
  if (name.startsWith('rule.')) return `points of rule ${name.slice(5)}`
  if (name.startsWith('account.')) return `account ${name.slice(8)}`
  return name
}
