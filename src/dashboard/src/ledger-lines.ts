/**
 * The ledger as lines a person reads ("+20 senior title", "+10 pricing page (decayed from
 * 13.5, 3 days ago)", "−5 engagement capped at 60"), which add up to the total exactly:
 * every rule's points, then every cap's cut where it cut, inactivity, the predictive part.
 */
import { ago, points as fmtPoints, score } from './format.js'
import type { T } from './i18n.js'
import type { Ledger, PartLedger, RuleLedger } from './types.js'

export interface LedgerLine {
  readonly part: 'fit' | 'engagement' | 'predictive' | 'total'
  readonly points: number
  readonly label: string
  readonly detail: string
}

function ruleDetail(rule: RuleLedger, group: string, now: number, t: T): string {
  const bits: string[] = [group]
  if (rule.events.length > 0) {
    const undecayed = rule.events.reduce((s, e) => s + (e.decay > 0 ? e.points / e.decay : 0), 0)
    const latest = Math.max(...rule.events.map((e) => e.ts))
    const n = rule.events.length + (rule.compacted?.events ?? 0)
    bits.push(n === 1 ? ago(latest, now) : t.t('ledger.events', { count: n, latest: ago(latest, now) }))
    if (Math.abs(undecayed - rule.raw) >= 0.05 && rule.events.some((e) => e.decay < 1))
      bits.push(t.t('ledger.decayed', { points: score(undecayed) }))
  }
  if (rule.count) bits.push(t.t('ledger.counted', { count: rule.count.n, condition: rule.count.condition }))
  for (const cap of rule.caps)
    bits.push(
      cap.bound === 'min'
        ? t.t('ledger.atLeast', { limit: score(cap.limit) })
        : t.t('ledger.atMost', { limit: score(cap.limit) }),
    )
  return bits.join(' · ')
}

function capLines(
  part: LedgerLine['part'],
  what: string,
  caps: PartLedger['caps'],
  cut: number,
  t: T,
): LedgerLine[] {
  if (cut === 0) return []
  const cap = caps[caps.length - 1]
  return [
    {
      part,
      points: cut,
      label: cap?.bound === 'min' ? t.t('ledger.floor', { what }) : t.t('ledger.cap', { what }),
      detail: cap
        ? cap.bound === 'min'
          ? t.t('ledger.atLeast', { limit: score(cap.limit) })
          : t.t('ledger.atMost', { limit: score(cap.limit) })
        : '',
    },
  ]
}

function partLines(name: 'fit' | 'engagement', part: PartLedger, now: number, t: T): LedgerLine[] {
  const lines: LedgerLine[] = []
  for (const group of part.groups) {
    const groupName = group.label ?? group.id
    for (const rule of group.rules) {
      if (rule.points === 0) continue
      lines.push({
        part: name,
        points: rule.points,
        label: rule.label ?? rule.id,
        detail: ruleDetail(rule, groupName, now, t),
      })
    }
    lines.push(...capLines(name, groupName, group.caps, group.points - group.raw, t))
  }
  return lines
}

/** The lines of a ledger; their points add up to `ledger.total.points`. */
export function ledgerLines(ledger: Ledger, now: number, t: T): LedgerLine[] {
  const lines = partLines('fit', ledger.fit, now, t)
  lines.push(...capLines('fit', t.t('lead.fit'), ledger.fit.caps, ledger.fit.points - ledger.fit.raw, t))
  lines.push(...partLines('engagement', ledger.engagement, now, t))
  const inactivity = ledger.engagement.inactivity
  if (inactivity?.applied && inactivity.points !== 0)
    lines.push({
      part: 'engagement',
      points: inactivity.points,
      label: t.t('ledger.inactive', { days: inactivity.afterDays }),
      detail:
        inactivity.lastActivityAt === null
          ? t.t('ledger.neverActive')
          : t.t('ledger.lastActive', { ago: ago(inactivity.lastActivityAt, now) }),
    })
  lines.push(
    ...capLines(
      'engagement',
      t.t('lead.engagement'),
      ledger.engagement.caps,
      ledger.engagement.points - ledger.engagement.raw,
      t,
    ),
  )
  if (ledger.predictive.points !== 0)
    lines.push({
      part: 'predictive',
      points: ledger.predictive.points,
      label: t.t('ledger.predicted'),
      detail: t.t('ledger.predictedDetail', {
        likelihood: score(ledger.predictive.likelihood),
        weight: score(ledger.predictive.weight),
      }),
    })
  lines.push(
    ...capLines('total', t.t('ledger.total'), ledger.total.caps, ledger.total.points - ledger.total.raw, t),
  )
  return lines
}

/** `+20 senior title`. */
export function lineText(line: LedgerLine): string {
  return `${fmtPoints(line.points)} ${line.label}`
}
