import type { BulkScores } from '../score.js'

/** A scoring's results as plain values (-0 kept apart from 0), to compare two scorings with `toEqual`. */
export function plain(bulk: BulkScores) {
  const numbers = (values: Float64Array) => Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v))
  return {
    fit: numbers(bulk.fit),
    engagement: numbers(bulk.engagement),
    total: numbers(bulk.total),
    classes: [bulk.grade, bulk.level, bulk.label, bulk.band, bulk.stage, bulk.journey],
    segments: bulk.segments,
    committee: bulk.committee,
  }
}
