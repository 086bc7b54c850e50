/**
 * The compiled SQL of bench/model.yaml (`compileToSql`, DuckDB dialect) against the
 * hand-written bench/duckdb/score.sql, and DuckDB over Parquet at scale:
 *
 *   npx tsx bench/sql.bench.ts [--dir bench/out] [--runs 3] [--threads n]
 *   npx tsx bench/sql.bench.ts --parquet [--copies 5] [--memory-limit 3GB] [--keep] [--no-engine]
 *
 * Default: the three CSV files of bench/generate-data.ts (1M contacts, 20M events) loaded
 * into DuckDB tables with the types of bench/duckdb/read.sql (untimed), then each query run
 * `--runs` times into an in-memory table, alternating, and which goes first alternates too
 * (the machine is shared: alternating spreads its load over both); medians of the wall time
 * and of the process's CPU time reported; then both results are compared contact by contact
 * (numbers within 1e-6, classes equal).
 *
 * `--parquet`: writes `--copies` copies of those files as Parquet (5 copies: 5M contacts,
 * 100M events; ids suffixed per copy), then scores them in a child process with DuckDB's
 * memory limit and reports its wall time, CPU time and peak RSS; then (unless `--no-engine`)
 * `leadscore score` scores the same files with its own engine (Parquet read in parts of
 * contacts) in a child process, reported the same way. The files are deleted afterwards
 * unless `--keep`; rerun the command to regenerate them.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type DuckDBConnection, DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api'
import { compileModel } from '../src/core/index.js'
import { formatIssue, loadModel } from '../src/core/model/index.js'
import { duckDbColumnType } from '../src/sql/engines/duckdb.js'
import { compileToSql, type SqlSchema } from '../src/sql/index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'as-of': { type: 'string' },
    runs: { type: 'string' },
    threads: { type: 'string' },
    parquet: { type: 'boolean' },
    copies: { type: 'string' },
    'memory-limit': { type: 'string' },
    keep: { type: 'boolean' },
    'no-engine': { type: 'boolean' },
    'score-parquet': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
})
if (values.help) {
  process.stdout.write(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('*/')[0]!
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  )
  process.exit(0)
}

const dir = values.dir ?? join('bench', 'out')
const asOfText = values['as-of'] ?? '2026-11-01T00:00:00Z'
const asOf = Date.parse(asOfText)
const runs = Math.max(1, Number(values.runs ?? 3))
const quote = (text: string): string => text.replaceAll("'", "''")
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')

function benchModel() {
  const text = readFileSync(join(HERE, 'model.yaml'), 'utf8')
  const loaded = loadModel(text, { filename: 'bench/model.yaml' })
  if (!loaded.ok) throw new Error(loaded.errors.map((i) => formatIssue(i, 'bench/model.yaml')).join('\n'))
  return compileModel(loaded.model)
}

async function describeTables(connection: DuckDBConnection): Promise<SqlSchema> {
  const out: Record<string, Record<string, ReturnType<typeof duckDbColumnType>>> = {}
  for (const table of ['contacts', 'events', 'accounts']) {
    const rows = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJS()
    out[table] = Object.fromEntries(
      rows.map((r) => [String(r.column_name), duckDbColumnType(String(r.column_type))]),
    )
  }
  return out
}

function compiledSql(schema: SqlSchema): string {
  return compileToSql(benchModel(), {
    dialect: 'duckdb',
    tables: { contacts: 'contacts', events: 'events', accounts: 'accounts' },
    schema,
    asOf,
  }).sql
}

