/**
 * Made-up but evenly spread scores for benchmarks of the queue on many contacts: totals over
 * 0-100, bands `hot` (≥ 80, a fifth), `warm` (≥ 40) and `cold`, five grades, four levels, one
 * contact in seven in the segment `enterprise`, a likelihood for two thirds.
 * @module
 */
import type { ScoreWrite } from '../records/score.js'

const BANDS = ['hot', 'warm', 'cold'] as const

export interface SyntheticScoreOptions {
  readonly modelId: string
  readonly modelVersion: number
  /** The scoring time, and the newest activity (contacts' last activity spreads over the 1,000 minutes before it). */
  readonly at: number
  readonly nextChangeAt: number | null
}

/** The score of contact number `i` (deterministic). */
export function syntheticScore(i: number, contactId: string, o: SyntheticScoreOptions): ScoreWrite {
  const total = ((i * 7919) % 10_000) / 100
  return {
    contactId,
    modelId: o.modelId,
    modelVersion: o.modelVersion,
    fit: total / 2,
    engagement: total / 2,
    total,
    grade: 'ABCDF'[i % 5]!,
    level: String(1 + (i % 4)),
    label: null,
    band: total >= 80 ? BANDS[0] : total >= 40 ? BANDS[1] : BANDS[2],
    stage: null,
    journey: null,
    segments: i % 7 === 0 ? ['enterprise'] : [],
    likelihood: i % 3 ? total : null,
    lastActivityAt: o.at - (i % 1000) * 60_000,
    scoredAt: o.at,
    nextChangeAt: o.nextChangeAt,
  }
}
