/**
 * Reading fields in place from UTF-8 bytes, for the columnar events reader: the event id
 * hash, times and dictionary lookups without making a string per field.
 *
 * Each function gives what its string counterpart gives on the decoded text (a property
 * test holds them to it): `idHash` of `core/id-hash.ts`, `parseTimestampAt`. Bytes
 * outside ASCII take the string route (the caller decodes), so UTF-16 subtleties stay in
 * one place.
 * @module
 */

import { idHash } from '../core/id-hash.js'
import { emptySlots, growSlots } from './hash-slots.js'
import { parseTimestampAt } from './parse-timestamp.js'

const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** The text of bytes [start, end), decoded as `readText` decodes a file (bad bytes become U+FFFD). */
export function decodeBytes(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end))
}

/** True when bytes [start, end) are all ASCII (so each byte is one UTF-16 unit). */
export function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  let or = 0
  for (let i = start; i < end; i++) or |= bytes[i]!
  return or < 0x80
}

// ---------------------------------------------------------------------------------------------
// idHash: the same lanes and mixing as core/id-hash.ts (kept in step by a test).

/** `idHash` of the text of bytes [start, end). */
export function idHashAt(bytes: Uint8Array, start: number, end: number): number {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  let or = 0
  for (let i = start; i < end; i++) {
    const c = bytes[i]!
    or |= c
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  if (or >= 0x80) return idHash(decodeBytes(bytes, start, end))
  return finishIdHash(a, b)
}

/** The end of `idHash` from its two lanes (after the last character). */
export function finishIdHash(a: number, b: number): number {
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  b = Math.imul(b, 0xc2b2ae35)
  b ^= b >>> 16
  return (a >>> 0) * 2097152 + (b >>> 11)
}

/**
 * `idHash(prefix + line)` for many lines (the derived ids `<file name>:<line>`), without
 * making the strings.
 */
export class DerivedIdHash {
  readonly #a: number
  readonly #b: number
  readonly #digits = new Uint8Array(24)

  constructor(prefix: string) {
    let a = 0x811c9dc5
    let b = 0x9747b28c
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    this.#a = a
    this.#b = b
  }

  /** The hash of the prefix followed by the decimal digits of `line` (a non-negative integer). */
  hash(line: number): number {
    const digits = this.#digits
    let n = 0
    let rest = line
    do {
      digits[n++] = 48 + (rest % 10)
      rest = Math.floor(rest / 10)
    } while (rest > 0)
    let a = this.#a
    let b = this.#b
    while (n > 0) {
      const c = digits[--n]!
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    return finishIdHash(a, b)
  }
}

// ---------------------------------------------------------------------------------------------
// Times: parse-timestamp.ts over bytes (kept in step by a test).

/** Returned by {@link timestampAt} for a time that is not one. */
export const NOT_A_TIME = Number.NaN

const ZERO = 48
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

/**
 * `parseTimestampAt` of the text of bytes [start, end), or {@link NOT_A_TIME} (NaN).
 * Plain ASCII ISO-8601 times and integer epoch milliseconds are read in place; epoch times
 * with a fraction or many digits are decoded and read by `parseTimestampAt`. (A time with
 * a byte outside ASCII is never one.)
 */
export function timestampAt(bytes: Uint8Array, start: number, end: number): number {
  if (end - start >= 10 && bytes[start + 4] === 45 && bytes[start + 7] === 45) return isoAt(bytes, start, end)
  let i = start
  const negative = bytes[i] === 45
  if (negative) i++
  const digitsStart = i
  let value = 0
  for (; i < end; i++) {
    const d = bytes[i]! - ZERO
    if (d < 0 || d > 9) break
    value = value * 10 + d
  }
  if (i === digitsStart) return NOT_A_TIME
  if (i === end && end - digitsStart <= 15) return negative ? -value : value
  if (!isAscii(bytes, i, end)) return NOT_A_TIME
  return parseTimestampAt(decodeBytes(bytes, start, end), 0, end - start) ?? NOT_A_TIME
}

/** The two digits at i (before end) as a number, or -1. */
function two(s: Uint8Array, i: number, end: number): number {
  if (i + 1 >= end) return -1
  const a = s[i]! - ZERO
  const b = s[i + 1]! - ZERO
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

let cachedYear = -1
let cachedYearDays = 0
let cachedLeap = false

function isoAt(s: Uint8Array, start: number, end: number): number {
  const y1 = two(s, start, end)
  const y2 = two(s, start + 2, end)
  const month = two(s, start + 5, end)
  const day = two(s, start + 8, end)
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return NOT_A_TIME
  const year = y1 * 100 + y2
  if (year !== cachedYear) {
    cachedYear = year
    cachedYearDays = daysFromCivil(year)
    cachedLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  }
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !cachedLeap)) return NOT_A_TIME
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let offset = 0
  let i = start + 10
  if (i < end) {
    const sep = s[i]
    if (sep !== 84 && sep !== 116 && sep !== 32) return NOT_A_TIME // T, t, space
    hour = two(s, i + 1, end)
    if (hour < 0 || hour > 23 || i + 3 >= end || s[i + 3] !== 58) return NOT_A_TIME
    minute = two(s, i + 4, end)
    if (minute < 0 || minute > 59) return NOT_A_TIME
    i += 6
    if (i < end && s[i] === 58) {
      second = two(s, i + 1, end)
      if (second < 0 || second > 59) return NOT_A_TIME
      i += 3
      if (i < end && (s[i] === 46 || s[i] === 44)) {
        i++
        const fractionStart = i
        let scale = 100
        for (; i < end; i++) {
          const d = s[i]! - ZERO
          if (d < 0 || d > 9) break
          if (scale >= 1) ms += d * scale
          scale /= 10
        }
        if (i === fractionStart) return NOT_A_TIME
      }
    }
    if (i < end) {
      const z = s[i]!
      if (z === 90 || z === 122) {
        i++ // Z, z
      } else if (z === 43 || z === 45) {
        const offsetHours = two(s, i + 1, end)
        if (offsetHours < 0 || offsetHours > 23) return NOT_A_TIME
        let offsetMinutes = 0
        i += 3
        if (i < end) {
          if (s[i] === 58) i++
          offsetMinutes = two(s, i, end)
          if (offsetMinutes < 0 || offsetMinutes > 59) return NOT_A_TIME
          i += 2
        }
        offset = (z === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
      } else {
        return NOT_A_TIME
      }
    }
    if (i !== end) return NOT_A_TIME
  }
  const days = cachedYearDays + DAYS_BEFORE_MONTH[month - 1]! + (month > 2 && cachedLeap ? 1 : 0) + day - 1
  return (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + ms - offset
}

/** Days since 1970-01-01 of January 1st of `year`; H. Hinnant's algorithm. */
function daysFromCivil(year: number): number {
  const y = year - 1
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = 306 // January 1st, counted from March 1st
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

// ---------------------------------------------------------------------------------------------
// Dictionaries keyed by bytes.

/** A hash of bytes [start, end): FNV-1a, then a murmur3 finalizer so the low bits mix well. */
export function bytesHash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * Dense codes (0, 1, 2, ... in first-seen order) for byte strings, found from bytes in
 * place: a lookup copies nothing; a new key's bytes are copied into an arena.
 */
export class BytesDictionary {
  /** Pairs [hash, code + 1]; 0 in the second slot means empty. */
  #slots: Int32Array
  #mask: number
  #arena: Uint8Array
  #used = 0
  /** Where each key starts in the arena; key c is arena[starts[c], starts[c + 1]). */
  #starts: Int32Array
  #size = 0

  constructor(expected = 64) {
    const { slots, mask } = emptySlots(expected)
    this.#slots = slots
    this.#mask = mask
    this.#arena = new Uint8Array(Math.max(256, expected * 16))
    this.#starts = new Int32Array(Math.max(16, expected) + 1)
  }

  get size(): number {
    return this.#size
  }

  /** The code of bytes [start, end) (whose {@link bytesHash} is `h`), or -1. */
  find(bytes: Uint8Array, start: number, end: number, h: number): number {
    const slots = this.#slots
    const mask = this.#mask
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!
      if (entry === 0) return -1
      if (slots[2 * i] === h && this.equals(entry - 1, bytes, start, end)) return entry - 1
    }
  }

  /** True when key `code` is bytes [start, end). */
  equals(code: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.#starts[code]!
    const length = end - start
    if (this.#starts[code + 1]! - from !== length) return false
    const arena = this.#arena
    for (let k = 0; k < length; k++) if (arena[from + k] !== bytes[start + k]) return false
    return true
  }

  /** Adds bytes [start, end) (hash `h`, not present yet); returns its code. */
  add(bytes: Uint8Array, start: number, end: number, h: number): number {
    const code = this.#size
    const length = end - start
    if (this.#used + length > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#used + length))
      arena.set(this.#arena.subarray(0, this.#used))
      this.#arena = arena
    }
    this.#arena.set(bytes.subarray(start, end), this.#used)
    this.#used += length
    if (code + 2 > this.#starts.length) {
      const starts = new Int32Array(this.#starts.length * 2)
      starts.set(this.#starts)
      this.#starts = starts
    }
    this.#starts[code + 1] = this.#used
    this.#size = code + 1
    const slots = this.#slots
    const mask = this.#mask
    let i = h & mask
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask
    slots[2 * i] = h
    slots[2 * i + 1] = code + 1
    if ((code + 1) * 2 > mask + 1) this.#grow()
    return code
  }

  #grow(): void {
    const grown = growSlots(this.#slots, this.#mask)
    this.#slots = grown.slots
    this.#mask = grown.mask
  }
}
