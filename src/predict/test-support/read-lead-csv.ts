/**
 * Reads a delimited file whole into a {@link LeadTable}, for tests and benchmarks (the CLI's
 * `readLeadTable` adds progress and error messages for people): separator detected from the
 * header line, rows with another field count than the header skipped.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { CsvTokenizer, csvFields } from '../../io/index.js'
import { detectSeparator, type LeadTable, swapSeparator, tableFromRows } from '../table.js'

export async function readLeadCsv(path: string): Promise<LeadTable> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
  const separator = detectSeparator(text)
  let header: string[] | undefined
  const rows: string[][] = []
  const tokenizer = new CsvTokenizer(
    (record) => {
      const fields = csvFields(record)
      if (separator !== ',')
        for (let i = 0; i < fields.length; i++) fields[i] = swapSeparator(fields[i]!, separator)
      if (header === undefined) header = fields.map((f) => f.trim())
      else if (fields.length === header.length) rows.push(fields)
    },
    () => {},
  )
  tokenizer.push(swapSeparator(text, separator))
  tokenizer.end()
  if (header === undefined) throw new Error(`${path} is empty`)
  return tableFromRows(header, rows)
}
