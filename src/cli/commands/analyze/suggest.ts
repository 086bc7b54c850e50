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
import { humanFormat } from '../../human-format.js'
import { loadModelFile, readInputText } from '../../model-file.js'
import { daysArg, defaultAsOf, leadArgs, leadFiles, modelArg, numberOption, timeOption } from './args.js'
import { loadLeads, outcomeText } from './load-leads.js'
import { outputArgs, outputFormat, table, writeCsv, writeJson } from './output.js'

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
      throw new CliError(
        { key: 'suggest.holdout', values: { value: String(args.holdout) } },
        { hint: { key: 'number.example', values: { name: 'holdout', value: '0.3' } } },
      )
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
    const f = humanFormat(ctx)
    const { t } = f
    const h = s.holdout
    const auc = { suggested: f.fixed(h.suggested.auc, 3), current: f.fixed(h.current.auc, 3) }
    const verdict = h.atLeastAsGood ? t.t('suggest.asGood', auc) : t.t('suggest.worse', auc)
    const changes = [
      ...s.rules.filter((r) => r.from !== r.to).map((r) => `${r.rule}: ${r.from} → ${r.to}`),
      ...s.added.map((a) => t.t('suggest.diffNew', { event: a.event, points: a.points })),
    ]
    let text =
      `${t.t('suggest.head', { model: s.model, asOf: f.day(s.asOf), outcome: outcomeText(ctx, leads), days: s.horizonDays })}\n` +
      `${t.t('suggest.fitted', {
        leads: s.trainLeads,
        conversions: s.trainConversions,
        scale: f.fixed(s.scale, 1),
      })}\n\n` +
      `${changes.length === 0 ? t.t('suggest.noChange') : changes.join('; ')}\n\n`
    text += table(
      [
        t.t('col.rule'),
        t.t('col.part'),
        t.t('col.pointsNow'),
        t.t('col.suggested'),
        t.t('col.logOdds'),
        t.t('col.leads'),
        '',
      ],
      s.rules.map((r) => [
        r.label ? `${r.rule} (${r.label})` : r.rule,
        t.t('suggest.part', { part: r.part }),
        String(r.from),
        String(r.to),
        f.fixed(r.weight),
        f.count(r.leads),
        s.kept.includes(r.rule) ? t.t('suggest.kept') : '',
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    )
    if (s.added.length > 0) {
      text += `\n${t.t('suggest.newSignals')}\n${table(
        [t.t('col.rule'), t.t('col.event'), t.t('col.points'), t.t('col.logOdds'), t.t('col.leads')],
        s.added.map((a) => [a.id, a.event, String(a.points), f.fixed(a.weight), f.count(a.leads)]),
        ['left', 'left', 'right', 'right', 'right'],
      )}`
    }
    if (s.fitScaledBy !== null) text += `\n${t.t('suggest.scaled', { by: f.fixed(s.fitScaledBy) })}\n`
    text += `\n${t.t('suggest.heldOut', {
      leads: h.leads,
      conversions: h.conversions,
      rate: f.pct(h.leads === 0 ? 0 : h.conversions / h.leads),
    })}\n${verdict}\n`
    text += `${t.t('suggest.lift', { suggested: f.fixed(h.suggested.topDecileLift), current: f.fixed(h.current.topDecileLift) })}\n`
    text += `${t.t('suggest.written', { out })}\n`
    ctx.stdout.write(text)
  },
})
