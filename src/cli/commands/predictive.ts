/**
 * `leadscore predictive train|list|show|activate|refresh`: predictive models trained from the
 * contacts and events in the database (what `leadscore serve` stores), kept as versions in its
 * registry. `train` labels every contact by the outcome, computes its features as of just before
 * its conversion, evaluates by cross-validation, stores and activates the version, and predicts
 * every contact; a running server uses the likelihoods at once.
 * @module
 */
import { defineCommand } from 'citty'
import { EngineError, systemClock } from '../../engine/index.js'
import {
  DEFAULT_PREDICTIVE_ID,
  PredictiveService,
  type StoredEvaluation,
  type TrainingRequest,
} from '../../engine/predictive/index.js'
import type { TrainingWarning } from '../../predict/index.js'
import type {
  PredictiveModelRecord,
  PredictiveModelSummary,
  Store,
  TrainingJobRecord,
} from '../../store/index.js'
import { type CliContext, CliError, cliContext } from '../context.js'
import { help } from '../help.js'
import { count, day, pct, table, writeJson } from './analyze/output.js'
import { dbArg, openDatabase } from './serve.js'
import { evaluationBlocks, listOption, progressLine, warningLines } from './train.js'

async function withStore<T>(
  ctx: CliContext,
  db: string | undefined,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openDatabase(ctx, db)
  try {
    return await fn(store)
  } catch (error) {
    if (error instanceof EngineError)
      throw new CliError(error.message, error.hint === undefined ? {} : { hint: error.hint })
    throw error
  } finally {
    await store.close()
  }
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a')

/** A version's evaluation for people. */
export function formatVersion(record: PredictiveModelSummary): string {
  const e = record.evaluation as StoredEvaluation
  const outcome = record.outcome as { description?: string; text?: string }
  const warnings = record.warnings as TrainingWarning[]
  const parts = [
    `${record.id} version ${record.version}${record.active ? ' (active)' : ''}: ${e.learner}, trained ${new Date(e.trainedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC in ${e.seconds.toFixed(1)} s`,
    `outcome: ${outcome.description ?? outcome.text ?? 'unknown'} (${outcome.text ?? ''})`,
    `contacts: ${count(e.contacts)}, converted ${count(e.conversions)} (${pct(e.conversionRate)})${e.untimedConversions > 0 ? `, ${count(e.untimedConversions)} at an unknown time` : ''}; ${e.features} features`,
    `cross-validation (${e.folds} stratified folds, seed ${e.seed}): AUC ${f4(e.auc)} ± ${f4(e.aucStd)}, log loss ${f4(e.logLoss)}, Brier ${f4(e.brier)}, top-decile lift ${e.topDecileLift.toFixed(2)}`,
    '',
    ...evaluationBlocks({
      liftByDecile: e.liftByDecile,
      calibration: e.calibration,
      importance: e.importance,
    }),
    ...warningLines(warnings),
  ]
  return `${parts.join('\n')}\n`
}

const trainCommand = defineCommand({
  meta: {
    name: 'train',
    description:
      'Train a predictive model from the stored contacts, store it as a new version, predict every contact',
  },
  args: {
    ...dbArg,
    outcome: {
      type: 'string',
      description: 'What a conversion is: stage=customer, property=converted[:VALUE], or event=Closed Won',
      required: true,
      valueHint: 'KIND=WHAT',
    },
    'outcome-time': {
      type: 'string',
      description: 'For a property outcome: the property with when it converted (else: as of now)',
      valueHint: 'PROPERTY',
    },
    id: {
      type: 'string',
      description: `The predictive model id (default ${DEFAULT_PREDICTIVE_ID})`,
      valueHint: 'ID',
    },
    learner: {
      type: 'enum',
      options: ['auto', 'logistic', 'gbdt'],
      description: 'auto (default): the better in cross-validation',
    },
    cv: { type: 'string', description: 'Cross-validation folds (default 5)', valueHint: 'N' },
    seed: { type: 'string', description: 'Random seed (default 0)', valueHint: 'N' },
    exclude: {
      type: 'string',
      description: 'Properties not to learn from, comma-separated',
      valueHint: 'a,b',
    },
    'missing-values': {
      type: 'string',
      description: 'Values that mean "not answered" (e.g. Select)',
      valueHint: 'a,b',
    },
    activate: {
      type: 'boolean',
      default: true,
      description: 'Make it the active version (--no-activate: keep the current one)',
    },
    json: { type: 'boolean', description: 'Print the job and the version as JSON' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const request: TrainingRequest = {
      modelId: args.id,
      outcome: args.outcome,
      outcomeTime: args['outcome-time'],
      learner: args.learner as TrainingRequest['learner'],
      folds: args.cv === undefined ? undefined : wholeNumber(args.cv, '--cv'),
      seed: args.seed === undefined ? undefined : wholeNumber(args.seed, '--seed'),
      exclude: listOption(args.exclude),
      missingValues: listOption(args['missing-values']),
      activate: args.activate,
    }
    await withStore(ctx, args.db, async (store) => {
      const progress = progressLine(ctx)
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      let jobId = ''
      const watch = setInterval(() => {
        store.getTrainingJob(jobId).then(
          (job) =>
            job &&
            progress.say(
              `predictive: ${job.step}${job.total > 0 ? ` (${count(job.done)} of ${count(job.total)})` : job.done > 0 ? ` (${count(job.done)})` : ''}`,
            ),
          () => {},
        )
      }, 500)
      let done: TrainingJobRecord
      try {
        const start = await service.train(request, 'cli')
        if (!start.created)
          throw new CliError(
            `a training of ${start.job.modelId} is already running (job ${start.job.id}, ${start.job.step})`,
            {
              hint: 'wait for it to finish: leadscore predictive list shows the versions',
            },
          )
        jobId = start.job.id
        done = await service.waitFor(jobId)
      } finally {
        clearInterval(watch)
        progress.done()
        await service.close()
      }
      if (done.status !== 'succeeded')
        throw new CliError(`the training failed: ${done.error ?? 'unknown error'}`, {
          hint: 'see docs/predictive.md for what the outcome and the data need',
        })
      const record = await store.getPredictiveModel(done.modelId, done.modelVersion!)
      if (args.json) writeJson(ctx, { job: done, model: summary(record!) })
      else ctx.stdout.write(`${formatVersion(record!)}\n${done.step}\n`)
    })
  },
})

function summary(record: PredictiveModelRecord): PredictiveModelSummary {
  const { model: _, ...rest } = record
  return rest
}

function wholeNumber(value: string, name: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`${name} is "${value}"`, { hint: 'give a whole number' })
  return n
}

const listCommand = defineCommand({
  meta: { name: 'list', description: 'The stored predictive model versions' },
  args: { ...dbArg, json: { type: 'boolean', description: 'Print JSON' } },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, async (store) => {
      const models = await store.listPredictiveModels()
      if (args.json) return writeJson(ctx, { models })
      if (models.length === 0) {
        ctx.stderr.write('no predictive model yet: leadscore predictive train --outcome stage=customer\n')
        return
      }
      ctx.stdout.write(
        table(
          [
            'id',
            'version',
            'active',
            'created',
            'outcome',
            'contacts',
            'converted',
            'AUC',
            'log loss',
            'lift',
            'warnings',
          ],
          models.map((m) => {
            const e = m.evaluation as StoredEvaluation
            return [
              m.id,
              String(m.version),
              m.active ? 'yes' : '',
              day(m.createdAt),
              (m.outcome as { text?: string }).text ?? '',
              count(e.contacts),
              count(e.conversions),
              f4(e.auc),
              f4(e.logLoss),
              e.topDecileLift.toFixed(2),
              String(m.warnings.length),
            ]
          }),
          ['left', 'right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
        ),
      )
    })
  },
})

