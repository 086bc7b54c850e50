/**
 * What a training is asked to do: which predictive model id it trains, what counts as a
 * conversion (a stage reached, a label property, an outcome event), and the learner's options.
 * Checked once, where the request comes in (API, CLI, schedule), with errors that say what to write.
 * @module
 */
import { type OutcomeSpec, parseOutcome } from '../../analysis/leads.js'
import { InvalidRequestError } from '../errors.js'

/** The predictive model id used when none is named (`predictive: { model: conversions }`). */
export const DEFAULT_PREDICTIVE_ID = 'conversions'

/** What counts as a conversion, and (for a property) where its time is. */
export type PredictiveOutcome = OutcomeSpec & {
  /** A contact property with the time of the conversion (ISO-8601 or epoch ms). */
  readonly timeProperty?: string | undefined
}

/** A training request as given (API body, CLI flags, or a schedule repeating the last one). */
export interface TrainingRequest {
  /** The predictive model id (default `conversions`). */
  readonly modelId?: string | undefined
  /** `stage=customer`, `property=converted`, `property=status:won` or `event=Closed Won`. */
  readonly outcome: string
  /** For a property outcome: the property with the time of the conversion. */
  readonly outcomeTime?: string | undefined
  readonly learner?: 'auto' | 'logistic' | 'gbdt' | undefined
  /** Cross-validation folds (default 5). */
  readonly folds?: number | undefined
  readonly seed?: number | undefined
  /** Properties not to learn from. */
  readonly exclude?: readonly string[] | undefined
  /** Values that mean "not answered", e.g. `Select`. */
  readonly missingValues?: readonly string[] | undefined
  /** Make the trained version the active one (default true). */
  readonly activate?: boolean | undefined
  /**
   * Learn "converts within this many days" from a snapshot this many days ago: every contact
   * seen by then and not yet converted, its features as of the snapshot. Default: none (each
   * converted contact as of its conversion, the others as of now).
   */
  readonly horizonDays?: number | undefined
}

/** A request checked and completed. */
export interface CheckedRequest {
  readonly modelId: string
  readonly outcome: PredictiveOutcome
  /** The outcome as written, for people. */
  readonly outcomeText: string
  readonly learner: 'auto' | 'logistic' | 'gbdt'
  readonly folds: number
  readonly seed: number
  readonly exclude: readonly string[]
  readonly missingValues: readonly string[]
  readonly activate: boolean
  readonly horizonDays: number | null
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/** Checks a request. @throws {InvalidRequestError} naming the field and what to write. */
export function checkRequest(request: TrainingRequest): CheckedRequest {
  const modelId = request.modelId ?? DEFAULT_PREDICTIVE_ID
  if (!ID.test(modelId))
    throw new InvalidRequestError(
      { key: 'predictive.request.id', values: { id: JSON.stringify(modelId) } },
      { hint: { key: 'predictive.request.id.hint' } },
    )
  const parsed = parseOutcome(request.outcome)
  if ('error' in parsed)
    throw new InvalidRequestError({
      key: 'analysis.outcome',
      values: { value: JSON.stringify(request.outcome) },
    })
  if (request.outcomeTime !== undefined && parsed.kind !== 'property')
    throw new InvalidRequestError(
      { key: 'predictive.request.outcomeTime' },
      { hint: { key: 'predictive.request.outcomeTime.hint' } },
    )
  const folds = request.folds ?? 5
  if (!Number.isInteger(folds) || folds < 2 || folds > 20)
    throw new InvalidRequestError(
      { key: 'predictive.request.folds', values: { value: String(folds) } },
      { hint: { key: 'predictive.request.folds.hint' } },
    )
  const seed = request.seed ?? 0
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InvalidRequestError(
      { key: 'predictive.request.seed', values: { value: String(seed) } },
      { hint: { key: 'predictive.request.seed.hint' } },
    )
  const learner = request.learner ?? 'auto'
  if (!['auto', 'logistic', 'gbdt'].includes(learner))
    throw new InvalidRequestError(
      { key: 'predictive.request.learner', values: { value: JSON.stringify(learner) } },
      { hint: { key: 'predictive.request.learner.hint' } },
    )
  const horizonDays = request.horizonDays ?? null
  if (horizonDays !== null && !(Number.isFinite(horizonDays) && horizonDays >= 1 && horizonDays <= 3650))
    throw new InvalidRequestError(
      { key: 'predictive.request.horizon', values: { value: String(horizonDays) } },
      { hint: { key: 'predictive.request.horizon.hint' } },
    )
  return {
    modelId,
    horizonDays,
    outcome: {
      ...parsed,
      ...(request.outcomeTime === undefined ? {} : { timeProperty: request.outcomeTime }),
    },
    outcomeText: request.outcome,
    learner,
    folds,
    seed,
    exclude: request.exclude ?? [],
    missingValues: request.missingValues ?? [],
    activate: request.activate ?? true,
  }
}

/** The request a checked one came from (stored with the job, repeated by a schedule). */
export function requestOf(checked: CheckedRequest): TrainingRequest {
  return {
    modelId: checked.modelId,
    outcome: checked.outcomeText,
    ...(checked.outcome.kind === 'property' && checked.outcome.timeProperty !== undefined
      ? { outcomeTime: checked.outcome.timeProperty }
      : {}),
    learner: checked.learner,
    folds: checked.folds,
    seed: checked.seed,
    exclude: checked.exclude,
    missingValues: checked.missingValues,
    activate: checked.activate,
    ...(checked.horizonDays === null ? {} : { horizonDays: checked.horizonDays }),
  }
}

/** The outcome for people: `reached the stage customer`, `converted = yes`, `did Closed Won`. */
export function describeOutcome(outcome: PredictiveOutcome): string {
  if (outcome.kind === 'stage') return `reached the stage ${outcome.stage} (or a later one)`
  if (outcome.kind === 'event') return `did ${outcome.name}`
  const value = outcome.value === undefined ? 'true, yes or 1' : outcome.value
  return `${outcome.name} is ${value}${outcome.timeProperty === undefined ? '' : ` (at ${outcome.timeProperty})`}`
}
