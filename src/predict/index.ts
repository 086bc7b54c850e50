/**
 * Predictive scoring: learn the likelihood to convert from past outcomes, evaluate it honestly,
 * warn when the data cannot support it, and explain each prediction. Pure: tables, contacts and
 * events in, models and numbers out; no I/O, no clock (cut-off times are parameters).
 *
 * @example
 * const { model, report } = trainModel(table, { label: 'Converted', missingValues: ['Select'] })
 * report.auc // cross-validated ROC AUC
 * predictTable(model, newLeads, true).likelihood // calibrated percent per row
 * @module
 */
export { calibrate, fitPlatt, type PlattCalibration } from './calibration.js'
export { type Explanation, explainRow, featureImportance, type Reason } from './explain.js'
export {
  type BehaviourOptions,
  type BehaviourSpec,
  BehaviourSpecBuilder,
  behaviourColumns,
  behaviourTable,
  type ContactAtCutoff,
  fitBehaviourSpec,
} from './features/behaviour.js'
export { type EncodedFeatures, encodeTable } from './features/encode.js'
export { type Feature, type FeatureSpec, fitFeatureSpec } from './features/spec.js'
export { type Labels, readLabels } from './label.js'
export { fitGbdt, type GbdtModel, type GbdtParams, predictGbdt } from './learners/gbdt/booster.js'
export {
  type Explainer,
  explainer,
  fitLearner,
  type LearnerParams,
  predictMargins,
} from './learners/learner.js'
export { fitLogistic, type LogisticModel, type LogisticParams, predictLogistic } from './learners/logistic.js'
export * from './metrics.js'
export {
  type LearnerModel,
  type LearnerName,
  MODEL_FORMAT,
  MODEL_VERSION,
  type PredictiveModel,
  parsePredictiveModel,
  type TrainingSummary,
} from './model.js'
export {
  featureLabel,
  formatPoints,
  PointExplainer,
  type PointExplanation,
  type PointReason,
} from './points.js'
export { type Predictions, predictEncoded, predictTable } from './predict.js'
export {
  concatTables,
  detectSeparator,
  type LeadTable,
  PredictInputError,
  tableFromRows,
  withColumn,
} from './table.js'
export {
  type CandidateResult,
  type TimeSplitResult,
  type TrainingReport,
  type TrainingStep,
  type TrainOptions,
  type TrainResult,
  trainModel,
} from './train.js'
export { stratifiedFoldOf, stratifiedKFold, timeSplit } from './validation/folds.js'
export { leakWarnings, type TrainingWarning } from './warnings.js'
