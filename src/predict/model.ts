/**
 * The predictive model file: versioned JSON holding the feature spec, the learner, the
 * calibration and a summary of the training, validated on load.
 * @module
 */
import { z } from 'zod'
import type { PlattCalibration } from './calibration.js'
import type { FeatureSpec } from './features/spec.js'
import type { GbdtModel } from './learners/gbdt/booster.js'
import type { LogisticModel } from './learners/logistic.js'
import { PredictInputError } from './table.js'
import type { TrainingWarning } from './warnings.js'

/** The `format` field of every model file. */
export const MODEL_FORMAT = 'leadscore-predictive'
/** The model file version this code writes and reads. */
export const MODEL_VERSION = 1

export type LearnerModel = LogisticModel | GbdtModel
export type LearnerName = LearnerModel['kind']

/** What the training measured, kept in the model for people and for the service. */
export interface TrainingSummary {
  readonly rows: number
  readonly positives: number
  readonly folds: number
  readonly seed: number
  readonly auc: number
  readonly aucStd: number
  readonly logLoss: number
  readonly topDecileLift: number
  readonly warnings: readonly TrainingWarning['code'][]
}

/** A trained predictive model. */
export interface PredictiveModel {
  readonly format: typeof MODEL_FORMAT
  readonly version: typeof MODEL_VERSION
  readonly label: { readonly column: string; readonly positive: string; readonly negative: string }
  /** The id column copied to predictions, if any. */
  readonly idColumn: string | null
  readonly features: FeatureSpec
  readonly learner: LearnerModel
  readonly calibration: PlattCalibration
  readonly training: TrainingSummary
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number')
const tree = z
  .object({
    feature: z.array(z.number().int().min(-1)),
    threshold: z.array(z.number().int()),
    missingLeft: z.array(z.number().int().min(0).max(1)),
    leftLevels: z.array(z.array(z.number().int().min(0).max(255)).nullable()),
    left: z.array(z.number().int()),
    right: z.array(z.number().int()),
    value: z.array(finite),
    cover: z.array(z.number().min(0)),
    gain: z.array(z.number()),
  })
  .refine((t) => t.feature.length > 0 && Object.values(t).every((a) => a.length === t.feature.length), {
    message: 'every array of a tree must have one entry per node',
  })
  .refine(
    (t) =>
      t.left.every(
        (l, n) =>
          t.feature[n] === -1 ||
          (l > n && l < t.feature.length && t.right[n]! > n && t.right[n]! < t.feature.length),
      ),
    {
      message: 'a split node must point to later nodes of the same tree',
    },
  )

const feature = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    name: z.string(),
    thresholds: z.array(finite).max(253),
    median: finite,
    missingRate: z.number().min(0).max(1),
  }),
  z.object({
    kind: z.literal('categorical'),
    name: z.string(),
    levels: z.array(z.string()).min(2).max(250),
    missingRate: z.number().min(0).max(1),
  }),
])

const schema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  label: z.object({ column: z.string(), positive: z.string(), negative: z.string() }),
  idColumn: z.string().nullable(),
  features: z.object({
    features: z.array(feature),
    missingValues: z.array(z.string()),
    dropped: z.array(z.object({ column: z.string(), reason: z.string() })),
  }),
  learner: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('logistic'),
      c: z.number().positive(),
      intercept: finite,
      terms: z.array(
        z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('numeric'),
            mean: finite,
            std: z.number().positive(),
            median: finite,
            weight: finite,
            missingWeight: finite,
          }),
          z.object({ kind: z.literal('categorical'), weights: z.array(finite) }),
        ]),
      ),
      termMeans: z.array(finite),
    }),
    z.object({
      kind: z.literal('gbdt'),
      init: finite,
      trees: z.array(tree),
      params: z.record(z.string(), z.unknown()),
    }),
  ]),
  calibration: z.object({ method: z.literal('platt'), slope: finite, intercept: finite }),
  training: z.object({
    rows: z.number().int(),
    positives: z.number().int(),
    folds: z.number().int(),
    seed: z.number(),
    auc: z.number().nullable(),
    aucStd: z.number().nullable(),
    logLoss: z.number().nullable(),
    topDecileLift: z.number().nullable(),
    warnings: z.array(z.string()),
  }),
})

/**
 * Checks that `value` (parsed JSON) is a model this version can use.
 * @throws {PredictInputError} naming the first problems and their place in the file.
 */
export function parsePredictiveModel(value: unknown): PredictiveModel {
  if (typeof value === 'object' && value !== null) {
    const v = value as { format?: unknown; version?: unknown }
    if (v.format !== MODEL_FORMAT)
      throw new PredictInputError(
        `not a predictive model (its "format" is ${JSON.stringify(v.format)}, expected "${MODEL_FORMAT}")`,
        'give a file written by `leadscore train --out`',
      )
    if (v.version !== MODEL_VERSION)
      throw new PredictInputError(
        `model format version ${JSON.stringify(v.version)}; this leadscore reads version ${MODEL_VERSION}`,
        'train the model again with this version of leadscore',
      )
  }
  const result = schema.safeParse(value)
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`)
      .join('; ')
    throw new PredictInputError(
      `invalid model: ${problems}`,
      'train the model again; do not edit the file by hand',
    )
  }
  const model = result.data as unknown as PredictiveModel
  const featureCount = model.features.features.length
  const learner = model.learner
  if (
    learner.kind === 'logistic' &&
    (learner.terms.length !== featureCount || learner.termMeans.length !== featureCount)
  )
    throw new PredictInputError(
      'invalid model: learner.terms must have one entry per feature',
      'train the model again',
    )
  if (learner.kind === 'gbdt' && learner.trees.some((t) => t.feature.some((f) => f >= featureCount)))
    throw new PredictInputError(
      'invalid model: a tree splits on a feature the model does not have',
      'train the model again',
    )
  return model
}