function header(what: string): void {
  const cpuList = cpus()
  process.stdout.write(
    [
      `command:  npx tsx bench/sql.bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
      `machine:  ${cpuList[0]?.model ?? 'unknown CPU'} x ${cpuList.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free), ${process.platform} ${process.arch}`,
      `software: node ${process.version}, DuckDB ${duckdbVersion()} (@duckdb/node-api)`,
      `load:     ${load()} (1, 5, 15 min) before the run: other work on the machine slows every figure`,
      `model:    bench/model.yaml, as of ${new Date(asOf).toISOString()}; ${what}`,
      '',
    ].join('\n'),
  )
}

// ---------------------------------------------------------------------------------------------
// Compiled SQL against the hand-written SQL, same tables

async function compare(): Promise<void> {
  header('compileToSql (duckdb) vs bench/duckdb/score.sql')
  const files = {
    contacts: resolve(dir, 'contacts.csv'),
    accounts: resolve(dir, 'accounts.csv'),
    events: resolve(dir, 'events.csv'),
  }
  const fill = (template: string, vars: Record<string, string>) =>
    template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '')
  const readSql = fill(readFileSync(join(HERE, 'duckdb', 'read.sql'), 'utf8'), {
    contacts: quote(files.contacts),
    accounts: quote(files.accounts),
    events: quote(files.events),
  })
  const handSql = fill(readFileSync(join(HERE, 'duckdb', 'score.sql'), 'utf8'), {
    as_of_ms: String(asOf),
  }).trim()
  const instance = await DuckDBInstance.create(':memory:', values.threads ? { threads: values.threads } : {})
  const connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
  const statements = await connection.extractStatements(readSql)
  for (let i = 0; i < statements.count; i++) await (await statements.prepare(i)).run()
  const loadStarted = performance.now()
  await connection.run('CREATE TABLE contacts AS FROM contacts_csv')
  await connection.run('CREATE TABLE accounts AS FROM accounts_csv')
  await connection.run('CREATE TABLE events AS FROM events_csv')
  const loadMs = performance.now() - loadStarted
  const count = async (t: string) =>
    Number((await connection.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRowsJS()[0]![0])
  const sql = compiledSql(await describeTables(connection))
  // wall time, and the process's CPU time (DuckDB's threads run in it): on a shared machine
  // the CPU time is the steadier figure
  const hand = { wall: [] as number[], cpu: [] as number[] }
  const compiled = { wall: [] as number[], cpu: [] as number[] }
  for (let run = 0; run < runs; run++) {
    // alternate which goes first, so neither always runs after the other
    const order = [
      ['hand', handSql, hand],
      ['compiled', sql, compiled],
    ] as const
    for (const [name, query, times] of run % 2 === 0 ? order : [...order].reverse()) {
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      await connection.run(`CREATE OR REPLACE TEMP TABLE scores_${name} AS ${query}`)
      const ms = performance.now() - started
      const cpu = process.cpuUsage(cpuBefore)
      const cpuMs = (cpu.user + cpu.system) / 1000
      times.wall.push(ms)
      times.cpu.push(cpuMs)
      process.stdout.write(
        `${name === 'hand' ? 'hand-written' : 'compiled    '} SQL, run ${run + 1}: ${seconds(ms)} wall, ${seconds(cpuMs)} CPU (load ${load()})\n`,
      )
    }
  }
  const mismatches = Number(
    (
      await connection.runAndReadAll(`
        SELECT count(*) FROM scores_hand h FULL JOIN scores_compiled c USING (contact_id)
        WHERE h.contact_id IS NULL OR c.contact_id IS NULL
           OR abs(h.fit - c.fit) > 1e-6 OR abs(h.engagement - c.engagement) > 1e-6 OR abs(h.total - c.total) > 1e-6
           OR h.grade IS DISTINCT FROM c.grade OR h.level IS DISTINCT FROM c.level OR h.label IS DISTINCT FROM c.label
           OR h.band IS DISTINCT FROM c.band OR h.stage IS DISTINCT FROM c.stage`)
    ).getRowsJS()[0]![0],
  )
  const threads = (await connection.runAndReadAll("SELECT current_setting('threads')")).getRowsJS()[0]![0]
  process.stdout.write(
    [
      '',
      `data:     ${(await count('contacts')).toLocaleString('en-US')} contacts, ${(await count('accounts')).toLocaleString('en-US')} accounts, ${(await count('events')).toLocaleString('en-US')} events (${dir}, loaded into tables in ${seconds(loadMs)}, untimed); DuckDB ${threads} threads`,
      `hand-written bench/duckdb/score.sql: median ${seconds(median(hand.wall))} wall of ${runs} [${hand.wall.map(seconds).join(', ')}], CPU ${seconds(median(hand.cpu))} [${hand.cpu.map(seconds).join(', ')}]`,
      `compiled (leadscore sql --dialect duckdb): median ${seconds(median(compiled.wall))} wall of ${runs} [${compiled.wall.map(seconds).join(', ')}], CPU ${seconds(median(compiled.cpu))} [${compiled.cpu.map(seconds).join(', ')}]`,
      `ratio compiled / hand-written: ${(median(compiled.wall) / median(hand.wall)).toFixed(2)} wall, ${(median(compiled.cpu) / median(hand.cpu)).toFixed(2)} CPU`,
      `results: ${mismatches} contacts differ (fit, engagement, total within 1e-6; grade, level, label, band, stage)`,
      `load:     ${load()} (1, 5, 15 min) after the runs`,
      '',
    ].join('\n'),
  )
  connection.closeSync()
  instance.closeSync()
  if (mismatches > 0) process.exitCode = 1
}

// ---------------------------------------------------------------------------------------------
// Parquet at scale: generate, score in a child process under a memory limit, delete

async function parquet(): Promise<void> {
  const copies = Math.max(1, Number(values.copies ?? 5))
  const out = resolve(dir, 'sql-parquet')
  header(`${copies} copies of ${dir} as Parquet, scored by the compiled SQL`)
  mkdirSync(out, { recursive: true })
  const instance = await DuckDBInstance.create(':memory:', {
    ...(values.threads ? { threads: values.threads } : {}),
    memory_limit: '3GB',
    temp_directory: join(out, 'tmp'),
    preserve_insertion_order: 'false',
  })
  const connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
  const started = performance.now()
  const suffix = (column: string) =>
    `CASE WHEN k = 0 THEN ${column} ELSE ${column} || '~' || k END AS ${column}`
  const csv = (file: string) =>
    `read_csv('${quote(resolve(dir, file))}', header = true, all_varchar = true, auto_detect = true)`
  await connection.run(
    `COPY (SELECT * REPLACE (${suffix('contact_id')}, ${suffix('account_id')}, TRY_CAST(employees AS DOUBLE) AS employees) FROM ${csv('contacts.csv')}, range(${copies}) t(k))
     TO '${quote(join(out, 'contacts.parquet'))}' (FORMAT parquet)`,
  )
  await connection.run(
    `COPY (SELECT * REPLACE (${suffix('account_id')}, TRY_CAST(employees AS DOUBLE) AS employees) FROM ${csv('accounts.csv')}, range(${copies}) t(k))
     TO '${quote(join(out, 'accounts.parquet'))}' (FORMAT parquet)`,
  )
  await connection.run(
    `COPY (SELECT * REPLACE (${suffix('event_id')}, ${suffix('contact_id')}, CAST("timestamp" AS TIMESTAMPTZ) AS "timestamp", TRY_CAST(percent AS DOUBLE) AS percent)
           FROM ${csv('events.csv')}, range(${copies}) t(k))
     TO '${quote(join(out, 'events.parquet'))}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`,
  )
  connection.closeSync()
  instance.closeSync()
  const sizes = ['contacts', 'accounts', 'events'].map(
    (f) => `${f} ${mb(statSync(join(out, `${f}.parquet`)).size)}`,
  )
  process.stdout.write(`generated in ${seconds(performance.now() - started)}: ${sizes.join(', ')}\n`)
  const args = [
    '-f',
    '%e %U %S %M',
    process.execPath,
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--score-parquet',
    out,
  ]
  if (values.threads) args.push('--threads', values.threads)
  if (values['memory-limit']) args.push('--memory-limit', values['memory-limit'])
  const child = spawnSync('/usr/bin/time', args, { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] })
  const last = child.stderr.trim().split('\n').at(-1) ?? ''
  if (child.status !== 0) throw new Error(`scoring failed (${child.status}):\n${child.stderr}`)
  const [wall, user, system, kb] = last.split(' ').map(Number)
  process.stdout.write(
    `DuckDB, compiled SQL (child process, read Parquet, score, write Parquet): wall ${wall} s, CPU ${(user! + system!).toFixed(1)} s, peak RSS ${mb(kb! * 1024)}\nload:     ${load()}\n`,
  )
  if (!values['no-engine']) engineOnParquet(out)
  if (!values.keep) rmSync(out, { recursive: true, force: true })
  else process.stdout.write(`kept ${out}\n`)
}

