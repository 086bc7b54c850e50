/**
 * DuckDB running the benchmark model (bench/model.yaml) as SQL (bench/duckdb/score.sql) over
 * the CSV files of bench/generate-data.ts, for comparison with `leadscore score`:
 *
 *   npx tsx bench/duckdb.bench.ts [--dir bench/out] [--as-of 2026-11-01T00:00:00Z] [--runs 3]
 *
 * Measures, in one run:
 * - end to end: read the three CSV files, score, write a scores CSV (COPY ... TO), in a fresh
 *   in-memory database each time: wall time, median of `--runs`;
 * - compute only: the same query over the three files already loaded into DuckDB tables
 *   (CREATE TABLE AS, untimed), into an in-memory table: median of `--runs`.
 * Then checks the SQL against the engine: a sample of contacts (the first `--check` of the
 * file, as many spread evenly over it, and the contacts with the most events) is scored
 * with loadModel + compileModel + evaluateContact from the same files read with src/io,
 * and every field is compared (totals within 1e-6). Exits 1 on any mismatch.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type DuckDBConnection, DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api'
import { type ContactEvent, compileModel, evaluateContact, type Properties } from '../src/core/index.js'
import { formatIssue, loadModel } from '../src/core/model/index.js'
import { readAccounts, readContacts, readEvents } from '../src/io/index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const HELP = `Usage: npx tsx bench/duckdb.bench.ts [options]

Options:
  --dir <dir>       folder with contacts.csv, accounts.csv, events.csv (default bench/out)
  --as-of <iso>     the as-of time (default 2026-11-01T00:00:00Z)
  --runs <n>        timed runs of each measurement; the median is reported (default 3)
  --out <file>      the scores CSV of the end-to-end run (default bench/out/duckdb/scores.csv)
  --check <n>       contacts checked against the engine: the first n, n spread over the
                    file, and the 20 with the most events (default 2000; 0: no check)
  --threads <n>     DuckDB threads (default: DuckDB's, the number of cores)
  --leadscore       also time \`node dist/cli/bin.js score\` on the same files (build it first:
                    npm run build), each run right after a DuckDB end-to-end run, and
                    compare its scores with DuckDB's for every contact
  --cli <file>      the built CLI to time with --leadscore (default dist/cli/bin.js)
  --print-sql       print the SQL (read.sql, then score.sql) and exit
  -h, --help        show this help
`

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'as-of': { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
    check: { type: 'string' },
    threads: { type: 'string' },
    'print-sql': { type: 'boolean' },
    leadscore: { type: 'boolean' },
    cli: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
})
if (values.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

const dir = values.dir ?? join('bench', 'out')
const asOfText = values['as-of'] ?? '2026-11-01T00:00:00Z'
const asOf = Date.parse(asOfText)
if (Number.isNaN(asOf)) throw new Error(`--as-of must be an ISO-8601 time, got "${asOfText}"`)
const runs = Math.max(1, Number(values.runs ?? 3))
const checkCount = Math.max(0, Number(values.check ?? 2000))
const outFile = values.out ?? join('bench', 'out', 'duckdb', 'scores.csv')
const files = {
  contacts: join(dir, 'contacts.csv'),
  accounts: join(dir, 'accounts.csv'),
  events: join(dir, 'events.csv'),
}

// ---------------------------------------------------------------------------------------------
// The SQL: bench/duckdb/read.sql and bench/duckdb/score.sql with their placeholders filled in

const quote = (text: string): string => text.replaceAll("'", "''")
const fill = (template: string, vars: Record<string, string>): string =>
  template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name]
    if (value === undefined) throw new Error(`no value for {{${name}}}`)
    return value
  })
const readSql = fill(readFileSync(join(HERE, 'duckdb', 'read.sql'), 'utf8'), {
  contacts: quote(resolve(files.contacts)),
  accounts: quote(resolve(files.accounts)),
  events: quote(resolve(files.events)),
})
const scoreSql = fill(readFileSync(join(HERE, 'duckdb', 'score.sql'), 'utf8'), {
  as_of_ms: String(asOf),
}).trim()

if (values['print-sql']) {
  process.stdout.write(`${readSql}\n${scoreSql}\n`)
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Runs every statement of `sql` (several, separated by semicolons). */
async function runAll(connection: DuckDBConnection, sql: string): Promise<void> {
  const statements = await connection.extractStatements(sql)
  for (let i = 0; i < statements.count; i++) await (await statements.prepare(i)).run()
}

