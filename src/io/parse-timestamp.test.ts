import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTimestamp, timestampProblem } from './parse-timestamp.js'

const MARCH_1_NOON = Date.UTC(2024, 2, 1, 12)

describe('parseTimestamp', () => {
  it.each([
    ['2024-03-01T12:00:00Z', MARCH_1_NOON],
    ['2024-03-01T12:00:00.000Z', MARCH_1_NOON],
    ['2024-03-01T12:00:00.123456Z', MARCH_1_NOON + 123],
    ['2024-03-01T12:00:00,5Z', MARCH_1_NOON + 500],
    ['2024-03-01T12:00:00', MARCH_1_NOON],
    ['2024-03-01 12:00:00', MARCH_1_NOON],
    ['2024-03-01t12:00z', MARCH_1_NOON],
    ['2024-03-01T12:00', MARCH_1_NOON],
    ['2024-03-01T13:30:00+01:30', MARCH_1_NOON],
    ['2024-03-01T13:30:00+0130', MARCH_1_NOON],
    ['2024-03-01T10:00:00-02', MARCH_1_NOON],
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['0001-01-01', -62135596800000],
  ])('reads ISO-8601 %s (no offset means UTC)', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms)
  })

  it('reads epoch milliseconds as a number or as digits', () => {
    expect(parseTimestamp(1709294400000)).toBe(1709294400000)
    expect(parseTimestamp('1709294400000')).toBe(1709294400000)
    expect(parseTimestamp('0')).toBe(0)
    expect(parseTimestamp('-1000')).toBe(-1000)
    expect(parseTimestamp('1709294400000.5')).toBe(1709294400000.5)
    expect(parseTimestamp('12345678901234567')).toBeUndefined() // beyond a Date's range
  })

  it.each([
    '',
    'yesterday',
    '03/01/2024',
    'March 1, 2024',
    '2024-3-1',
    '2024-02-30',
    '2023-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-03-01T24:00:00Z',
    '2024-03-01T12:60',
    '2024-03-01T12:00:61',
    '2024-03-01T12',
    '2024-03-01T12:00:00.',
    '2024-03-01T12:00:00+05:',
    '2024-03-01T12:00:00ZZ',
    '2024-03-01T12:00:00 UTC',
    '1.7e12',
    '-',
    ' 1709294400000',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined()
  })

  it('rejects non-finite numbers and other types', () => {
    expect(parseTimestamp(Number.NaN)).toBeUndefined()
    expect(parseTimestamp(Number.POSITIVE_INFINITY)).toBeUndefined()
    expect(parseTimestamp(null)).toBeUndefined()
    expect(parseTimestamp({})).toBeUndefined()
  })

  it('reads back every Date.toISOString() (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000, max: 253402300799999 }), (ms) => {
        expect(parseTimestamp(new Date(ms).toISOString())).toBe(ms)
      }),
      { numRuns: 5000 },
    )
  })
})

describe('timestampProblem', () => {
  it.each([
    ['2024-02-29', undefined],
    ['2023-02-29', 'date'],
    ['2024-02-30', 'date'],
    ['2026-13-01', 'date'],
    ['2026-00-10', 'date'],
    ['2026-11-01T23:59:59Z', undefined],
    ['2026-11-01T24:00', 'clock'],
    ['2026-11-01T10:60', 'clock'],
    ['2026-11-01T10:00:60Z', 'clock'],
    ['2026-11-01T10:00+23:59', undefined],
    ['2026-11-01T10:00+24:00', 'offset'],
    ['2026-11-01T10:00-05:60', 'offset'],
    ['1709294400000', undefined],
    ['99999999999999999999', 'range'],
    [1e20, 'range'],
    [Number.NaN, 'range'],
    [true, 'type'],
    [{}, 'type'],
    ['yesterday', 'format'],
    ['03/01/2024', 'format'],
    ['1.7e12', 'format'],
    ['', 'format'],
  ] as const)('%j: %s', (value, problem) => {
    expect(timestampProblem(value)).toBe(problem)
  })

  it('names a problem exactly for the values parseTimestamp refuses', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc
        .tuple(
          fc.integer({ min: 0, max: 99 }),
          fc.integer({ min: 0, max: 99 }),
          fc.integer({ min: 0, max: 99 }),
        )
        .map(
          ([a, b, c]) =>
            `2024-${String(a).padStart(2, '0')}-${String(b).padStart(2, '0')}T${String(c).padStart(2, '0')}:00`,
        ),
    )
    fc.assert(
      fc.property(value, (v) => {
        expect(timestampProblem(v) === undefined).toBe(parseTimestamp(v) !== undefined)
      }),
    )
  })
})
