/**
 * Reads an event time: epoch milliseconds or an ISO-8601 date-time.
 * @module
 */

const ZERO = 48
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
/** The range of a JavaScript Date: ±100,000,000 days around 1970. */
const MAX_MS = 8.64e15

/**
 * Parses an event time to epoch milliseconds (UTC), or returns `undefined` when it is not one.
 *
 * Accepted:
 * - a finite number, or a string of digits (optionally signed, with a fraction): epoch
 *   **milliseconds**. (Epoch seconds are not detected: `1709294400` is read as 20 January 1970.)
 * - ISO-8601: `YYYY-MM-DD`, optionally followed by `T` (or a space) and `hh:mm`, `hh:mm:ss` or
 *   `hh:mm:ss.fraction`, optionally followed by `Z` or an offset `±hh:mm`, `±hhmm`, `±hh`.
 *   A time without an offset, and a bare date, are UTC (never the machine's time zone, so
 *   a file scores the same everywhere). Fractions beyond milliseconds are truncated.
 *
 * Everything else (`03/01/2024`, `March 1`, `2024-02-30`, `25:00`, `1.7e12`) is rejected.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && Math.abs(value) <= MAX_MS ? value : undefined
  if (typeof value !== 'string') return undefined
  return parseTimestampAt(value, 0, value.length)
}

/** {@link parseTimestamp} of `text.slice(start, end)`, without slicing. */
export function parseTimestampAt(text: string, start: number, end: number): number | undefined {
  if (end - start >= 10 && text.charCodeAt(start + 4) === 45 && text.charCodeAt(start + 7) === 45) {
    return parseIso(text, start, end)
  }
  return parseEpoch(text, start, end)
}

function parseEpoch(s: string, start: number, end: number): number | undefined {
  let i = start
  const negative = s.charCodeAt(i) === 45
  if (negative) i++
  const digitsStart = i
  let value = 0
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - ZERO
    if (d < 0 || d > 9) break
    value = value * 10 + d
  }
  if (i === digitsStart) return undefined
  if (i === end && end - digitsStart <= 15) return negative ? -value : value
  const text = s.slice(start, end)
  if (!/^-?\d+(?:\.\d+)?$/.test(text)) return undefined
  const ms = Number(text)
  return Math.abs(ms) <= MAX_MS ? ms : undefined
}

/** The two digits at i (before end) as a number, or -1. */
function two(s: string, i: number, end: number): number {
  if (i + 1 >= end) return -1
  const a = s.charCodeAt(i) - ZERO
  const b = s.charCodeAt(i + 1) - ZERO
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

function parseIso(s: string, start: number, end: number): number | undefined {
  const y1 = two(s, start, end)
  const y2 = two(s, start + 2, end)
  const month = two(s, start + 5, end)
  const day = two(s, start + 8, end)
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return undefined
  const year = y1 * 100 + y2
  if (year !== cachedYear) cacheYear(year)
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !cachedLeap)) return undefined
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let offset = 0
  let i = start + 10
  if (i < end) {
    const sep = s.charCodeAt(i)
    if (sep !== 84 && sep !== 116 && sep !== 32) return undefined // T, t, space
    hour = two(s, i + 1, end)
    if (hour < 0 || hour > 23 || i + 3 >= end || s.charCodeAt(i + 3) !== 58) return undefined
    minute = two(s, i + 4, end)
    if (minute < 0 || minute > 59) return undefined
    i += 6
    if (i < end && s.charCodeAt(i) === 58) {
      second = two(s, i + 1, end)
      if (second < 0 || second > 59) return undefined
      i += 3
      if (i < end && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        i++
        const fractionStart = i
        let scale = 100
        for (; i < end; i++) {
          const d = s.charCodeAt(i) - ZERO
          if (d < 0 || d > 9) break
          if (scale >= 1) ms += d * scale
          scale /= 10
        }
        if (i === fractionStart) return undefined
      }
    }
    if (i < end) {
      const z = s.charCodeAt(i)
      if (z === 90 || z === 122) {
        i++ // Z, z
      } else if (z === 43 || z === 45) {
        const offsetHours = two(s, i + 1, end)
        if (offsetHours < 0 || offsetHours > 23) return undefined
        let offsetMinutes = 0
        i += 3
        if (i < end) {
          if (s.charCodeAt(i) === 58) i++
          offsetMinutes = two(s, i, end)
          if (offsetMinutes < 0 || offsetMinutes > 59) return undefined
          i += 2
        }
        offset = (z === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
      } else {
        return undefined
      }
    }
    if (i !== end) return undefined
  }
  const days = cachedYearDays + DAYS_BEFORE_MONTH[month - 1]! + (month > 2 && cachedLeap ? 1 : 0) + day - 1
  return (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + ms - offset
}

// Most files span few years: the day count of January 1st is computed once per year change.
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
let cachedYear = -1
let cachedYearDays = 0
let cachedLeap = false

function cacheYear(year: number): void {
  cachedYear = year
  cachedYearDays = daysFromCivil(year, 1, 1)
  cachedLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12); H. Hinnant's algorithm. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** Why a value is not an event time, by a stable code (the messages are the caller's). */
export type TimestampProblem =
  /** neither text nor a number (true, an object, a list) */
  | 'type'
  /** a number or digits beyond the range of a date (±100,000,000 days around 1970), or not finite */
  | 'range'
  /** an ISO-8601 date that is not in the calendar (`2024-02-30`, month 13) */
  | 'date'
  /** an ISO-8601 time of day that does not exist (`25:00`, minute 60) */
  | 'clock'
  /** an ISO-8601 time zone offset beyond ±23:59 */
  | 'offset'
  /** any other text (`03/01/2024`, `March 1`, `1.7e12`, an empty text) */
  | 'format'

const ISO_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)?)?$/

/**
 * Why {@link parseTimestamp} refuses `value` (undefined when it accepts it). Only for messages:
 * it parses again, slowly, what the fast path refused.
 */
export function timestampProblem(value: unknown): TimestampProblem | undefined {
  if (parseTimestamp(value) !== undefined) return undefined
  if (typeof value === 'number') return 'range'
  if (typeof value !== 'string') return 'type'
  if (/^-?\d+(?:\.\d+)?$/.test(value)) return 'range'
  const iso = ISO_SHAPE.exec(value)
  if (iso === null) return 'format'
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = iso.map(Number)
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0)
  if (
    month! < 1 ||
    month! > 12 ||
    day! < 1 ||
    day! > DAYS_IN_MONTH[month! - 1]! ||
    (month === 2 && day === 29 && !leap)
  )
    return 'date'
  if (hour! > 23 || minute! > 59 || second! > 59) return 'clock'
  if (offsetHours! > 23 || offsetMinutes! > 59) return 'offset'
  return 'format'
}
