/**
 * Predicting with a trained model: a calibrated likelihood (in percent) per lead, and why.
 * @module
 */
import { calibrate } from './calibration.js'
import { type Explanation, explainRow } from './explain.js'
import { type EncodedFeatures, encodeTable } from './features/encode.js'
import { explainer, predictMargins } from './learners/learner.js'
import type { PredictiveModel } from './model.js'
import type { LeadTable } from './table.js'

/** Predictions for the rows of a table. */
export interface Predictions {
  /** Calibrated probability to convert, in percent (0-100), per row. */
  readonly likelihood: Float64Array
  /** The model's raw log-odds per row (before calibration). */
  readonly margins: Float64Array
  /** Per row, when asked. */
  readonly explanations?: readonly Explanation[]
}

/** Likelihoods of encoded rows. */
export function predictEncoded(model: PredictiveModel, data: EncodedFeatures, explain = false): Predictions {
  const margins = predictMargins(model.learner, data)
  const likelihood = Float64Array.from(margins, (m) => 100 * calibrate(model.calibration, m))
  if (!explain) return { likelihood, margins }
  const ex = explainer(model.learner, data.features.length)
  const explanations = Array.from({ length: data.rowCount }, (_, i) => explainRow(ex, data, i))
  return { likelihood, margins, explanations }
}

/** Likelihoods of every row of `table` (columns found by name; absent ones read as missing). */
export function predictTable(model: PredictiveModel, table: LeadTable, explain = false): Predictions {
  return predictEncoded(model, encodeTable(model.features, table), explain)
}
