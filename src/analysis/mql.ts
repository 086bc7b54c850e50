/**
 * What "marketing qualified" means in a backtest: the model's hand-off stage (or a later
 * one), or a total at or above a threshold.
 * @module
 */
import type { BulkScores } from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'

/** A test of one scored lead, and how to say it. */
export interface MqlRule {
  /** `stage mql or later`, `total ≥ 60`. */
  readonly description: string
  readonly isMql: (scores: BulkScores, c: number) => boolean
}

/** Thrown when the model has no hand-off stage and no threshold was given. */
export class NoMqlDefinitionError extends Error {
  constructor(model: string) {
    super(`the model ${model} has no hand-off stage (a stage with handoff: true, or one named mql)`)
    this.name = 'NoMqlDefinitionError'
  }
}

/** The MQL test of `model`: `threshold` when given, else its hand-off stage or any later stage. */
export function mqlRule(model: CompiledModel, threshold?: number): MqlRule {
  if (threshold !== undefined) {
    return { description: `total ≥ ${threshold}`, isMql: (s, c) => s.total[c]! >= threshold }
  }
  const handoff = model.handoffStage
  if (handoff === null) throw new NoMqlDefinitionError(model.id)
  const from = model.stages.findIndex((s) => s.id === handoff)
  const qualified = new Set(model.stages.slice(from).map((s) => s.id))
  const later = model.stages.length - from > 1
  return {
    description: `stage ${handoff}${later ? ' or later' : ''}`,
    isMql: (s, c) => {
      const stage = s.stage[c]
      return stage !== null && stage !== undefined && qualified.has(stage)
    },
  }
}
