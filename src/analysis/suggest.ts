/**
 * Suggested points: a regularised logistic model on the rules' indicators (did the rule
 * give points as of the cut-off?) and on candidate new signals (event names no rule uses),
 * its weights turned into points on the model's own scale, fit kept at most half of the
 * total. The result is a draft model (the source edited in place, comments kept), a
 * readable diff, and a backtest of both models on held-out leads.
 * @module
 */
import { isMap, isSeq, parseDocument } from 'yaml'
import { type CompiledModel, compileModel } from '../core/compile.js'
import { idHash } from '../core/id-hash.js'
import { compareIssues, formatIssue, loadModel } from '../core/model/index.js'
import type { Condition, ModelDocument } from '../core/model/types.js'
import { normalizeText } from '../core/values.js'
import { rocAuc, topDecileLift } from '../predict/metrics.js'
import { fitIndicators } from './indicator-fit.js'
import { cohortAt, type LeadData } from './leads.js'
import { indicatedRules, ruleIndicators } from './rule-indicators.js'
import { scoreRows } from './snapshots.js'

export interface SuggestOptions {
  /** The cut-off: indicators as of it, conversions within `horizonDays` after it. */
  readonly asOf: number
  readonly horizonDays?: number | undefined
  /** Share of leads held out for the backtest (default 0.3), chosen by a hash of the id. */
  readonly holdout?: number | undefined
  /** L2 penalty (default 1). */
  readonly l2?: number | undefined
  /** Candidate new signals tried at most (default 10). */
  readonly candidates?: number | undefined
  /** A rule or candidate seen on fewer leads keeps its points / is not proposed (default 30). */
  readonly minLeads?: number | undefined
  /** Event names never proposed (the outcome). */
  readonly exclude?: readonly string[] | undefined
}

export interface PointChange {
  readonly rule: string
  readonly label: string | null
  readonly part: 'fit' | 'engagement'
  readonly from: number
  readonly to: number
  /** The fitted log-odds weight. */
  readonly weight: number
  /** Leads (in training) on which the rule gave points. */
  readonly leads: number
}

export interface NewRule {
  readonly id: string
  readonly event: string
  readonly points: number
  readonly weight: number
  readonly leads: number
}

export interface HoldoutResult {
  readonly auc: number
  readonly topDecileLift: number
}

export interface Suggestion {
  readonly model: string
  readonly asOf: number
  readonly horizonDays: number
  readonly trainLeads: number
  readonly trainConversions: number
  /** Points per unit of log-odds: the model's own scale. */
  readonly scale: number
  /** Every rule: its points now and suggested (equal when unchanged or kept). */
  readonly rules: readonly PointChange[]
  /** Rules kept as they are: seen on too few leads to judge. */
  readonly kept: readonly string[]
  readonly added: readonly NewRule[]
  /** When fit points were scaled down to keep fit at most half of the total: the factor. */
  readonly fitScaledBy: number | null
  /** `email-open: 2 → 1; pricing-page: 10 → 18; new: Webinar Attended 12`. */
  readonly diff: string
  /** The draft model's source. */
  readonly draft: string
  readonly holdout: {
    readonly leads: number
    readonly conversions: number
    readonly current: HoldoutResult
    readonly suggested: HoldoutResult
    /** The suggestion ranks held-out leads at least as well (AUC) as the current model. */
    readonly atLeastAsGood: boolean
  }
}

interface Indicator {
  readonly kind: 'rule' | 'event'
  readonly key: string
  readonly part: 'fit' | 'engagement' | 'new'
  readonly label: string | null
  readonly points: number
  /** Document path of a rule: part, group index, rule index. */
  readonly path?: readonly [string, number, number]
}

