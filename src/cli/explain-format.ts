/**
 * The ledger as a readable table: every point with the rule, the events and the caps
 * behind it.
 * @module
 */
import type { CapApplied, GroupLedger, PartLedger, RuleLedger, ScoreResult } from '../core/result.js'

const DAY_MS = 86_400_000

/** Formats a number of points: `+20`, `-10`, `+9.55`. */
export function points(n: number, signed = true): string {
  const rounded = Math.round(n * 100) / 100
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2)
  return signed && rounded > 0 ? `+${text}` : text
}

function caps(list: readonly CapApplied[]): string {
  return list
    .map(
      (c) =>
        `  (${c.bound === 'max' ? 'capped' : 'floored'} from ${points(c.before, false)} at ${c.bound} ${points(c.limit, false)})`,
    )
    .join('')
}

function age(asOf: number, ts: number): string {
  const days = (asOf - ts) / DAY_MS
  if (days < 1 / 24) return 'just now'
  if (days < 1) return `${Math.round(days * 24)} h ago`
  if (days < 2) return '1 day ago'
  return `${Math.floor(days)} days ago`
}

function name(x: { id: string; label: string | undefined }): string {
  return x.label ? `${x.label} [${x.id}]` : x.id
}

export interface ExplainOptions {
  /** Show rules that gave nothing too. */
  readonly all?: boolean
  /** Events listed per rule before "... and N more". */
  readonly events?: number
}

/** The explanation of one result, as lines of text. */
export function formatExplanation(
  result: ScoreResult,
  modelId: string,
  options: ExplainOptions = {},
): string {
  const lines: string[] = []
  const r = result
  const asOf = new Date(r.asOf).toISOString()
  lines.push(`${r.contactId}: ${points(r.total, false)} points as of ${asOf} (model ${modelId})`)
  lines.push(
    `  = fit ${points(r.fit, false)} + engagement ${points(r.engagement, false)}` +
      (r.ledger.predictive.points !== 0 ? ` + predictive ${points(r.ledger.predictive.points, false)}` : '') +
      caps(r.ledger.total.caps),
  )
  const classes = [
    ['grade', r.grade],
    ['level', r.level],
    ['label', r.label],
    ['band', r.band],
    ['stage', r.stage],
    ['journey', r.journey],
  ].filter(([, v]) => v !== null)
  lines.push(`  ${classes.map(([k, v]) => `${k} ${v}`).join(' · ')}`)
  lines.push(`  segments: ${r.segments.length ? r.segments.join(', ') : '(none)'}`)
  lines.push('')
  part(lines, 'FIT', r.ledger.fit, r.asOf, options)
  lines.push('')
  part(lines, 'ENGAGEMENT', r.ledger.engagement, r.asOf, options)
  const inactivity = r.ledger.engagement.inactivity
  if (inactivity?.applied) {
    const last =
      inactivity.lastActivityAt === null
        ? 'no activity ever'
        : `last activity ${age(r.asOf, inactivity.lastActivityAt)}`
    lines.push(
      `    ${points(inactivity.points).padStart(8)}  inactivity: nothing for ${inactivity.afterDays} days (${last})`,
    )
  }
  return `${lines.join('\n')}\n`
}

function part(
  lines: string[],
  title: string,
  ledger: PartLedger,
  asOf: number,
  options: ExplainOptions,
): void {
  lines.push(
    `${title} ${points(ledger.points, false)} (range ${ledger.min} to ${ledger.max})${caps(ledger.caps)}`,
  )
  for (const g of ledger.groups) group(lines, g, asOf, options)
}

function group(lines: string[], g: GroupLedger, asOf: number, options: ExplainOptions): void {
  const shown = g.rules.filter(
    (r) => options.all || r.points !== 0 || r.events.length > 0 || (r.count?.n ?? 0) > 0,
  )
  if (shown.length === 0 && g.points === 0 && !options.all) return
  lines.push(
    `  ${name(g)}${g.mode === 'first' ? ' (first match)' : ''}: ${points(g.points, false)}${caps(g.caps)}`,
  )
  for (const r of shown) rule(lines, r, asOf, options)
}

function rule(lines: string[], r: RuleLedger, asOf: number, options: ExplainOptions): void {
  const detail: string[] = []
  if (r.count)
    detail.push(`count ${r.count.n} ${r.count.holds ? 'meets' : 'does not meet'} ${r.count.condition}`)
  else if (r.events.length > 0)
    detail.push(`${r.events.length} event${r.events.length === 1 ? '' : 's'} × ${points(r.base, false)}`)
  if (r.compacted) detail.push(`${r.compacted.events} older events: ${points(r.compacted.points)}`)
  lines.push(
    `    ${points(r.points).padStart(8)}  ${name(r)}${detail.length ? `  (${detail.join('; ')})` : ''}${caps(r.caps)}`,
  )
  const max = options.events ?? 5
  const newestFirst = [...r.events].reverse()
  for (const e of newestFirst.slice(0, max)) {
    const decay = points(e.points) === points(r.base) ? '' : ` (decayed from ${points(r.base, false)})`
    lines.push(
      `              ${points(e.points).padStart(8)}  ${e.name} ${new Date(e.ts).toISOString().slice(0, 16).replace('T', ' ')}, ${age(asOf, e.ts)}${decay}  ${e.id}`,
    )
  }
  if (newestFirst.length > max) lines.push(`              ... and ${newestFirst.length - max} older events`)
}
