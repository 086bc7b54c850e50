/**
 * What the registry keeps of a trained model (its `model` JSON): the predictive model (feature
 * spec, learner, calibration), the behaviour columns it was trained on, and the scoring model
 * version whose engagement rules gave rule features; and reading it back ready to predict.
 * @module
 */
import { z } from 'zod'
import type { CompiledModel } from '../../core/index.js'
import { type BehaviourSpec, type PredictiveModel, parsePredictiveModel } from '../../predict/index.js'
import type { PredictiveModelRecord, StoreOps } from '../../store/index.js'
import { compileSource } from '../models.js'

/** The registry's `model` JSON. */
export interface StoredPredictiveModel {
  readonly predictive: PredictiveModel
  readonly behaviour: BehaviourSpec
  /** The scoring model version whose rules are features, or null. */
  readonly rules: { readonly modelId: string; readonly version: number } | null
}

const behaviourSchema = z.object({
  properties: z.array(z.string()),
  eventNames: z.array(z.string()),
  windowsDays: z.array(z.number().positive()).min(1),
  halfLifeDays: z.number().positive(),
  rules: z.array(z.string()),
})
const storedSchema = z.object({
  predictive: z.unknown(),
  behaviour: behaviourSchema,
  rules: z.object({ modelId: z.string(), version: z.number().int().min(1) }).nullable(),
})

/** A registry version ready to predict with. */
export interface LoadedModel {
  readonly id: string
  readonly version: number
  readonly model: PredictiveModel
  readonly behaviour: BehaviourSpec
  /** The scoring model the rule features come from (compiled), when the behaviour has rules. */
  readonly rules: CompiledModel | undefined
}

/** Reads a registry version back. @throws {Error} when it is not one this version of leadscore can use. */
export async function loadStoredModel(store: StoreOps, record: PredictiveModelRecord): Promise<LoadedModel> {
  const parsed = storedSchema.safeParse(record.model)
  if (!parsed.success)
    throw new Error(
      `predictive model ${record.id} version ${record.version} is not readable: ${parsed.error.issues[0]?.message ?? 'invalid'}; train it again`,
    )
  const model = parsePredictiveModel(parsed.data.predictive)
  const behaviour = parsed.data.behaviour
  let rules: CompiledModel | undefined
  if (behaviour.rules.length > 0) {
    const ref = parsed.data.rules
    const scoring = ref === null ? undefined : await store.getModel(ref.modelId, ref.version)
    if (scoring === undefined)
      throw new Error(
        `predictive model ${record.id} version ${record.version} uses the rules of a scoring model version that is gone; train it again`,
      )
    rules = compileSource(scoring.source).compiled
  }
  return { id: record.id, version: record.version, model, behaviour, rules }
}
