import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CsvProblem, CsvRecordTooLongError, CsvTokenizer, csvFields } from './csv-tokenizer.js'

interface Parsed {
  records: { line: number; fields: string[] }[]
  problems: { line: number; problem: CsvProblem }[]
}

/** Parses `chunks` pushed one by one. */
function parse(...chunks: string[]): Parsed {
  const out: Parsed = { records: [], problems: [] }
  const tokenizer = new CsvTokenizer(
    (record, line) => out.records.push({ line, fields: csvFields(record) }),
    (problem, line) => out.problems.push({ line, problem }),
  )
  for (const chunk of chunks) tokenizer.push(chunk)
  tokenizer.end()
  return out
}

const fields = (p: Parsed) => p.records.map((r) => r.fields)
const lines = (p: Parsed) => p.records.map((r) => r.line)

describe('CsvTokenizer', () => {
  it('splits plain records and numbers their lines', () => {
    const p = parse('a,b,c\n1,2,3\n4,,6\n')
    expect(fields(p)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '', '6'],
    ])
    expect(lines(p)).toEqual([1, 2, 3])
  })

  it('reads the last line without a newline, and keeps empty first and last fields', () => {
    expect(fields(parse('a,b\n,x,'))).toEqual([
      ['a', 'b'],
      ['', 'x', ''],
    ])
  })

  it('accepts CRLF line ends', () => {
    const p = parse('a,b\r\n1,2\r\n3,"x"\r\n')
    expect(fields(p)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', 'x'],
    ])
    expect(lines(p)).toEqual([1, 2, 3])
  })

  it('keeps a lone CR inside a field', () => {
    expect(fields(parse('a\rb,c\n'))).toEqual([['a\rb', 'c']])
  })

  it('drops a leading byte-order mark, only at the start', () => {
    expect(fields(parse('\uFEFFid,x\n1,\uFEFF\n'))).toEqual([
      ['id', 'x'],
      ['1', '\uFEFF'],
    ])
    expect(fields(parse('\uFEFF', 'id\n'))).toEqual([['id']])
  })

  it('skips blank lines but counts them', () => {
    const p = parse('a\n\n\r\nb\n\n')
    expect(fields(p)).toEqual([['a'], ['b']])
    expect(lines(p)).toEqual([1, 4])
  })

  it('reads quoted fields with commas, doubled quotes and empty quotes', () => {
    expect(fields(parse('"a,b","say ""hi""","",x\n'))).toEqual([['a,b', 'say "hi"', '', 'x']])
    expect(fields(parse('""""\n'))).toEqual([['"']])
  })

  it('reads embedded newlines (LF and CRLF) and numbers the next record after them', () => {
    const p = parse('id,note\n1,"two\nlines"\n2,"crlf\r\ninside"\r\n3,x\n')
    expect(fields(p)).toEqual([
      ['id', 'note'],
      ['1', 'two\nlines'],
      ['2', 'crlf\r\ninside'],
      ['3', 'x'],
    ])
    expect(lines(p)).toEqual([1, 2, 4, 6])
  })

  it('waits for the LF after a CR that ends a chunk right after a closing quote', () => {
    const p = parse('"a\nb"\r', '\nc\n')
    expect(fields(p)).toEqual([['a\nb'], ['c']])
    expect(lines(p)).toEqual([1, 3])
  })

  it('keeps a quote inside an unquoted field as text', () => {
    expect(fields(parse('5" screen,a"b\n'))).toEqual([['5" screen', 'a"b']])
  })

  it('reports text after a closing quote and goes on with the next record', () => {
    const p = parse('a,"b"c,d\nx,y\n')
    expect(p.problems).toEqual([{ line: 1, problem: { kind: 'text-after-quote', field: 2 } }])
    expect(fields(p)).toEqual([['x', 'y']])
    expect(lines(p)).toEqual([2])
  })

  it('reports a quote left open at the end of the input', () => {
    const p = parse('a,b\n1,"open\nnever closed\n')
    expect(fields(p)).toEqual([['a', 'b']])
    expect(p.problems).toEqual([{ line: 2, problem: { kind: 'unterminated-quote', field: 2 } }])
  })

  it('throws when a quoted field stays open past the size limit', () => {
    const tokenizer = new CsvTokenizer(
      () => {},
      () => {},
      { maxRecordChars: 100 },
    )
    tokenizer.push('a\n"')
    expect(() => {
      for (let i = 0; i < 20; i++) tokenizer.push('0123456789\n')
    }).toThrow(CsvRecordTooLongError)
  })

  it('gives the same records however the input is split into chunks', () => {
    const text = '\uFEFFid,"n,a"\r\n1,"x\n""y"""\n\n2,plain\r\n3,"",\n4,"\r\n"\n'
    const whole = parse(text)
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(parse(text.slice(0, i), text.slice(i, j), text.slice(j))).toEqual(whole)
      }
    }
  })

  it('round-trips any records written with RFC 4180 quoting, in any chunks (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '\u{1F600}') })
    const record = fc.array(cell, { minLength: 1, maxLength: 5 })
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (records, cuts, crlf) => {
          // A record of one empty field is a blank line, which is skipped: quote it.
          const quote = (c: string, only: boolean) =>
            /[",\r\n]/.test(c) || (only && c === '') ? `"${c.replaceAll('"', '""')}"` : c
          const eol = crlf ? '\r\n' : '\n'
          const text = records.map((r) => r.map((c) => quote(c, r.length === 1)).join(',')).join(eol) + eol
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
          const chunks: string[] = []
          let at = 0
          for (const p of points) {
            chunks.push(text.slice(at, p))
            at = p
          }
          chunks.push(text.slice(at))
          const p = parse(...chunks)
          expect(p.problems).toEqual([])
          expect(fields(p)).toEqual(records)
          // Each record starts on the line after the newlines of the records before it.
          let line = 1
          const expected = records.map((r) => {
            const start = line
            line += 1 + r.join(',').split('\n').length - 1
            return start
          })
          expect(lines(p)).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })
})