/**
 * Leadscore's own engine on the same Parquet files: `leadscore score` in a child process
 * (it reads the Parquet in parts of contacts), its wall time, CPU time and peak RSS.
 */
function engineOnParquet(folder: string): void {
  const file = (name: string) => join(folder, name)
  const args = [
    '-f',
    '%e %U %S %M',
    process.execPath,
    '--import',
    'tsx',
    join(HERE, '..', 'src', 'cli', 'bin.ts'),
    'score',
    '--model',
    join(HERE, 'model.yaml'),
    '--contacts',
    file('contacts.parquet'),
    '--events',
    file('events.parquet'),
    '--accounts',
    file('accounts.parquet'),
    '--as-of',
    asOfText,
    '--out',
    file('leadscore-scores.csv'),
  ]
  const child = spawnSync('/usr/bin/time', args, { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] })
  const lines = child.stderr.trim().split('\n')
  if (child.status !== 0) throw new Error(`leadscore score failed (${child.status}):\n${child.stderr}`)
  const [wall, user, system, kb] = lines.at(-1)!.split(' ').map(Number)
  process.stdout.write(
    `${lines.slice(0, -1).join('\n')}\nleadscore score (child process, read Parquet in parts, score, write CSV): wall ${wall} s, CPU ${(user! + system!).toFixed(1)} s, peak RSS ${mb(kb! * 1024)}\nload:     ${load()}\n`,
  )
}

