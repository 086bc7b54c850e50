/**
 * `leadscore explain`: why one contact scores what it does, from the ledger.
 * @module
 */
import { defineCommand } from 'citty'
import { evaluateContact } from '../../core/evaluate.js'
import type { ContactEvent } from '../../core/input.js'
import { labelsOf } from '../../core/labels.js'
import { BadRows } from '../bad-rows.js'
import { cliContext, localeOf } from '../context.js'
import { formatExplanation } from '../explain-format.js'
import { help } from '../help.js'
import { loadInputs } from '../load-inputs.js'
import { loadModelFile } from '../model-file.js'
import { asOfTime } from '../time.js'
import { inputArgs, inputFiles } from './score.js'

export const explainCommand = defineCommand({
  meta: { name: 'explain', description: help('help.explain') },
  args: {
    ...inputArgs,
    id: { type: 'string', description: help('help.explain.id'), required: true },
    json: { type: 'boolean', description: help('help.explain.json') },
    all: { type: 'boolean', description: help('help.explain.all') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const model = await loadModelFile(ctx, args.model)
    const asOf = asOfTime(args['as-of'])
    const badRows = new BadRows()
    const inputs = await loadInputs(ctx, model, { ...inputFiles(args), only: args.id }, badRows)
    const { events, contacts } = inputs
    const list: ContactEvent[] = []
    for (let i = events.offsets[0]!; i < events.offsets[1]!; i++) {
      const properties: Record<string, unknown> = {}
      for (const [key, column] of events.properties) {
        const code = column.codes[i]!
        if (code >= 0) properties[key] = column.values[code]
      }
      list.push({ id: events.ids![i]!, name: events.names[events.name[i]!]!, ts: events.ts[i]!, properties })
    }
    const result = evaluateContact(
      model,
      { id: contacts.ids[0]!, properties: contacts.properties[0]!, account: contacts.accounts?.[0] },
      list,
      asOf,
    )
    if (args.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    else {
      const locale = localeOf(ctx)
      ctx.stdout.write(
        formatExplanation(result, model.id, {
          all: args.all === true,
          locale,
          // band, stage, journey and segment names of the model in that language (English shows the ids)
          ...(locale === 'en' ? {} : { labels: labelsOf(model, locale) }),
        }),
      )
    }
    badRows.report(ctx)
  },
})
