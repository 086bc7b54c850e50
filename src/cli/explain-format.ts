/**
 * The ledger as a readable table: every point with the rule, the events and the caps
 * behind it, in the reader's language (English by default).
 * @module
 */
import type { CapApplied, GroupLedger, PartLedger, RuleLedger, ScoreResult } from '../core/result.js'
import { type CliKey, cliTranslator } from '../i18n/cli.js'
import type { Locale } from '../i18n/locale.js'
import type { Translator } from '../i18n/translator.js'

const DAY_MS = 86_400_000

/** Formats a number of points: `+20`, `-10`, `+9.55` (`+9,55` in Spanish and Dutch). */
export function points(n: number, signed = true, t?: Translator<CliKey>): string {
  const rounded = Math.round(n * 100) / 100
  const text =
    t === undefined || t.locale === 'en'
      ? Number.isInteger(rounded)
        ? String(rounded)
        : rounded.toFixed(2)
      : t.number(rounded, {
          minimumFractionDigits: Number.isInteger(rounded) ? 0 : 2,
          maximumFractionDigits: 2,
          useGrouping: false,
        })
  return signed && rounded > 0 ? `+${text}` : text
}

export interface ExplainOptions {
  /** Show rules that gave nothing too. */
  readonly all?: boolean
  /** Events listed per rule before "... and N more". */
  readonly events?: number
  /** The language of the text (default English). */
  readonly locale?: Locale
  /** Names of the model's bands, stages and journey entries in that language, by id (`labelsOf`). */
  readonly labels?: {
    readonly bands: Readonly<Record<string, string>>
    readonly stages: Readonly<Record<string, string>>
    readonly journey: Readonly<Record<string, string>>
    readonly segments: Readonly<Record<string, string>>
  }
}

interface Writer {
  readonly lines: string[]
  readonly t: Translator<CliKey>
  readonly asOf: number
  readonly options: ExplainOptions
}

function caps(w: Writer, list: readonly CapApplied[]): string {
  return list
    .map((c) =>
      w.t.t('explain.cap', {
        bound: c.bound,
        before: points(c.before, false, w.t),
        limit: points(c.limit, false, w.t),
      }),
    )
    .join('')
}

function age(w: Writer, ts: number): string {
  const days = (w.asOf - ts) / DAY_MS
  if (days < 1 / 24) return w.t.t('explain.age', { unit: 'now', n: 0 })
  if (days < 1) return w.t.t('explain.age', { unit: 'hours', n: Math.round(days * 24) })
  if (days < 2) return w.t.t('explain.age', { unit: 'days', n: 1 })
  return w.t.t('explain.age', { unit: 'days', n: Math.floor(days) })
}

function name(x: { id: string; label: string | undefined }): string {
  return x.label ? `${x.label} [${x.id}]` : x.id
}

/** A class value as people know it: its label in the language, with the id when they differ. */
export function classValue(value: string, labels: Readonly<Record<string, string>> | undefined): string {
  const label = labels?.[value]
  return label === undefined || label === value ? value : `${label} [${value}]`
}

