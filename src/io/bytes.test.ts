import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { idHash } from '../core/id-hash.js'
import { BytesDictionary, bytesHash, DerivedIdHash, decodeBytes, idHashAt, timestampAt } from './bytes.js'
import { parseTimestampAt } from './parse-timestamp.js'

const encoder = new TextEncoder()

/** `text` as UTF-8 in the middle of other bytes, with its start and end. */
function embedded(text: string): [Uint8Array, number, number] {
  const bytes = encoder.encode(text)
  const out = new Uint8Array(bytes.length + 6).fill(0x2c)
  out.set(bytes, 3)
  return [out, 3, 3 + bytes.length]
}

const timeLike = fc.oneof(
  fc.date({ min: new Date(-62e12), max: new Date(25e12), noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.constantFrom('', 'T', ' ', 't', 'x'),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', ':07', ':59', ':60', ':07.5', ':07,123456', ':07.'),
      fc.constantFrom('', 'Z', 'z', '+01:00', '-0530', '+14', '+1', '-24:00', 'Q'),
    )
    .map(([y, mo, d, sep, h, mi, s, z]) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0')
      const date = `${p(y, 4)}-${p(mo)}-${p(d)}`
      return sep === '' ? date : `${date}${sep}${p(h)}:${p(mi)}${s}${z}`
    }),
  fc.integer({ min: -1e16, max: 1e16 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.stringMatching(/^-?\d{1,20}(\.\d{0,4})?$/),
  fc.string({ unit: fc.constantFrom('0', '1', '-', ':', 'T', 'Z', '.', 'é', '٣', ' ') }),
  fc.string(),
)

describe('bytes', () => {
  it('idHashAt is idHash of the decoded text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
        (id) => {
          const [bytes, start, end] = embedded(id)
          expect(idHashAt(bytes, start, end)).toBe(idHash(decodeBytes(bytes, start, end)))
        },
      ),
    )
    const bad = new Uint8Array([0x61, 0xc3, 0x28, 0xff])
    expect(idHashAt(bad, 0, 4)).toBe(idHash(decodeBytes(bad, 0, 4)))
  })

  it('DerivedIdHash is idHash of the prefix and the line', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: 2 ** 53 - 1 }), (prefix, line) => {
        expect(new DerivedIdHash(prefix).hash(line)).toBe(idHash(prefix + line))
      }),
    )
  })

  it('timestampAt is parseTimestampAt of the decoded text', () => {
    fc.assert(
      fc.property(timeLike, (text) => {
        const [bytes, start, end] = embedded(text)
        const expected = parseTimestampAt(text, 0, text.length)
        const got = timestampAt(bytes, start, end)
        if (expected === undefined) expect(got).toBeNaN()
        else expect(got).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('BytesDictionary gives dense codes in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 300 }), (keys) => {
        const dictionary = new BytesDictionary(4)
        const codes = new Map<string, number>()
        for (const key of keys) {
          const [bytes, start, end] = embedded(key)
          const h = bytesHash(bytes, start, end)
          let code = dictionary.find(bytes, start, end, h)
          if (code < 0) code = dictionary.add(bytes, start, end, h)
          if (!codes.has(key)) codes.set(key, codes.size)
          expect(code).toBe(codes.get(key))
          expect(dictionary.equals(code, bytes, start, end)).toBe(true)
        }
        expect(dictionary.size).toBe(codes.size)
      }),
    )
  })
})