async function open(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const options: Record<string, string> = {}
  if (values.threads !== undefined) options['threads'] = values.threads
  const instance = await DuckDBInstance.create(':memory:', options)
  const connection = await instance.connect()
  // times without an offset are UTC, as in leadscore (the generator writes 'Z' anyway)
  await connection.run("SET TimeZone = 'UTC'")
  await runAll(connection, readSql)
  return { instance, connection }
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql)
  return reader.getRowsJS()[0]?.[0]
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
const peakRss = (): number => process.resourceUsage().maxRSS * 1024
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')

function checkHeaders(): void {
  const expected: Record<keyof typeof files, string> = {
    contacts:
      'contact_id,account_id,email,first_name,last_name,job_title,department,company,industry,employees,country,phone,source,utm_source,utm_medium,utm_campaign,budget,purchase_timeline,email_opt_in,created_at',
    accounts: 'account_id,name,domain,industry,employees,country',
    events:
      'event_id,contact_id,event,timestamp,path,email_id,campaign_id,link_id,form_id,content_id,webinar_id,video_id,percent,trial_plan_name',
  }
  for (const key of Object.keys(files) as (keyof typeof files)[]) {
    const fd = openSync(files[key], 'r')
    const buffer = Buffer.alloc(4096)
    const head = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0))
    closeSync(fd)
    const header = head.slice(0, head.indexOf('\n')).trim()
    if (header !== expected[key]) {
      throw new Error(
        `${files[key]}: unexpected header (bench/duckdb/read.sql declares the columns of bench/generate-data.ts without --outcome)\n  got:      ${header}\n  expected: ${expected[key]}`,
      )
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  checkHeaders()
  const bytes = {
    contacts: statSync(files.contacts).size,
    accounts: statSync(files.accounts).size,
    events: statSync(files.events).size,
  }
  const cpuList = cpus()
  process.stdout.write(
    [
      `command:  npx tsx bench/duckdb.bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
      `machine:  ${cpuList[0]?.model ?? 'unknown CPU'} x ${cpuList.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free), ${process.platform} ${process.arch}`,
      `software: node ${process.version}, DuckDB ${duckdbVersion()} (@duckdb/node-api)`,
      `load:     ${load()} (1, 5, 15 min) before the run: other work on the machine slows every figure`,
      `model:    bench/model.yaml as bench/duckdb/score.sql, as of ${new Date(asOf).toISOString()}`,
      `files:    ${dir}: contacts ${mb(bytes.contacts)}, accounts ${mb(bytes.accounts)}, events ${mb(bytes.events)} (${mb(bytes.contacts + bytes.accounts + bytes.events)} in all)`,
      '',
    ].join('\n'),
  )

  // (a) end to end: CSV in, scores CSV out, a fresh database each run
  mkdirSync(dirname(outFile), { recursive: true })
  const endToEnd: number[] = []
  const endToEndCpu: number[] = []
  const leadscoreRuns: { ms: number; cpuMs: number; peakRss: number }[] = []
  let threads = ''
  for (let run = 0; run < runs; run++) {
    rmSync(outFile, { force: true })
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const { instance, connection } = await open()
    await runAll(
      connection,
      `CREATE VIEW contacts AS FROM contacts_csv; CREATE VIEW accounts AS FROM accounts_csv; CREATE VIEW events AS FROM events_csv;`,
    )
    await connection.run(`COPY (${scoreSql}) TO '${quote(resolve(outFile))}' (HEADER, DELIMITER ',')`)
    const ms = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const cpuMs = (cpu.user + cpu.system) / 1000
    threads = String(await scalar(connection, `SELECT current_setting('threads')`))
    connection.closeSync()
    instance.closeSync()
    endToEnd.push(ms)
    endToEndCpu.push(cpuMs)
    process.stdout.write(
      `end to end, run ${run + 1}: ${seconds(ms)}, CPU ${seconds(cpuMs)}; load ${load()}\n`,
    )
    if (values.leadscore) {
      const result = runLeadscore()
      leadscoreRuns.push(result)
      process.stdout.write(
        `leadscore score, run ${run + 1}: ${seconds(result.ms)}, CPU ${seconds(result.cpuMs)}, peak RSS ${mb(result.peakRss)}; load ${load()}\n`,
      )
    }
  }
  const rssAfterEndToEnd = peakRss()

  // (b) compute only: the tables in memory first (untimed)
  const { instance, connection } = await open()
  const loadStarted = performance.now()
  await runAll(
    connection,
    `CREATE TABLE contacts AS FROM contacts_csv; CREATE TABLE accounts AS FROM accounts_csv; CREATE TABLE events AS FROM events_csv;`,
  )
  const loadMs = performance.now() - loadStarted
  const rows = {
    contacts: Number(await scalar(connection, 'SELECT count(*) FROM contacts')),
    accounts: Number(await scalar(connection, 'SELECT count(*) FROM accounts')),
    events: Number(await scalar(connection, 'SELECT count(*) FROM events')),
  }
  const compute: number[] = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    await connection.run(`CREATE OR REPLACE TEMP TABLE scores AS ${scoreSql}`)
    const ms = performance.now() - started
    compute.push(ms)
    process.stdout.write(`compute only, run ${run + 1}: ${seconds(ms)}\n`)
  }
  const scored = Number(await scalar(connection, 'SELECT count(*) FROM scores'))
  const rssAfterCompute = peakRss()

  process.stdout.write(
    [
      '',
      `data:     ${rows.contacts.toLocaleString('en-US')} contacts, ${rows.accounts.toLocaleString('en-US')} accounts, ${rows.events.toLocaleString('en-US')} events; ${scored.toLocaleString('en-US')} contacts scored`,
      `duckdb:   ${threads} threads`,
      `end to end (read CSV, score, write CSV): median ${seconds(median(endToEnd))} of ${runs} [${endToEnd.map(seconds).join(', ')}], CPU median ${seconds(median(endToEndCpu))}; scores in ${outFile} (${mb(statSync(outFile).size)})`,
      `compute only (tables in memory):         median ${seconds(median(compute))} of ${runs} [${compute.map(seconds).join(', ')}]; loading the tables took ${seconds(loadMs)} (untimed)`,
      `load:     ${load()} (1, 5, 15 min) after the timed runs`,
      `peak RSS of this process: ${mb(rssAfterEndToEnd)} after the end-to-end runs, ${mb(rssAfterCompute)} after loading and computing`,
      '',
    ].join('\n'),
  )

  if (leadscoreRuns.length > 0) {
    const times = leadscoreRuns.map((r) => r.ms)
    process.stdout.write(
      `leadscore score (read CSV, score, write CSV): median ${seconds(median(times))} of ${runs} [${times.map(seconds).join(', ')}], CPU median ${seconds(median(leadscoreRuns.map((r) => r.cpuMs)))}; peak RSS ${mb(Math.max(...leadscoreRuns.map((r) => r.peakRss)))}\n` +
        `leadscore / DuckDB, run by run: ${leadscoreRuns.map((r, i) => (r.ms / endToEnd[i]!).toFixed(2)).join(', ')} (wall; below 1: leadscore is faster)\n`,
    )
    if ((await compareOutputs(leadscoreOut, outFile)) > 0) process.exitCode = 1
  }
  if (checkCount > 0) {
    const mismatches = await check(connection, rows.contacts)
    if (mismatches > 0) process.exitCode = 1
  }
  connection.closeSync()
  instance.closeSync()
}

// ---------------------------------------------------------------------------------------------
// leadscore itself, for comparison: the built CLI in a child process

const leadscoreOut = join(dirname(outFile), 'leadscore-scores.csv')

function runLeadscore(): { ms: number; cpuMs: number; peakRss: number } {
  const cli = resolve(values.cli ?? join('dist', 'cli', 'bin.js'))
  const args = [
    ...['-f', '%e %M %U %S', process.execPath, cli, 'score', '--model', join(HERE, 'model.yaml')],
    ...['--contacts', files.contacts, '--accounts', files.accounts, '--events', files.events],
    ...['--as-of', asOfText, '--out', leadscoreOut],
  ]
  rmSync(leadscoreOut, { force: true })
  const started = performance.now()
  const child = spawnSync('/usr/bin/time', args, { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] })
  const ms = performance.now() - started
  const lines = child.stderr.trim().split('\n')
  if (child.status !== 0) throw new Error(`leadscore score failed (${child.status}):\n${child.stderr}`)
  const [, kilobytes, user, system] = (lines.at(-1) ?? '').split(' ').map(Number)
  return {
    ms,
    cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000,
    peakRss: (kilobytes ?? Number.NaN) * 1024,
  }
}

/** Compares two scores CSV files contact by contact; returns the number of mismatches. */
async function compareOutputs(leadscoreFile: string, duckdbFile: string): Promise<number> {
  const theirs = new Map<string, Properties>()
  for await (const batch of readContacts(duckdbFile).batches()) {
    for (const row of batch) theirs.set(row.id, row.properties)
  }
  let compared = 0
  let mismatches = 0
  const examples: string[] = []
  for await (const batch of readContacts(leadscoreFile).batches()) {
    for (const row of batch) {
      const other = theirs.get(row.id)
      theirs.delete(row.id)
      compared++
      const problems: string[] = []
      if (other === undefined) problems.push('not in the DuckDB scores')
      else {
        for (const field of ['fit', 'engagement', 'total']) {
          const a = Number(row.properties[field])
          const b = Number(other[field])
          if (!(Math.abs(a - b) <= 1e-6)) problems.push(`${field} ${a} vs ${b}`)
        }
        for (const field of ['grade', 'level', 'label', 'band', 'stage']) {
          if (String(row.properties[field]) !== String(other[field]))
            problems.push(`${field} ${row.properties[field]} vs ${other[field]}`)
        }
      }
      if (problems.length > 0) {
        mismatches++
        if (examples.length < 10) examples.push(`  ${row.id}: ${problems.join('; ')} (leadscore vs DuckDB)`)
      }
    }
  }
  mismatches += theirs.size
  process.stdout.write(
    [
      `leadscore vs DuckDB: ${compared.toLocaleString('en-US')} contacts compared, ${mismatches} mismatches (${theirs.size} only in DuckDB's scores)`,
      ...examples,
      '',
    ].join('\n'),
  )
  return mismatches
}

// ---------------------------------------------------------------------------------------------
// Correctness: the engine on a sample of contacts, read with src/io, against DuckDB's rows

interface SqlScore {
  contact_id: string
  fit: number
  engagement: number
  total: number
  grade: string
  level: string
  label: string
  band: string
  stage: string
}

async function check(connection: DuckDBConnection, contactCount: number): Promise<number> {
  const started = performance.now()
  const text = readFileSync(resolve('bench/model.yaml'), 'utf8')
  const loaded = loadModel(text, { filename: 'bench/model.yaml' })
  if (!loaded.ok) {
    throw new Error(loaded.errors.map((issue) => formatIssue(issue, 'bench/model.yaml')).join('\n'))
  }
  const model = compileModel(loaded.model)

  // the sample: the first n contacts, n more spread evenly, and the 20 with the most events
  const heavy = new Set(
    (
      await connection.runAndReadAll(
        'SELECT contact_id FROM events GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 20',
      )
    )
      .getRowsJS()
      .map((row) => String(row[0])),
  )
  const stride = Math.max(1, Math.floor(contactCount / checkCount))
  const contacts: { id: string; properties: Properties }[] = []
  let index = 0
  for await (const batch of readContacts(files.contacts).batches()) {
    for (const row of batch) {
      if (index < checkCount || index % stride === stride >> 1 || heavy.has(row.id)) {
        contacts.push({ id: row.id, properties: row.properties })
      }
      index++
    }
  }
  const wanted = new Set(contacts.map((c) => c.id))

  const accounts = new Map<string, Properties>()
  const accountIds = new Set(contacts.map((c) => c.properties['account_id']).filter((id) => id !== undefined))
  for await (const batch of readAccounts(files.accounts).batches()) {
    for (const row of batch) if (accountIds.has(row.id)) accounts.set(row.id, row.properties)
  }

  // the sample's events: a simple filter of events.csv (text kept as it is), read with src/io
  const sampleFile = join(tmpdir(), `leadscore-duckdb-check-${process.pid}.csv`)
  await connection.run('CREATE OR REPLACE TABLE sample_ids (contact_id VARCHAR)')
  const appender = await connection.createAppender('sample_ids')
  for (const id of wanted) {
    appender.appendVarchar(id)
    appender.endRow()
  }
  appender.closeSync()
  await connection.run(
    `COPY (SELECT * FROM read_csv('${quote(resolve(files.events))}', header = true, all_varchar = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
             columns = { 'event_id': 'VARCHAR', 'contact_id': 'VARCHAR', 'event': 'VARCHAR', 'timestamp': 'VARCHAR', 'path': 'VARCHAR', 'email_id': 'VARCHAR', 'campaign_id': 'VARCHAR', 'link_id': 'VARCHAR', 'form_id': 'VARCHAR', 'content_id': 'VARCHAR', 'webinar_id': 'VARCHAR', 'video_id': 'VARCHAR', 'percent': 'VARCHAR', 'trial_plan_name': 'VARCHAR' })
           WHERE contact_id IN (SELECT contact_id FROM sample_ids))
     TO '${quote(sampleFile)}' (HEADER, DELIMITER ',')`,
  )
  const events = new Map<string, ContactEvent[]>()
  let eventCount = 0
  const source = readEvents(sampleFile, { strict: true })
  for await (const batch of source.batches()) {
    for (const { contactId, event } of batch) {
      const list = events.get(contactId)
      if (list === undefined) events.set(contactId, [event])
      else list.push(event)
      eventCount++
    }
  }
  rmSync(sampleFile, { force: true })

  const sql = new Map<string, SqlScore>()
  const reader = await connection.runAndReadAll('SELECT s.* FROM scores s JOIN sample_ids USING (contact_id)')
  for (const row of reader.getRowObjectsJS() as unknown as SqlScore[]) sql.set(row.contact_id, row)

  let mismatches = 0
  let maxDiff = 0
  const examples: string[] = []
  // what the sample exercises: contacts with points from each rule, and clamps that cut
  const nonzero = new Map<string, number>()
  const clamps = new Map<string, number>()
  const tally = (map: Map<string, number>, key: string): void => {
    map.set(key, (map.get(key) ?? 0) + 1)
  }
  for (const contact of contacts) {
    const accountId = contact.properties['account_id']
    const account = typeof accountId === 'string' ? accounts.get(accountId) : undefined
    const mine = evaluateContact(
      model,
      { id: contact.id, properties: contact.properties, account },
      events.get(contact.id) ?? [],
      asOf,
    )
    for (const [id, points] of Object.entries(mine.rules)) if (points !== 0) tally(nonzero, id)
    const { fit, engagement, total } = mine.ledger
    for (const group of [...fit.groups, ...engagement.groups]) {
      if (group.caps.length > 0) tally(clamps, `group ${group.id}`)
      for (const rule of group.rules) if (rule.caps.length > 0) tally(clamps, `rule ${rule.id}`)
    }
    if (fit.caps.length > 0) tally(clamps, 'fit')
    if (engagement.caps.length > 0) tally(clamps, 'engagement')
    if (engagement.inactivity?.applied) tally(clamps, 'inactivity applied')
    if (total.caps.length > 0) tally(clamps, 'total')
    tally(nonzero, `band ${mine.band}`)
    tally(nonzero, `stage ${mine.stage}`)
    const theirs = sql.get(contact.id)
    const problems: string[] = []
    if (theirs === undefined) {
      problems.push('no row in the SQL result')
    } else {
      for (const field of ['fit', 'engagement', 'total'] as const) {
        const diff = Math.abs(mine[field] - theirs[field])
        maxDiff = Math.max(maxDiff, diff)
        if (!(diff <= 1e-6)) problems.push(`${field} ${mine[field]} vs ${theirs[field]}`)
      }
      for (const field of ['grade', 'level', 'label', 'band', 'stage'] as const) {
        if (mine[field] !== theirs[field]) problems.push(`${field} ${mine[field]} vs ${theirs[field]}`)
      }
    }
    if (problems.length > 0) {
      mismatches++
      if (examples.length < 10) examples.push(`  ${contact.id}: ${problems.join('; ')} (engine vs SQL)`)
    }
  }
  process.stdout.write(
    [
      `check:    ${contacts.length.toLocaleString('en-US')} contacts (${eventCount.toLocaleString('en-US')} events) scored by the engine and by the SQL: ${mismatches} mismatches; largest difference in fit/engagement/total ${maxDiff.toExponential(1)} (${seconds(performance.now() - started)})`,
      ...examples,
      `          contacts with points from each rule, and in each band and stage: ${[...nonzero]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      `          clamps that cut: ${[...clamps]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      '',
    ].join('\n'),
  )
  const unused = [...model.fit.groups.flatMap((g) => g.rules), ...model.engagement.rules]
    .map((r) => r.id)
    .filter((id) => !nonzero.has(id))
  if (unused.length > 0)
    process.stdout.write(`          no contact of the sample has points from: ${unused.join(', ')}\n`)
  return mismatches
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
