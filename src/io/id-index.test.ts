import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IdIndex } from './id-index.js'

describe('IdIndex', () => {
  it('numbers ids densely in first-seen order and finds them again', () => {
    const index = new IdIndex(2)
    expect(['a', 'b', 'a', 'c'].map((id) => index.index(id))).toEqual([0, 1, 0, 2])
    expect(index.size).toBe(3)
    expect(index.find('b')).toBe(1)
    expect(index.find('zz')).toBe(-1)
    expect(index.id(2)).toBe('c')
    expect(index.id(3)).toBeUndefined()
  })

  it('grows past its expected size', () => {
    const index = new IdIndex(4)
    for (let i = 0; i < 10_000; i++) expect(index.index(`id-${i}`)).toBe(i)
    for (let i = 0; i < 10_000; i++) expect(index.find(`id-${i}`)).toBe(i)
  })

  it('indexAll gives what index gives one by one, including new and repeated ids (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 20 }), { maxLength: 200 }), { maxLength: 6 }),
        (batches) => {
          const one = new IdIndex(1)
          const many = new IdIndex(1)
          for (const batch of batches) {
            const out = new Int32Array(batch.length + 3).fill(-7)
            many.indexAll(batch, out, batch.length)
            expect([...out.subarray(0, batch.length)]).toEqual(batch.map((id) => one.index(id)))
            expect(out[batch.length]).toBe(-7)
          }
          expect(many.size).toBe(one.size)
        },
      ),
    )
  })

  it('keeps a copy of a long id, equal to it', () => {
    const text = `${'x'.repeat(1000)}long-contact-id-0001${'y'.repeat(1000)}`
    const id = text.slice(1000, 1020)
    const index = new IdIndex()
    expect(index.id(index.index(id))).toBe('long-contact-id-0001')
  })
})
