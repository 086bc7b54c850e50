/**
 * Predictive scoring in the service: training from the stored contacts (point in time),
 * the model registry, likelihoods with reasons for every contact, on demand and on a schedule,
 * in a worker thread. See `docs/predictive.md`.
 * @module
 */
export { featureInput, readContacts, type StoredContact } from './contact-pages.js'
export {
  PREDICT_BATCH,
  predictContacts,
  refreshPredictions,
  type StoredReasons,
  scoringModelsUsing,
} from './predict-contacts.js'
export type { Progress } from './progress.js'
export {
  type CheckedRequest,
  checkRequest,
  DEFAULT_PREDICTIVE_ID,
  describeOutcome,
  type PredictiveOutcome,
  requestOf,
  type TrainingRequest,
} from './request.js'
export { type PredictiveTask, runTask, type TaskResult } from './run-task.js'
export {
  PredictiveService,
  type PredictiveServiceOptions,
  STALE_JOB_MS,
  type TrainingStart,
} from './service.js'
export { type LoadedModel, loadStoredModel, type StoredPredictiveModel } from './stored-model.js'
export { type StoredEvaluation, type StoreTrainingResult, trainFromStore } from './train-from-store.js'