/** The child of `--parquet`: scores the Parquet files of `dir` into scores.parquet. */
async function scoreParquet(folder: string): Promise<void> {
  const limit = values['memory-limit'] ?? '3GB'
  const instance = await DuckDBInstance.create(':memory:', {
    ...(values.threads ? { threads: values.threads } : {}),
    memory_limit: limit,
    temp_directory: join(folder, 'tmp'),
    preserve_insertion_order: 'false',
  })
  const connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
  for (const t of ['contacts', 'events', 'accounts']) {
    await connection.run(
      `CREATE VIEW ${t} AS SELECT * FROM read_parquet('${quote(join(folder, `${t}.parquet`))}')`,
    )
  }
  const started = performance.now()
  await connection.run(
    `COPY (${compiledSql(await describeTables(connection))}) TO '${quote(join(folder, 'scores.parquet'))}' (FORMAT parquet)`,
  )
  const rows = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FROM read_parquet('${quote(join(folder, 'scores.parquet'))}')`,
      )
    ).getRowsJS()[0]![0],
  )
  const events = Number((await connection.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0]![0])
  process.stdout.write(
    `scored ${rows.toLocaleString('en-US')} contacts from ${events.toLocaleString('en-US')} events in ${seconds(performance.now() - started)} (DuckDB memory_limit ${limit})\n`,
  )
  connection.closeSync()
  instance.closeSync()
}

if (values['score-parquet']) await scoreParquet(values['score-parquet'])
else if (values.parquet) await parquet()
else await compare()
