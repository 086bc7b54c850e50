/**
 * How numbers are written to score files.
 * @module
 */

/**
 * The text of a number in a score file: rounded to 6 decimals, so it is exact to 1e-6 (well
 * within the promised 1e-4), with no float noise (`0.1 + 0.2` gives `0.3`) and no trailing
 * zeros (`12`, `3.5`, `0.333333`, `-2.25`). `-0` (and what rounds to it) gives `0`; numbers
 * of 1e21 or more keep JavaScript's exponent form. Non-finite numbers give `''`.
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value === 0 ? '0' : String(value)
  if (!Number.isFinite(value)) return ''
  const magnitude = Math.abs(value)
  if (magnitude < 1e9) {
    // Integer arithmetic (exact below 2^53), faster than toFixed.
    const scaled = Math.round(magnitude * 1e6)
    if (scaled === 0) return '0'
    const whole = Math.floor(scaled / 1e6)
    let fraction = scaled - whole * 1e6
    const sign = value < 0 ? '-' : ''
    if (fraction === 0) return `${sign}${whole}`
    let digits = 6
    while (fraction % 10 === 0) {
      fraction /= 10
      digits--
    }
    return `${sign}${whole}.${String(fraction).padStart(digits, '0')}`
  }
  if (magnitude >= 1e21) return String(value)
  const fixed = value.toFixed(6)
  let end = fixed.length
  while (fixed.charCodeAt(end - 1) === 48) end-- // trailing 0
  if (fixed.charCodeAt(end - 1) === 46) end-- // trailing .
  const text = end === fixed.length ? fixed : fixed.slice(0, end)
  return text === '-0' ? '0' : text
}

/** The number {@link formatNumber} writes, as a number (non-finite numbers unchanged). */
export function roundNumber(value: number): number {
  if (!Number.isFinite(value)) return value
  return Number(formatNumber(value))
}