/** Suggests points for `model` (whose source text is `source`) from `data`. */
export function suggestPoints(
  model: CompiledModel,
  source: string,
  data: LeadData,
  options: SuggestOptions,
): Suggestion {
  const horizonDays = options.horizonDays ?? 90
  const minLeads = options.minLeads ?? 30
  const holdoutShare = options.holdout ?? 0.3
  const cohort = cohortAt(data.outcomes, options.asOf, horizonDays)
  const n = data.contacts.length
  const test = new Uint8Array(n)
  for (let c = 0; c < n; c++) test[c] = (idHash(data.contacts.ids[c]!) % 1000) / 1000 < holdoutShare ? 1 : 0

  const indicators: Indicator[] = indicatedRules(model).map((r) => ({
    kind: 'rule',
    key: r.id,
    part: r.part,
    label: r.label,
    points: r.points,
    path: r.path,
  }))
  const ruleCount = indicators.length
  for (const name of candidateEvents(model.document, data, cohort.eligible, test, options, minLeads)) {
    indicators.push({ kind: 'event', key: name, part: 'new', label: null, points: 0 })
  }

  const rowsOf = (held: number) => {
    const out: number[] = []
    for (let c = 0; c < n; c++) if (cohort.eligible[c] === 1 && test[c] === held) out.push(c)
    return Int32Array.from(out)
  }
  const train = rowsOf(0)
  const { fired } = ruleIndicators(model, data, train, () => options.asOf + 1, options.asOf)
  const eventIndex = new Map(
    indicators.slice(ruleCount).map((ind, k) => [normalizeText(ind.key, false), ruleCount + k]),
  )
  const nameToIndicator = data.events.names.map((name) => eventIndex.get(normalizeText(name, false)) ?? -1)
  const p = indicators.length
  const rows: Uint8Array[] = []
  const labels: number[] = []
  const counts = new Int32Array(p)
  for (let r = 0; r < train.length; r++) {
    const c = train[r]!
    const row = new Uint8Array(p)
    row.set(fired.subarray(r * ruleCount, (r + 1) * ruleCount))
    if (c < data.events.contacts) {
      for (let i = data.events.offsets[c]!, end = data.events.offsets[c + 1]!; i < end; i++) {
        if (data.events.ts[i]! > options.asOf) break
        const j = nameToIndicator[data.events.name[i]!]!
        if (j >= 0) row[j] = 1
      }
    }
    for (let j = 0; j < p; j++) counts[j]! += row[j]!
    rows.push(row)
    labels.push(cohort.positive[c]!)
  }
  const fit = fitIndicators(rows, labels, p, { l2: options.l2 })
  const scale = pointScale(indicators.slice(0, ruleCount), fit.weights, (j) => counts[j]! >= minLeads)

  const suggested = indicators.map((ind, j) =>
    ind.kind === 'rule' && counts[j]! < minLeads ? ind.points : Math.round(scale * fit.weights[j]!) || 0,
  )
  const fitScaledBy = keepFitHalf(model, indicators, suggested)

  const rules: PointChange[] = []
  const kept: string[] = []
  const added: NewRule[] = []
  const usedIds = new Set(indicators.slice(0, ruleCount).map((i) => i.key))
  indicators.forEach((ind, j) => {
    if (ind.kind === 'rule') {
      if (counts[j]! < minLeads) kept.push(ind.key)
      rules.push({
        rule: ind.key,
        label: ind.label,
        part: ind.part as 'fit' | 'engagement',
        from: ind.points,
        to: suggested[j]!,
        weight: fit.weights[j]!,
        leads: counts[j]!,
      })
    } else if (suggested[j] !== 0) {
      added.push({
        id: uniqueId(slug(ind.key), usedIds),
        event: ind.key,
        points: suggested[j]!,
        weight: fit.weights[j]!,
        leads: counts[j]!,
      })
    }
  })

  const draft = draftSource(source, model, indicators, suggested, added)
  const loaded = loadModel(draft)
  if (!loaded.ok) {
    const problems = [...loaded.errors].sort(compareIssues).map((e) => formatIssue(e, 'draft'))
    throw new Error(`the suggested model does not validate:\n${problems.join('\n')}`)
  }
  const draftModel = compileModel(loaded.model)
  const holdout = holdoutBacktest(model, draftModel, data, options.asOf, cohort, rowsOf(1))
  return {
    model: model.id,
    asOf: options.asOf,
    horizonDays,
    trainLeads: rows.length,
    trainConversions: labels.reduce((s, x) => s + x, 0),
    scale,
    rules,
    kept,
    added,
    fitScaledBy,
    diff: diffText(rules, added),
    draft,
    holdout,
  }
}

/**
 * Points per unit of log-odds: the rules' absolute points now over their absolute weights,
 * so the suggestion spends the same budget of points as the model (its own scale).
 */
function pointScale(
  rules: readonly Indicator[],
  weights: Float64Array,
  judged: (j: number) => boolean,
): number {
  let points = 0
  let weight = 0
  rules.forEach((r, j) => {
    if (!judged(j)) return
    points += Math.abs(r.points)
    weight += Math.abs(weights[j]!)
  })
  return weight > 0 && points > 0 ? points / weight : 10
}

/**
 * Scales the suggested fit points down when the most fit a lead could get would exceed
 * half of the total. Returns the factor, or null when nothing was scaled.
 */
function keepFitHalf(
  model: CompiledModel,
  indicators: readonly Indicator[],
  suggested: number[],
): number | null {
  const totalMax = model.totalMax
  const reach = () => {
    let sum = 0
    model.fit.groups.forEach((g, gi) => {
      const points = indicators.flatMap((ind, j) =>
        ind.path?.[0] === 'fit' && ind.path[1] === gi ? [suggested[j]!] : [],
      )
      const positive = points.filter((x) => x > 0)
      let v = g.mode === 'first' ? Math.max(0, ...positive) : positive.reduce((s, x) => s + x, 0)
      if (g.max !== undefined) v = Math.min(v, g.max)
      sum += v
    })
    return Math.min(sum, model.fit.max)
  }
  const r = reach()
  if (r <= totalMax / 2) return null
  const factor = totalMax / 2 / r
  indicators.forEach((ind, j) => {
    if (ind.part === 'fit') suggested[j] = Math.trunc(suggested[j]! * factor) || 0
  })
  return factor
}

