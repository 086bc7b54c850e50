/**
 * `leadscore predict`: the likelihood to convert of each lead in a CSV, with a model from
 * `leadscore train`, optionally with the reasons.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { createScoreWriter, type ScoreRow } from '../../io/index.js'
import type { Reason } from '../../predict/explain.js'
import { type PredictiveModel, parsePredictiveModel } from '../../predict/model.js'
import { predictTable } from '../../predict/predict.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { outputFormat } from './score.js'
import { asCliError, readLeadTable } from './train.js'

/** Reads and validates a model file written by `leadscore train`. */
export async function loadPredictiveModel(ctx: CliContext, path: string): Promise<PredictiveModel> {
  let text: string
  try {
    text = await readFile(resolve(ctx.cwd, path), 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new CliError(
      code === 'ENOENT'
        ? { key: 'predict.noFile', values: { path } }
        : { key: 'predict.unreadable', values: { path, detail: String(error) } },
      { hint: { key: 'predict.noFile.hint' } },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new CliError(
      { key: 'predict.notJson', values: { path, detail: (error as Error).message } },
      { hint: { key: 'predict.notJson.hint' } },
    )
  }
  try {
    return parsePredictiveModel(json)
  } catch (error) {
    throw asCliError(error, `${path}: `)
  }
}

/** `Feature=value (+0.42)` items joined by `|`. */
function reasonText(reasons: readonly Reason[]): string {
  return reasons
    .map((r) => `${r.feature}=${r.value} (${r.contribution >= 0 ? '+' : ''}${r.contribution.toFixed(2)})`)
    .join('|')
}

export const predictCommand = defineCommand({
  meta: {
    name: 'predict',
    description: help('help.predict'),
  },
  args: {
    model: {
      type: 'string',
      description: help('help.predict.model'),
      required: true,
      valueHint: 'FILE',
    },
    data: {
      type: 'string',
      description: help('help.predict.data'),
      required: true,
      valueHint: 'FILE',
    },
    explain: {
      type: 'boolean',
      description: help('help.predict.reasons'),
    },
    out: {
      type: 'string',
      description: help('help.predict.out'),
      valueHint: 'FILE',
    },
    format: {
      type: 'enum',
      options: ['csv', 'json', 'ndjson'],
      description: help('help.score.format'),
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const started = performance.now()
    const model = await loadPredictiveModel(ctx, args.model)
    const read = await readLeadTable(ctx, resolve(ctx.cwd, args.data))
    const { table } = read
    const known = new Set(table.header)
    const absent = model.features.features.filter((f) => !known.has(f.name)).map((f) => f.name)
    if (absent.length === model.features.features.length)
      throw new CliError(
        { key: 'predict.noColumns', values: { file: args.data } },
        {
          hint: {
            key: 'predict.noColumns.hint',
            values: { columns: model.features.features.map((f) => f.name).join(', ') },
          },
        },
      )
    const t = textOf(ctx)
    if (absent.length > 0)
      ctx.stderr.write(
        `${t.t('predict.someColumns', { count: absent.length, file: args.data, columns: absent.join(', ') })}\n`,
      )
    let predictions: ReturnType<typeof predictTable>
    try {
      predictions = predictTable(model, table, args.explain === true)
    } catch (error) {
      throw asCliError(error)
    }
    const idColumn = model.idColumn !== null && known.has(model.idColumn) ? model.idColumn : undefined
    const ids = idColumn === undefined ? undefined : table.columns[table.header.indexOf(idColumn)]!
    const format = outputFormat(args.format, args.out)
    const columns = [idColumn ?? 'row', 'likelihood', ...(args.explain ? ['raised', 'lowered'] : [])]
    const writer = createScoreWriter(args.out ? resolve(ctx.cwd, args.out) : ctx.stdout, format, columns)
    const rows = function* (): Generator<ScoreRow> {
      for (let i = 0; i < table.rowCount; i++) {
        const row: Record<string, unknown> = {
          [idColumn ?? 'row']: ids ? ids[i] : i + 1,
          likelihood: Math.round(predictions.likelihood[i]! * 100) / 100,
        }
        const explanation = predictions.explanations?.[i]
        if (explanation) {
          row.raised = format === 'csv' ? reasonText(explanation.raised) : explanation.raised
          row.lowered = format === 'csv' ? reasonText(explanation.lowered) : explanation.lowered
        }
        yield row
      }
    }
    await writer.writeAll(rows())
    await writer.end()
    ctx.stderr.write(
      `${t.t('predict.done', {
        count: table.rowCount,
        learner: model.learner.kind,
        seconds: t.number((performance.now() - started) / 1000, {
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
        }),
        out: args.out ? ` → ${args.out}` : '',
      })}\n`,
    )
  },
})