/** The explanation of one result, as lines of text. */
export function formatExplanation(
  result: ScoreResult,
  modelId: string,
  options: ExplainOptions = {},
): string {
  const r = result
  const w: Writer = { lines: [], t: cliTranslator(options.locale ?? 'en'), asOf: r.asOf, options }
  const { lines, t } = w
  const asOf =
    t.locale === 'en'
      ? new Date(r.asOf).toISOString()
      : `${t.date(r.asOf, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' })} UTC`
  lines.push(
    t.t('explain.head', { contact: r.contactId, points: points(r.total, false, t), asOf, model: modelId }),
  )
  lines.push(
    t.t('explain.sum', {
      fit: points(r.fit, false, t),
      engagement: points(r.engagement, false, t),
      predictive:
        r.ledger.predictive.points !== 0
          ? t.t('explain.predictive', { points: points(r.ledger.predictive.points, false, t) })
          : '',
      caps: caps(w, r.ledger.total.caps),
    }),
  )
  const labels = options.labels
  const classes = [
    ['grade', r.grade],
    ['level', r.level],
    ['label', r.label],
    ['band', r.band === null ? null : classValue(r.band, labels?.bands)],
    ['stage', r.stage === null ? null : classValue(r.stage, labels?.stages)],
    ['journey', r.journey === null ? null : classValue(r.journey, labels?.journey)],
  ].filter(([, v]) => v !== null)
  lines.push(
    `  ${classes.map(([k, v]) => t.t('explain.class', { name: k ?? '', value: v ?? '' })).join(' · ')}`,
  )
  lines.push(
    t.t('explain.segments', {
      segments: r.segments.length
        ? r.segments.map((s) => classValue(s, labels?.segments)).join(', ')
        : 'none',
    }),
  )
  lines.push('')
  part(w, 'fit', r.ledger.fit)
  lines.push('')
  part(w, 'engagement', r.ledger.engagement)
  const inactivity = r.ledger.engagement.inactivity
  if (inactivity?.applied) {
    lines.push(
      t.t('explain.inactivity', {
        points: points(inactivity.points, true, t).padStart(8),
        days: inactivity.afterDays,
        last: inactivity.lastActivityAt === null ? 'never' : 'some',
        age: inactivity.lastActivityAt === null ? '' : age(w, inactivity.lastActivityAt),
      }),
    )
  }
  return `${lines.join('\n')}\n`
}

function part(w: Writer, title: 'fit' | 'engagement', ledger: PartLedger): void {
  w.lines.push(
    w.t.t('explain.part', {
      part: title,
      points: points(ledger.points, false, w.t),
      min: points(ledger.min, false, w.t),
      max: points(ledger.max, false, w.t),
      caps: caps(w, ledger.caps),
    }),
  )
  for (const g of ledger.groups) group(w, g)
}

function group(w: Writer, g: GroupLedger): void {
  const shown = g.rules.filter(
    (r) => w.options.all || r.points !== 0 || r.events.length > 0 || (r.count?.n ?? 0) > 0,
  )
  if (shown.length === 0 && g.points === 0 && !w.options.all) return
  w.lines.push(
    w.t.t('explain.group', {
      name: name(g),
      mode: g.mode,
      points: points(g.points, false, w.t),
      caps: caps(w, g.caps),
    }),
  )
  for (const r of shown) rule(w, r)
}

function rule(w: Writer, r: RuleLedger): void {
  const { t } = w
  const detail: string[] = []
  if (r.count)
    detail.push(
      t.t('explain.count', {
        n: r.count.n,
        holds: r.count.holds ? 'yes' : 'no',
        condition: r.count.condition,
      }),
    )
  else if (r.events.length > 0)
    detail.push(t.t('explain.events', { count: r.events.length, base: points(r.base, false, t) }))
  if (r.compacted)
    detail.push(
      t.t('explain.compacted', { events: r.compacted.events, points: points(r.compacted.points, true, t) }),
    )
  w.lines.push(
    `    ${points(r.points, true, t).padStart(8)}  ${name(r)}${detail.length ? `  (${detail.join('; ')})` : ''}${caps(w, r.caps)}`,
  )
  const max = w.options.events ?? 5
  const newestFirst = [...r.events].reverse()
  for (const e of newestFirst.slice(0, max)) {
    const decay =
      points(e.points) === points(r.base) ? '' : t.t('explain.decayed', { base: points(r.base, false, t) })
    w.lines.push(
      `              ${points(e.points, true, t).padStart(8)}  ${e.name} ${new Date(e.ts).toISOString().slice(0, 16).replace('T', ' ')}, ${age(w, e.ts)}${decay}  ${e.id}`,
    )
  }
  if (newestFirst.length > max) w.lines.push(t.t('explain.more', { n: newestFirst.length - max }))
}
