/**
 * Explanations of a prediction: the features that raised and lowered it most.
 * @module
 */
import { displayValue, type EncodedFeatures } from './features/encode.js'
import type { Explainer } from './learners/learner.js'

/** One feature's push on a prediction, in log-odds (positive raises the likelihood). */
export interface Reason {
  readonly feature: string
  /** The lead's value of the feature, as text. */
  readonly value: string
  readonly contribution: number
}

/** The reasons of one prediction. */
export interface Explanation {
  /** Largest positive contributions first. */
  readonly raised: readonly Reason[]
  /** Most negative contributions first. */
  readonly lowered: readonly Reason[]
}

/** The `top` features that raised and lowered row `i`'s prediction most (contributions above 0.001 only). */
export function explainRow(explain: Explainer, data: EncodedFeatures, i: number, top = 3): Explanation {
  const phi = explain.contributions(data, i)
  const reasons: Reason[] = []
  phi.forEach((contribution, f) => {
    if (Math.abs(contribution) > 1e-3)
      reasons.push({ feature: data.features[f]!.name, value: displayValue(data, f, i), contribution })
  })
  return {
    raised: reasons
      .filter((r) => r.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, top),
    lowered: reasons
      .filter((r) => r.contribution < 0)
      .sort((a, b) => a.contribution - b.contribution)
      .slice(0, top),
  }
}

/** Feature importance: the mean absolute contribution over (up to `sample`, evenly spread) rows, as shares summing to 1. */
export function featureImportance(
  explain: Explainer,
  data: EncodedFeatures,
  sample = 500,
): { feature: string; importance: number }[] {
  const totals = new Float64Array(data.features.length)
  const step = Math.max(1, Math.floor(data.rowCount / sample))
  for (let i = 0; i < data.rowCount; i += step) {
    const phi = explain.contributions(data, i)
    for (let f = 0; f < phi.length; f++) totals[f]! += Math.abs(phi[f]!)
  }
  const sum = totals.reduce((a, b) => a + b, 0) || 1
  return data.features
    .map((feature, f) => ({ feature: feature.name, importance: totals[f]! / sum }))
    .sort((a, b) => b.importance - a.importance)
}
