/**
 * The predictive model registry, training jobs and stored predictions.
 * @module
 */

/** A trained model to store: a new version of `id`, not active until activated. */
export interface PredictiveModelWrite {
  /** The id the scoring model's `predictive: { model: <id> }` names (letters, digits, `-`, `_`). */
  readonly id: string
  /** What counted as a conversion (JSON). */
  readonly outcome: unknown
  /** What the training measured: AUC, log loss, lift, calibration, ... (JSON). */
  readonly evaluation: unknown
  /** The training's warnings (JSON list). */
  readonly warnings: readonly unknown[]
  /** The serialized model: learner, features, calibration (JSON). */
  readonly model: unknown
  readonly createdAt: number
}

/** A stored model version, without its (large) serialized model. */
export interface PredictiveModelSummary {
  readonly id: string
  readonly version: number
  /** At most one version of an id is active: the one predictions come from. */
  readonly active: boolean
  readonly outcome: unknown
  readonly evaluation: unknown
  readonly warnings: readonly unknown[]
  readonly createdAt: number
  readonly activatedAt: number | null
}

/** A stored model version with its serialized model. */
export interface PredictiveModelRecord extends PredictiveModelSummary {
  readonly model: unknown
}

export const TRAINING_TRIGGERS = ['api', 'schedule', 'cli'] as const
export type TrainingTrigger = (typeof TRAINING_TRIGGERS)[number]
export const TRAINING_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const
export type TrainingStatus = (typeof TRAINING_STATUSES)[number]

/** A training job to record (queued). */
export interface TrainingJobWrite {
  readonly id: string
  /** The predictive model id it trains a version of. */
  readonly modelId: string
  readonly trigger: TrainingTrigger
  /** What was asked: the outcome and the options (JSON). */
  readonly request: unknown
  readonly createdAt: number
}

/** A training job and its progress. */
export interface TrainingJobRecord {
  readonly id: string
  readonly modelId: string
  readonly trigger: TrainingTrigger
  readonly status: TrainingStatus
  readonly request: unknown
  /** What it is doing now, for people. */
  readonly step: string
  /** Units of the current step done, of `total` (0 of 0 when the step has no count). */
  readonly done: number
  readonly total: number
  /** The version it stored, once succeeded. */
  readonly modelVersion: number | null
  readonly error: string | null
  readonly createdAt: number
  readonly startedAt: number | null
  readonly updatedAt: number
  readonly finishedAt: number | null
}

/** A change of a job's progress or status (absent fields keep their value). */
export interface TrainingJobUpdate {
  readonly id: string
  readonly at: number
  readonly status?: TrainingStatus | undefined
  readonly step?: string | undefined
  readonly done?: number | undefined
  readonly total?: number | undefined
  readonly modelVersion?: number | undefined
  readonly error?: string | undefined
}

/** One contact's prediction. */
export interface PredictionWrite {
  readonly contactId: string
  /** Calibrated probability to convert, in percent. */
  readonly likelihood: number
  /** Why (JSON: the features that raised and lowered it most). */
  readonly reasons: unknown
}

/** Predictions of one model version, written at once, and copied into the scores of the scoring models that use them. */
export interface PredictionBatch {
  readonly modelId: string
  readonly modelVersion: number
  readonly predictedAt: number
  readonly predictions: readonly PredictionWrite[]
  /**
   * Scoring models whose `contact_scores.likelihood` takes these predictions. With
   * `reschedule`, the contacts' `next_change_at` is brought forward to `predictedAt`, so the
   * timer rescores them (the likelihood adds points or is used in a condition).
   */
  readonly scoringModels: readonly { readonly id: string; readonly reschedule: boolean }[]
}

/** A stored prediction. */
export interface PredictionRecord {
  readonly modelId: string
  readonly contactId: string
  readonly modelVersion: number
  readonly likelihood: number
  readonly reasons: unknown
  readonly predictedAt: number
}

/** Contacts whose prediction from `modelId` is missing, from another version, or older than their last change. */
export interface StalePredictionsQuery {
  readonly modelId: string
  readonly version: number
  /** Keyset cursor: ids after this one. */
  readonly after: string | null
  /** Default 500. */
  readonly limit?: number | undefined
}

/** Every contact id, by id, in keyset pages. */
export interface ContactIdsQuery {
  readonly after: string | null
  /** Default 1000. */
  readonly limit?: number | undefined
}