/** Event names no engagement rule names, seen on enough training leads, most common first. */
function candidateEvents(
  doc: ModelDocument,
  data: LeadData,
  eligible: Uint8Array,
  test: Uint8Array,
  options: SuggestOptions,
  minLeads: number,
): string[] {
  const used = ruleEventNames(doc)
  if (used.has('any')) return []
  const excluded = new Set((options.exclude ?? []).map((x) => normalizeText(x, false)))
  const { events } = data
  const seen = new Int32Array(events.names.length).fill(-1)
  const leads = new Int32Array(events.names.length)
  const limit = Math.min(data.contacts.length, events.contacts)
  for (let c = 0; c < limit; c++) {
    if (eligible[c] !== 1 || test[c] === 1) continue
    for (let i = events.offsets[c]!, end = events.offsets[c + 1]!; i < end; i++) {
      if (events.ts[i]! > options.asOf) break
      const k = events.name[i]!
      if (seen[k] === c) continue
      seen[k] = c
      leads[k]!++
    }
  }
  return events.names
    .map((name, k) => ({ name, leads: leads[k]! }))
    .filter(
      (e) =>
        e.leads >= minLeads &&
        !used.has(normalizeText(e.name, false)) &&
        !excluded.has(normalizeText(e.name, false)),
    )
    .sort((a, b) => b.leads - a.leads || (a.name < b.name ? -1 : 1))
    .slice(0, options.candidates ?? 10)
    .map((e) => e.name)
}

/** The event names (lower case) that the model's engagement rules select. */
export function ruleEventNames(doc: ModelDocument): Set<string> {
  const names = new Set<string>()
  const visit = (cond: Condition | undefined): void => {
    if (cond === undefined) return
    const e = cond.event
    for (const name of e === undefined ? [] : typeof e === 'string' ? [e] : e)
      names.add(normalizeText(name, false))
    for (const c of cond.all ?? []) visit(c)
    for (const c of cond.any ?? []) visit(c)
    visit(cond.not)
  }
  for (const g of doc.engagement?.groups ?? []) for (const r of g.rules) visit(r.when)
  return names
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return s === '' ? 'event' : s
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`
  used.add(id)
  return id
}

/** The source with the suggested points written in, and a group for the new rules. */
function draftSource(
  source: string,
  model: CompiledModel,
  indicators: readonly Indicator[],
  suggested: readonly number[],
  added: readonly NewRule[],
): string {
  const yaml = parseDocument(source)
  indicators.forEach((ind, j) => {
    if (ind.path === undefined || suggested[j] === ind.points) return
    const [part, g, r] = ind.path
    yaml.setIn([part, 'groups', g, 'rules', r, 'points'], suggested[j])
  })
  if (added.length > 0) {
    const groupIds = new Set([...model.fit.groups, ...model.engagement.groups].map((g) => g.id))
    const group = yaml.createNode({
      id: uniqueId('suggested', groupIds),
      label: 'Suggested signals',
      rules: added.map((a) => ({ id: a.id, label: a.event, when: { event: a.event }, points: a.points })),
    })
    // each new rule's condition on one line, as hand-written rules are
    const rules = group.get('rules', true)
    if (isSeq(rules))
      for (const rule of rules.items)
        if (isMap(rule)) (rule.get('when', true) as { flow?: boolean }).flow = true
    group.commentBefore =
      ' New signals suggested by `leadscore analyze suggest`: check them before publishing.'
    const groups = yaml.getIn(['engagement', 'groups'])
    if (isSeq(groups)) groups.add(group)
    else if (isMap(yaml.get('engagement'))) yaml.setIn(['engagement', 'groups'], yaml.createNode([group]))
  }
  return String(yaml)
}

function diffText(rules: readonly PointChange[], added: readonly NewRule[]): string {
  const parts = rules.filter((r) => r.from !== r.to).map((r) => `${r.rule}: ${r.from} → ${r.to}`)
  for (const a of added) parts.push(`new: ${a.event} ${a.points}`)
  return parts.length === 0 ? 'no change' : parts.join('; ')
}

function holdoutBacktest(
  current: CompiledModel,
  suggested: CompiledModel,
  data: LeadData,
  asOf: number,
  cohort: { positive: Uint8Array },
  rows: Int32Array,
): Suggestion['holdout'] {
  const a = scoreRows(current, data, asOf, { rows }).scores.total
  const b = scoreRows(suggested, data, asOf, { rows }).scores.total
  const ta = Array.from(a)
  const tb = Array.from(b)
  const y = Array.from(rows, (c) => cohort.positive[c]!)
  const result = (t: number[]): HoldoutResult =>
    y.length === 0
      ? { auc: Number.NaN, topDecileLift: Number.NaN }
      : { auc: rocAuc(t, y), topDecileLift: topDecileLift(t, y) }
  const cur = result(ta)
  const sug = result(tb)
  return {
    leads: y.length,
    conversions: y.reduce((s, x) => s + x, 0),
    current: cur,
    suggested: sug,
    atLeastAsGood: !(sug.auc < cur.auc),
  }
}
