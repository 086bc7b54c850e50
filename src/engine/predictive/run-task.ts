/**
 * One predictive task, the same whether it runs in a worker thread (its own store connection)
 * or in the calling thread: a training job (train, store, predict every contact), a refresh
 * of the predictions that are missing or stale, a refresh of the contacts whose features move
 * with time alone, or the prediction of contacts that ingestion changed. The job's status is written here; its progress
 * is reported to the caller, which writes it (a worker's main loop is busy training).
 * @module
 */
import { PredictInputError } from '../../predict/index.js'
import type { Store } from '../../store/index.js'
import { EngineError } from '../errors.js'
import { predictTriggered, refreshPredictions, refreshTimeDependent } from './predict-contacts.js'
import type { Progress } from './progress.js'
import { checkRequest, type TrainingRequest } from './request.js'
import { trainFromStore } from './train-from-store.js'
import type { PredictionTriggers } from './triggers.js'

/** What to do. `now` is the service clock's time at the start; the task's clock moves on from it. */
export type PredictiveTask =
  | {
      readonly kind: 'train'
      readonly jobId: string
      readonly request: TrainingRequest
      readonly now: number
    }
  | { readonly kind: 'refresh'; readonly modelId?: string | undefined; readonly now: number }
  /** Every contact whose features move with time alone (see `refreshTimeDependent`). */
  | { readonly kind: 'time-refresh'; readonly now: number }
  /** Contacts and accounts' members that ingestion changed (see `triggers.ts`). */
  | { readonly kind: 'predict'; readonly triggers: PredictionTriggers; readonly now: number }

/** What a task did. */
export type TaskResult =
  | {
      readonly kind: 'train'
      readonly ok: true
      readonly modelId: string
      readonly version: number
      readonly predicted: number
    }
  | { readonly kind: 'train'; readonly ok: false; readonly error: string }
  | {
      readonly kind: 'refresh' | 'time-refresh' | 'predict'
      readonly predicted: number
      readonly models: number
    }

/** Runs a task against `store`; a training's failure is recorded on its job and resolved, not thrown. */
export async function runTask(
  store: Store,
  task: PredictiveTask,
  progress: (p: Progress) => void,
): Promise<TaskResult> {
  const origin = performance.now()
  const clock = () => task.now + Math.round(performance.now() - origin)
  if (task.kind === 'refresh') {
    const { predicted, models } = await refreshPredictions(store, clock, progress, task.modelId)
    return { kind: 'refresh', predicted, models }
  }
  if (task.kind === 'time-refresh')
    return { kind: task.kind, ...(await refreshTimeDependent(store, clock, progress)) }
  if (task.kind === 'predict')
    return { kind: task.kind, ...(await predictTriggered(store, clock, progress, task.triggers)) }
  await store.updateTrainingJob({ id: task.jobId, at: clock(), status: 'running', step: 'starting' })
  try {
    const request = checkRequest(task.request)
    const { record } = await trainFromStore(store, request, task.now, progress, clock)
    let predicted = 0
    if (record.active) {
      const run = await refreshPredictions(store, clock, progress, record.id)
      predicted = run.predicted
    }
    await store.updateTrainingJob({
      id: task.jobId,
      at: clock(),
      status: 'succeeded',
      step: record.active
        ? `trained version ${record.version} and predicted ${predicted} contacts`
        : `trained version ${record.version} (not activated)`,
      modelVersion: record.version,
    })
    return { kind: 'train', ok: true, modelId: record.id, version: record.version, predicted }
  } catch (error) {
    const hint = error instanceof PredictInputError || error instanceof EngineError ? error.hint : undefined
    const text = error instanceof Error ? error.message : String(error)
    const message = hint === undefined ? text : `${text}: ${hint}`
    await store.updateTrainingJob({
      id: task.jobId,
      at: clock(),
      status: 'failed',
      step: 'failed',
      error: message,
    })
    return { kind: 'train', ok: false, error: message }
  }
}
