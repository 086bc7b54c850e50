/**
 * How a CSV cell becomes a property value.
 * @module
 */

/**
 * The property value of a non-empty CSV cell: a number when the text is the canonical
 * spelling of that number (`String(Number(text)) === text`: `12`, `-3.5`, `0`, `1e+21`),
 * otherwise the text itself. So `007`, `1.50`, `+1`, `.5`, `1e3`, `-0`, `0x10`, ` 12`,
 * `NaN`, `Infinity` and `-Infinity` stay strings, and a number written back is spelled as
 * it was read. (`NA`, `null`, `true` stay strings too. An empty cell is an absent property;
 * callers drop it before calling this.)
 */
export function cellValue(text: string): string | number {
  return cellValueAt(text, 0, text.length)
}

/** {@link cellValue} of `text.slice(start, end)`, without slicing when the cell is a plain number. */
export function cellValueAt(text: string, start: number, end: number): string | number {
  const first = text.charCodeAt(start)
  if (first > 57 || (first < 48 && first !== 45)) return text.slice(start, end)
  const fast = plainDecimal(text, start, end)
  if (fast > UNKNOWN) return fast // neither NaN nor -Infinity: a canonical number
  const cell = text.slice(start, end)
  if (Number.isNaN(fast)) return cell // NOT_CANONICAL
  const n = Number(cell)
  return String(n) === cell && Number.isFinite(n) ? n : cell
}

const NOT_CANONICAL = Number.NaN
const UNKNOWN = Number.NEGATIVE_INFINITY
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)

/**
 * Reads a short plain decimal (`-12`, `3.25`) without allocating. Returns its value when it
 * is canonical, NOT_CANONICAL (NaN) when it is not (`007`, `1.50`, `1.`, `-0`, `.5`), and
 * -Infinity when it cannot tell cheaply (exponents, more than 15 significant digits, tiny
 * numbers spelled with an exponent, anything else).
 *
 * Why the value is exact: with at most 15 significant digits the digits form an integer
 * below 2^53, and 10^k (k <= 22) is exact, so one correctly rounded division gives the
 * double nearest the decimal: what `Number(text)` gives. And such a decimal is the
 * shortest spelling of that double, so only the spelling needs checking for canonical.
 */
function plainDecimal(s: string, start: number, end: number): number {
  let i = start
  const negative = s.charCodeAt(i) === 45
  if (negative) i++
  const intStart = i
  let mantissa = 0
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) break
    mantissa = mantissa * 10 + d
  }
  const intDigits = i - intStart
  if (intDigits === 0) return i < end && s.charCodeAt(i) === 46 ? NOT_CANONICAL : UNKNOWN // `-.5` vs `-x`
  const leadingZero = s.charCodeAt(intStart) === 48
  if (intDigits > 1 && leadingZero) return NOT_CANONICAL
  if (i === end) {
    if (intDigits > 15) return UNKNOWN
    if (negative && mantissa === 0) return NOT_CANONICAL // `-0`
    return negative ? -mantissa : mantissa
  }
  if (s.charCodeAt(i) !== 46) return UNKNOWN // an exponent, or not a number
  i++
  const fracStart = i
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return UNKNOWN
    mantissa = mantissa * 10 + d
  }
  const fracDigits = end - fracStart
  if (fracDigits === 0 || s.charCodeAt(end - 1) === 48) return NOT_CANONICAL // `1.`, `1.50`, `0.0`
  let significant = intDigits + fracDigits
  if (leadingZero) {
    // 0.000000x is spelled with an exponent.
    let zeros = 0
    while (s.charCodeAt(fracStart + zeros) === 48) zeros++
    if (zeros >= 6) return UNKNOWN
    significant = fracDigits - zeros
  }
  if (significant > 15) return UNKNOWN
  const value = mantissa / POW10[fracDigits]!
  return negative ? -value : value
}