const showCommand = defineCommand({
  meta: { name: 'show', description: 'A version with its evaluation and warnings (default: the active one)' },
  args: {
    ...dbArg,
    id: {
      type: 'positional',
      required: false,
      description: `The predictive model id (default ${DEFAULT_PREDICTIVE_ID})`,
    },
    version: { type: 'string', description: 'The version (default: the active one)', valueHint: 'N' },
    json: { type: 'boolean', description: 'Print JSON (with the serialized model)' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const id = args.id ?? DEFAULT_PREDICTIVE_ID
    await withStore(ctx, args.db, async (store) => {
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      const record = await service.model(
        id,
        args.version === undefined ? undefined : wholeNumber(args.version, '--version'),
      )
      if (args.json) writeJson(ctx, record)
      else ctx.stdout.write(formatVersion(record))
    })
  },
})

const activateCommand = defineCommand({
  meta: { name: 'activate', description: 'Make a version the active one and predict every contact with it' },
  args: {
    ...dbArg,
    id: { type: 'positional', required: true, description: 'The predictive model id' },
    version: { type: 'positional', required: true, description: 'The version' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const version = wholeNumber(args.version, 'VERSION')
    await withStore(ctx, args.db, async (store) => {
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      try {
        const result = await (await service.activate(args.id, version)).predictions
        ctx.stderr.write(
          `${args.id} version ${version} is active; ${count(result?.kind === 'refresh' ? result.predicted : 0)} contacts predicted\n`,
        )
      } finally {
        await service.close()
      }
    })
  },
})

const refreshCommand = defineCommand({
  meta: { name: 'refresh', description: 'Predict the contacts that changed since their last prediction' },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, async (store) => {
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      try {
        const result = await service.refresh()
        const predicted = result?.kind === 'refresh' ? result.predicted : 0
        ctx.stderr.write(`${count(predicted)} contact${predicted === 1 ? '' : 's'} predicted\n`)
      } finally {
        await service.close()
      }
    })
  },
})

export const predictiveCommand = defineCommand({
  meta: {
    name: 'predictive',
    description: help('help.predictive'),
  },
  subCommands: {
    train: trainCommand,
    list: listCommand,
    show: showCommand,
    activate: activateCommand,
    refresh: refreshCommand,
  },
})
