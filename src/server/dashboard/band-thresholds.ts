/**
 * The total score at which each band starts, read from the model's band conditions
 * (`score.total: { gte: 60 }`), for drawing the thresholds on a score chart.
 * @module
 */
import { type Classifier, type Condition, labelIn } from '../../core/index.js'

/** A band and the total from which its condition holds on the total alone (null: not a threshold). */
export interface BandThreshold {
  readonly id: string
  readonly label: string | null
  readonly min: number | null
}

function totalBound(condition: Condition | undefined): number | null {
  if (condition === undefined || condition === null || typeof condition !== 'object') return null
  const direct = condition['score.total']
  if (direct !== null && typeof direct === 'object' && !Array.isArray(direct)) {
    const ops = direct as Record<string, unknown>
    for (const op of ['gte', 'gt'] as const) if (typeof ops[op] === 'number') return ops[op] as number
  }
  // `any` holds from the lowest bound of its branches; `all` from the highest
  const bounds = (list: readonly Condition[] | undefined) =>
    (list ?? []).map(totalBound).filter((b): b is number => b !== null)
  const any = bounds(condition.any)
  if (any.length > 0) return Math.min(...any)
  const all = bounds(condition.all)
  return all.length > 0 ? Math.max(...all) : null
}

/** The thresholds of a model's bands, in the model's order, with their labels in `locale`. */
export function bandThresholds(bands: readonly Classifier[] | undefined, locale = 'en'): BandThreshold[] {
  return (bands ?? []).map((b) => ({
    id: b.id,
    label: labelIn(b.label, locale) ?? null,
    min: totalBound(b.when),
  }))
}
