/**
 * `leadscore predictive train|list|show|activate|refresh`: predictive models trained from the
 * contacts and events in the database (what `leadscore serve` stores), kept as versions in its
 * registry. `train` labels every contact by the outcome, computes its features as of just before
 * its conversion, evaluates by cross-validation, stores and activates the version, and predicts
 * every contact; a running server uses the likelihoods at once.
 * @module
 */
import { defineCommand } from 'citty'
import { systemClock } from '../../engine/index.js'
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
import { type CliContext, CliError, cliContext, localeOf } from '../context.js'
import { help } from '../help.js'
import { type HumanFormat, humanFormat } from '../human-format.js'
import { table, writeJson } from './analyze/output.js'
import { dbArg, openDatabase } from './serve.js'
import { evaluationBlocks, f4, listOption, progressLine, warningLines } from './train.js'
import { progressText } from './train-text.js'

async function withStore<T>(
  ctx: CliContext,
  db: string | undefined,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openDatabase(ctx, db)
  try {
    // the service's errors (an unknown model, a bad outcome) are reported by main, in the language
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** When a version was trained: `2026-11-02 09:30 UTC` in English, the language's date and time otherwise. */
function trainedAt(f: HumanFormat, time: number): string {
  if (f.t.locale === 'en') return `${new Date(time).toISOString().replace('T', ' ').slice(0, 16)} UTC`
  return `${f.t.date(time, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`
}

/** A version's evaluation for people. */
export function formatVersion(f: HumanFormat, record: PredictiveModelSummary): string {
  const { t } = f
  const e = record.evaluation as StoredEvaluation
  const outcome = record.outcome as { description?: string; text?: string }
  const warnings = record.warnings as TrainingWarning[]
  const parts = [
    t.t('predictive.version', {
      id: record.id,
      version: String(record.version),
      active: record.active ? 'yes' : 'no',
      learner: e.learner,
      at: trainedAt(f, e.trainedAt),
      seconds: f.fixed(e.seconds, 1),
    }),
    t.t('predictive.outcome', {
      outcome: outcome.description ?? outcome.text ?? t.t('predictive.outcome.unknown'),
      text: outcome.text ?? '',
    }),
    t.t('predictive.contacts', {
      contacts: e.contacts,
      conversions: e.conversions,
      rate: f.pct(e.conversionRate),
      untimed: e.untimedConversions,
      features: e.features,
    }),
    t.t('predictive.cv', {
      folds: e.folds,
      seed: String(e.seed),
      auc: f4(f, e.auc),
      std: f4(f, e.aucStd),
      logLoss: f4(f, e.logLoss),
      brier: f4(f, e.brier),
      lift: f.fixed(e.topDecileLift),
    }),
    '',
    ...evaluationBlocks(f, {
      liftByDecile: e.liftByDecile,
      calibration: e.calibration,
      importance: e.importance,
    }),
    ...warningLines(f, warnings),
  ]
  return `${parts.join('\n')}\n`
}

const trainCommand = defineCommand({
  meta: {
    name: 'train',
    description: help('help.predictive.train'),
  },
  args: {
    ...dbArg,
    outcome: {
      type: 'string',
      description: help('help.predictive.outcome'),
      required: true,
      valueHint: 'KIND=WHAT',
    },
    'outcome-time': {
      type: 'string',
      description: help('help.predictive.outcomeTime'),
      valueHint: 'PROPERTY',
    },
    id: {
      type: 'string',
      description: help('help.predictive.id', { id: DEFAULT_PREDICTIVE_ID }),
      valueHint: 'ID',
    },
    learner: {
      type: 'enum',
      options: ['auto', 'logistic', 'gbdt'],
      description: help('help.predictive.learner'),
    },
    cv: { type: 'string', description: help('help.train.cv'), valueHint: 'N' },
    seed: { type: 'string', description: help('help.predictive.seed'), valueHint: 'N' },
    exclude: {
      type: 'string',
      description: help('help.predictive.exclude'),
      valueHint: 'a,b',
    },
    'missing-values': {
      type: 'string',
      description: help('help.predictive.missing'),
      valueHint: 'a,b',
    },
    activate: {
      type: 'boolean',
      default: true,
      description: help('help.predictive.activate'),
    },
    json: { type: 'boolean', description: help('help.predictive.json') },
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
      const f = humanFormat(ctx)
      const locale = localeOf(ctx)
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      let jobId = ''
      const watch = setInterval(() => {
        store.getTrainingJob(jobId).then(
          (job) =>
            job &&
            progress.say(
              f.t.t('predictive.progress', {
                step: progressText(job.step, locale),
                done: job.done,
                total: job.total,
                counted: job.total > 0 ? 'of' : job.done > 0 ? 'done' : 'none',
              }),
            ),
          () => {},
        )
      }, 500)
      let done: TrainingJobRecord
      try {
        const start = await service.train(request, 'cli')
        if (!start.created)
          throw new CliError(
            {
              key: 'predictive.running',
              values: {
                model: start.job.modelId,
                job: start.job.id,
                step: progressText(start.job.step, locale),
              },
            },
            { hint: { key: 'predictive.running.hint' } },
          )
        jobId = start.job.id
        done = await service.waitFor(jobId)
      } finally {
        clearInterval(watch)
        progress.done()
        await service.close()
      }
      if (done.status !== 'succeeded')
        throw new CliError(
          { key: 'predictive.failed', values: { error: done.error ?? 'none' } },
          { hint: { key: 'predictive.failed.hint' } },
        )
      const record = await store.getPredictiveModel(done.modelId, done.modelVersion!)
      if (args.json) writeJson(ctx, { job: done, model: summary(record!) })
      else ctx.stdout.write(`${formatVersion(f, record!)}\n${progressText(done.step, locale)}\n`)
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
    throw new CliError(
      { key: 'option.notWhole', values: { name, value } },
      { hint: { key: 'option.notWhole.hint', values: { min: '0' } } },
    )
  return n
}

const listCommand = defineCommand({
  meta: { name: 'list', description: help('help.predictive.list') },
  args: { ...dbArg, json: { type: 'boolean', description: help('help.json') } },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, async (store) => {
      const models = await store.listPredictiveModels()
      if (args.json) return writeJson(ctx, { models })
      const f = humanFormat(ctx)
      const { t } = f
      if (models.length === 0) {
        ctx.stderr.write(`${t.t('predictive.none')}\n`)
        return
      }
      ctx.stdout.write(
        table(
          [
            'id',
            t.t('col.version'),
            t.t('col.active'),
            t.t('col.created'),
            t.t('col.outcome'),
            t.t('col.contacts'),
            t.t('col.converted'),
            'AUC',
            t.t('col.logLoss'),
            t.t('col.lift'),
            t.t('col.warnings'),
          ],
          models.map((m) => {
            const e = m.evaluation as StoredEvaluation
            return [
              m.id,
              String(m.version),
              m.active ? t.t('yes') : '',
              f.day(m.createdAt),
              (m.outcome as { text?: string }).text ?? '',
              f.count(e.contacts),
              f.count(e.conversions),
              f4(f, e.auc),
              f4(f, e.logLoss),
              f.fixed(e.topDecileLift),
              f.count(m.warnings.length),
            ]
          }),
          ['left', 'right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
        ),
      )
    })
  },
})

const showCommand = defineCommand({
  meta: { name: 'show', description: help('help.predictive.show') },
  args: {
    ...dbArg,
    id: {
      type: 'positional',
      required: false,
      description: help('help.predictive.id', { id: DEFAULT_PREDICTIVE_ID }),
    },
    version: { type: 'string', description: help('help.predictive.versionOption'), valueHint: 'N' },
    json: { type: 'boolean', description: help('help.predictive.showJson') },
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
      else ctx.stdout.write(formatVersion(humanFormat(ctx), record))
    })
  },
})

const activateCommand = defineCommand({
  meta: { name: 'activate', description: help('help.predictive.activateCommand') },
  args: {
    ...dbArg,
    id: { type: 'positional', required: true, description: help('help.predictive.modelId') },
    version: { type: 'positional', required: true, description: help('help.predictive.versionArg') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const version = wholeNumber(args.version, 'VERSION')
    await withStore(ctx, args.db, async (store) => {
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      try {
        const result = await (await service.activate(args.id, version)).predictions
        ctx.stderr.write(
          `${humanFormat(ctx).t.t('predictive.activated', {
            id: args.id,
            version: String(version),
            count: result?.kind === 'refresh' ? result.predicted : 0,
          })}\n`,
        )
      } finally {
        await service.close()
      }
    })
  },
})

const refreshCommand = defineCommand({
  meta: { name: 'refresh', description: help('help.predictive.refresh') },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, async (store) => {
      const service = new PredictiveService({ store, clock: systemClock, refreshEveryMs: 0 })
      try {
        const result = await service.refresh()
        const predicted = result?.kind === 'refresh' ? result.predicted : 0
        ctx.stderr.write(`${humanFormat(ctx).t.t('predictive.refreshed', { count: predicted })}\n`)
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
