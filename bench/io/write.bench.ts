/**
 * Score writer throughput: 1M score rows (8 columns, 3 fractional numbers) to CSV, NDJSON,
 * JSON and gzipped CSV in a temporary folder, written with `writeAll` and with one
 * `await write()` per row.
 *
 * Usage: npx tsx bench/io/write.bench.ts [--rows 1000000]
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createScoreWriter, type ScoreFormat, type ScoreRow } from '../../src/io/score-writer.js'

const COLUMNS = ['contact_id', 'fit', 'engagement', 'total', 'grade', 'band', 'stage', 'likelihood']

function* scores(count: number): Generator<ScoreRow> {
  for (let i = 0; i < count; i++) {
    yield {
      contact_id: `c${String(i).padStart(7, '0')}`,
      fit: (i % 97) / 0.7,
      engagement: i % 50,
      total: (i % 1000) / 10.3,
      grade: 'ABCDF'[i % 5],
      band: i % 3 === 0 ? 'hot' : 'warm',
      stage: 'MQL',
      likelihood: (i % 1000) / 997,
    }
  }
}

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } })
const count = Number(values.rows)
const dir = mkdtempSync(join(tmpdir(), 'leadscore-write-'))
try {
  const cases: [ScoreFormat, string, 'writeAll' | 'write'][] = [
    ['csv', 'scores.csv', 'writeAll'],
    ['csv', 'scores.csv', 'write'],
    ['ndjson', 'scores.ndjson', 'writeAll'],
    ['json', 'scores.json', 'writeAll'],
    ['csv', 'scores.csv.gz', 'writeAll'],
  ]
  process.stdout.write(`${count} rows, node ${process.version}\n`)
  for (const [format, name, how] of cases) {
    const path = join(dir, name)
    const started = performance.now()
    const writer = createScoreWriter(path, format, COLUMNS)
    if (how === 'writeAll') await writer.writeAll(scores(count))
    else for (const row of scores(count)) await writer.write(row)
    await writer.end()
    const seconds = (performance.now() - started) / 1000
    const mb = statSync(path).size / 1e6
    process.stdout.write(
      `${`${name} (${how})`.padEnd(26)} ${seconds.toFixed(2)} s  ${(count / seconds / 1e6).toFixed(2)} M rows/s  ${mb.toFixed(1)} MB\n`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
