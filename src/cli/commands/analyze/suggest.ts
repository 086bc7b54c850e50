/**
 * `leadscore analyze suggest`: points fitted to the outcomes, as a draft model and a diff,
 * checked on held-out leads.
 * @module
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { dataEnd, suggestPoints } from '../../../analysis/index.js'
import { CliError, cliContext } from '../../context.js'
import { help } from '../../help.js'
import { loadModelFile, readInputText } from '../../model-file.js'
import { daysArg, defaultAsOf, leadArgs, leadFiles, modelArg, numberOption, timeOption } from './args.js'
import { loadLeads } from './load-leads.js'
import { count, day, fixed, outputArgs, outputFormat, pct, table, writeCsv, writeJson } from './output.js'

export const suggestCommand = defineCommand({
  meta: {
    name: 'suggest',
    description: help('help.analyze.suggest'),
  },
  args: {
    ...modelArg,
    ...leadArgs,
    'as-of': {
      type: 'string',
      description: help('help.analyze.suggestAsOf'),
      valueHint: 'TIME',
    },
    ...daysArg,
    out: {
      type: 'string',
      description: help('help.analyze.suggestOut'),
      valueHint: 'FILE',
    },
    holdout: { type: 'string', description: help('help.analyze.holdout') },
    candidates: { type: 'string', description: help('help.analyze.newSignals') },
    'min-leads': { type: 'string', description: help('help.analyze.minRuleLeads') },
    ...outputArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = outputFormat(args)
    const source = await readInputText(ctx, args.model, 'model file')
    const model = await loadModelFile(ctx, args.model)
    const leads = await loadLeads(ctx, leadFiles(args), [model])
    const horizonDays = numberOption('days', args.days, 90)
    const asOf = timeOption('as-of', args['as-of']) ?? defaultAsOf(ctx, dataEnd(leads.data), horizonDays)
    const holdout = numberOption('holdout', args.holdout, 0.3)
    if (holdout >= 1)
      throw new CliError(`--holdout ${args.holdout} must be below 1`, { hint: 'e.g. --holdout 0.3' })
    const s = suggestPoints(model, source, leads.data, {
      asOf,
      horizonDays,
      holdout,
      candidates: numberOption('candidates', args.candidates, 10),
      minLeads: numberOption('min-leads', args['min-leads'], 30),
      exclude: leads.exclude,
    })
    const out = args.out ?? args.model.replace(/(\.(ya?ml|json))?$/i, '.suggested$1')
    await writeFile(resolve(ctx.cwd, out), s.draft)
    if (format === 'json') return writeJson(ctx, { outcome: leads.outcome, draftFile: out, ...s })
    if (format === 'csv') {
      return writeCsv(
        ctx,
        ['rule', 'part', 'from', 'to', 'weight', 'leads'],
        [
          ...s.rules.map((r) => ({
            rule: r.rule,
            part: r.part,
            from: r.from,
            to: r.to,
            weight: r.weight,
            leads: r.leads,
          })),
          ...s.added.map((a) => ({
            rule: a.id,
            part: 'new',
            from: null,
            to: a.points,
            weight: a.weight,
            leads: a.leads,
          })),
        ],
      )
    }
    const h = s.holdout
    const verdict = h.atLeastAsGood
      ? `the suggestion ranks held-out leads at least as well: AUC ${fixed(h.suggested.auc, 3)} against ${fixed(h.current.auc, 3)}`
      : `warning: the suggestion is NOT as good on held-out leads: AUC ${fixed(h.suggested.auc, 3)} against ${fixed(h.current.auc, 3)} now; keep the current points`
    let text =
      `suggested points for ${s.model}: rules as of ${day(s.asOf)}, conversions (${leads.outcome}) within ${s.horizonDays} days\n` +
      `fitted on ${count(s.trainLeads)} leads (${count(s.trainConversions)} converted), ${fixed(s.scale, 1)} points per unit of log-odds\n\n` +
      `${s.diff}\n\n`
    text += table(
      ['rule', 'part', 'points now', 'suggested', 'log-odds', 'leads', ''],
      s.rules.map((r) => [
        r.label ? `${r.rule} (${r.label})` : r.rule,
        r.part,
        String(r.from),
        String(r.to),
        fixed(r.weight),
        count(r.leads),
        s.kept.includes(r.rule) ? 'kept: too few leads' : '',
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    )
    if (s.added.length > 0) {
      text += `\nnew signals (event names no rule uses)\n${table(
        ['rule', 'event', 'points', 'log-odds', 'leads'],
        s.added.map((a) => [a.id, a.event, String(a.points), fixed(a.weight), count(a.leads)]),
        ['left', 'left', 'right', 'right', 'right'],
      )}`
    }
    if (s.fitScaledBy !== null)
      text += `\nfit points scaled by ${fixed(s.fitScaledBy)} to keep fit at most half of the total\n`
    text += `\nheld out: ${count(h.leads)} leads, ${count(h.conversions)} converted (${pct(h.leads === 0 ? 0 : h.conversions / h.leads)})\n${verdict}\n`
    text += `top decile lift ${fixed(h.suggested.topDecileLift)} against ${fixed(h.current.topDecileLift)}\n`
    text += `draft written to ${out}: review it, then \`leadscore model validate ${out}\`\n`
    ctx.stdout.write(text)
  },
})
