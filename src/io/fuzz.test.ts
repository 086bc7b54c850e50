import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { InputFileError } from './input-file-error.js'
import { readContacts } from './read-contacts.js'
import { readEvents } from './read-events.js'
import type { RowIssue } from './row-issue.js'

const dir = mkdtempSync(join(tmpdir(), 'leadscore-io-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** Reads a file of `content` to the end: rows, bad rows with their line, or an InputFileError. */
async function read(kind: 'contacts' | 'events', ext: string, content: string | Uint8Array) {
  const path = join(dir, `f${++n}.${ext}`)
  writeFileSync(path, content)
  const issues: RowIssue[] = []
  let rows = 0
  try {
    const source =
      kind === 'contacts'
        ? readContacts(path, { onBadRow: (i) => issues.push(i) })
        : readEvents(path, { onBadRow: (i) => issues.push(i) })
    for await (const batch of source.batches()) rows += batch.length
  } catch (error) {
    // a file that can never be read says which file and why
    expect(error).toBeInstanceOf(InputFileError)
    expect((error as Error).message).toContain(path)
    return { rows, issues, failed: true }
  }
  for (const issue of issues) {
    expect(issue.line).toBeGreaterThan(0)
    expect(issue.message).toMatch(/:\d+: /)
  }
  return { rows, issues, failed: false }
}

const cell = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '"',
    '""',
    '"a,b"',
    '\r\n',
    '\n',
    ',',
    '\u0000',
    '__proto__',
    '2026-01-01T00:00:00Z',
    'NaN',
    '-1e400',
  ),
)
const csv = fc
  .tuple(
    fc.constantFrom('contact_id,event,timestamp,path', 'id,email,__proto__', 'contact_id,event,ts', 'x,y'),
    fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 20 }),
  )
  .map(([header, rows]) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}`)
const ndjson = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            contact_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            event: fc.string(),
            timestamp: fc.oneof(fc.string(), fc.integer()),
            properties: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    ),
    { maxLength: 15 },
  )
  .map((lines) => lines.join('\n'))

describe('CSV and NDJSON input under any content (property-based)', () => {
  it('reads contacts and events files of any shape: rows, or bad rows with their line, or a clear file error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('contacts', 'events') as fc.Arbitrary<'contacts' | 'events'>,
        csv,
        async (kind, text) => {
          await read(kind, 'csv', text)
        },
      ),
      { numRuns: 150 },
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('contacts', 'events') as fc.Arbitrary<'contacts' | 'events'>,
        ndjson,
        async (kind, text) => {
          await read(kind, 'ndjson', text)
        },
      ),
      { numRuns: 150 },
    )
  }, 60_000)

  it('refuses bytes that are not gzip in a .gz file, with the file named', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        await read('events', 'csv.gz', bytes)
      }),
      { numRuns: 50 },
    )
  })
})
