/**
 * The options every analyze command shares: where the leads are, what a conversion is,
 * times and days; and reading them into values with errors that say what to write.
 * @module
 */
import type { StepProgress } from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { parseTimestamp } from '../../../io/index.js'
import { type CliContext, CliError, textOf } from '../../context.js'
import { help } from '../../help.js'
import { humanFormat } from '../../human-format.js'
import { humanTime } from '../../time.js'
import { inputArgs } from '../score.js'
import type { LeadFiles } from './load-leads.js'

export const leadArgs = {
  // as `score` reads them, but a lead table (--data) may stand in for the contacts
  contacts: { ...inputArgs.contacts, required: false },
  events: inputArgs.events,
  accounts: inputArgs.accounts,
  outcome: {
    type: 'string',
    description: help('help.analyze.outcome'),
    valueHint: 'SPEC',
  },
  'outcome-time': {
    type: 'string',
    description: help('help.analyze.outcomeTime'),
    valueHint: 'COLUMN',
  },
  'id-column': inputArgs['id-column'],
  strict: inputArgs.strict,
} as const

export const modelArg = {
  model: {
    type: 'string',
    description: help('help.input.model'),
    required: true,
    valueHint: 'FILE',
  },
} as const

export const daysArg = {
  days: {
    type: 'string',
    description: help('help.analyze.days'),
    valueHint: 'N',
  },
} as const

/** The lead files named by the options. */
export function leadFiles(args: {
  data?: string | undefined
  label?: string | undefined
  positive?: string | undefined
  contacts?: string | undefined
  events?: string | undefined
  accounts?: string | undefined
  outcome?: string | undefined
  'outcome-time'?: string | undefined
  'id-column'?: string | undefined
  strict?: boolean | undefined
}): LeadFiles {
  return {
    data: args.data,
    label: args.label,
    positive: args.positive,
    contacts: args.contacts,
    events: args.events,
    accounts: args.accounts,
    outcome: args.outcome,
    outcomeTime: args['outcome-time'],
    idColumn: args['id-column'],
    strict: args.strict === true,
  }
}

/** A time option (ISO-8601 or epoch ms), or undefined when not given. */
export function timeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const t = parseTimestamp(value)
  if (t === undefined) {
    throw new CliError(
      { key: 'time.invalid', values: { name, value } },
      { hint: { key: 'asOf.invalid.hint' } },
    )
  }
  return t
}

/** A positive number option, or `fallback`. */
export function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value.replaceAll('_', ''))
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(
      { key: 'number.notPositive', values: { name, value } },
      { hint: { key: 'number.example', values: { name, value: String(fallback) } } },
    )
  return n
}

/** A number option that may be absent. */
export function optionalNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) throw new CliError({ key: 'number.invalid', values: { name, value } })
  return n
}

/** The default cut-off: the horizon before the end of the data, so every outcome is observed. */
export function defaultAsOf(ctx: CliContext, end: number, horizonDays: number): number {
  const t = end - horizonDays * DAY_MS
  ctx.stderr.write(
    `${textOf(ctx).t('asOf.default', { time: humanTime(ctx, t), days: horizonDays, end: humanTime(ctx, end) })}\n`,
  )
  return t
}

/**
 * A step counter on stderr when it is a terminal (`scoring week 3/52`), for runs that score many
 * times; `model` names the model when two are scored.
 */
export function stepProgress(
  ctx: CliContext,
  unit: 'week' | 'month',
  model?: string,
): StepProgress | undefined {
  if (ctx.stderr.isTTY !== true) return undefined
  const { t, count } = humanFormat(ctx)
  return (done, total) => {
    const step = t.t('progress.scoring', { unit, done: count(done), total: count(total) })
    ctx.stderr.write(`\r${model === undefined ? step : `${model}: ${step}`}${done === total ? '\n' : ''}`)
  }
}
