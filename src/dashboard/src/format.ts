/** How numbers, times and names are shown. */

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })
const intFormat = new Intl.NumberFormat('en-US')

/** A score: one decimal at most; '' for null. */
export function score(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : numberFormat.format(Math.round(n * 10) / 10)
}

/** Points with their sign: `+20`, `-10`, `+2.5`. */
export function points(n: number): string {
  const r = Math.round(n * 10) / 10
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${numberFormat.format(Math.abs(r))}`
}

export function count(n: number): string {
  return intFormat.format(n)
}

export function percent(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : `${Math.round(n)}%`
}

/** "3 days ago", "just now", "in 2 hours". */
export function ago(t: number | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined) return ''
  const s = Math.round((now - t) / 1000)
  const abs = Math.abs(s)
  const [value, unit] =
    abs < 60
      ? [0, 'now']
      : abs < 3600
        ? [Math.round(abs / 60), 'minute']
        : abs < 86_400
          ? [Math.round(abs / 3600), 'hour']
          : abs < 86_400 * 60
            ? [Math.round(abs / 86_400), 'day']
            : [Math.round(abs / (86_400 * 30)), 'month']
  if (unit === 'now') return 'just now'
  const text = `${value} ${unit}${value === 1 ? '' : 's'}`
  return s >= 0 ? `${text} ago` : `in ${text}`
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' })

export function when(t: number | null | undefined): string {
  return t === null || t === undefined ? '' : dateTime.format(t)
}

export function day(t: number | null | undefined): string {
  return t === null || t === undefined ? '' : dateOnly.format(t)
}

/** An event as people say it: `page /pricing`, `Demo Requested`. */
export function eventName(name: string, properties: Record<string, unknown>): string {
  if (name === 'page' || name === 'screen') {
    const path = properties['path'] ?? properties['name'] ?? properties['url']
    return typeof path === 'string' ? `${name} ${path}` : name
  }
  return name
}
