/**
 * A `leadscore serve` process for the serve benchmark (started with `startServer`, rate
 * limits off), its databases (a SQLite file or a PostgreSQL schema per section), its
 * `/metrics` and its memory.
 * @module
 */
import { rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import {
  ADMIN,
  exited,
  type Server,
  startServer,
  WRITE,
} from '../../src/server/test-support/serve-process.js'
import { type HttpClient, httpClient } from './http-client.js'

export function isPostgres(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/** `url` without its `schema` parameter, and that schema (default `bench_serve`). */
function splitSchema(url: string): { url: string; schema: string } {
  const parsed = new URL(url)
  const schema = parsed.searchParams.get('schema') ?? 'bench_serve'
  parsed.searchParams.delete('schema')
  return { url: parsed.toString(), schema }
}

/**
 * Where section `name` keeps its data: `<dir>/<name>.db`, or the schema `<schema>_<name>` of
 * the PostgreSQL database `db`. With `fresh`, whatever was there is deleted first.
 */
export async function sectionDatabase(
  db: string | undefined,
  dir: string,
  name: string,
  fresh: boolean,
): Promise<string> {
  if (db === undefined || !isPostgres(db)) {
    const file = join(db ?? dir, `${name}.db`)
    if (fresh) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
    return file
  }
  const { url, schema } = splitSchema(db)
  const section = `${schema}_${name}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase()
  if (fresh) await dropSchema(url, section)
  const located = new URL(url)
  located.searchParams.set('schema', section)
  return located.toString()
}

/** Drops the schema of a section database (a PostgreSQL URL with `?schema=`); nothing for SQLite. */
export async function dropSectionDatabase(location: string): Promise<void> {
  if (isPostgres(location)) {
    const { url, schema } = splitSchema(location)
    await dropSchema(url, schema)
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${location}${suffix}`, { force: true })
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

/** A database location safe to print (no password). */
export function shown(location: string): string {
  if (!isPostgres(location)) return location
  const url = new URL(location)
  if (url.password) url.password = '***'
  return url.toString()
}

export interface BenchServer {
  readonly server: Server
  readonly url: string
  readonly pid: number
  /** Writes (`/v1/*`) with the write key, `sockets` connections. */
  writer(sockets: number): HttpClient
  /** The admin API with the admin key, `sockets` connections. */
  admin(sockets: number): HttpClient
  /** `/metrics` as text. */
  metrics(): Promise<string>
  /** The server's resident memory now and its peak so far, MB of 10^6 bytes (Linux `/proc`). */
  memory(): Promise<{ rssMb: number; peakMb: number }>
  /** SIGTERM, then waits for the exit (a graceful stop commits what is queued); once. */
  stop(): Promise<void>
}

export async function startBenchServer(location: string): Promise<BenchServer> {
  const server = await startServer(location, {
    LEADSCORE_RATE_LIMIT_WRITE: '0',
    LEADSCORE_RATE_LIMIT_ADMIN: '0',
  })
  const pid = server.proc.pid!
  const clients: HttpClient[] = []
  const client = (sockets: number, key: string) => {
    const c = httpClient(server.url, sockets, { authorization: key })
    clients.push(c)
    return c
  }
  const monitor = httpClient(server.url, 1)
  let stopping: Promise<void> | undefined
  clients.push(monitor)
  return {
    server,
    url: server.url,
    pid,
    writer: (sockets) => client(sockets, `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`),
    admin: (sockets) => client(sockets, `Bearer ${ADMIN}`),
    metrics: async () => (await monitor.send('GET', '/metrics')).body.toString('utf8'),
    memory: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const kb = (field: string) =>
        Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN)
      return { rssMb: Math.round(kb('VmRSS') * 0.001024), peakMb: Math.round(kb('VmHWM') * 0.001024) }
    },
    stop() {
      stopping ??= (async () => {
        for (const c of clients) c.close()
        server.proc.kill('SIGTERM')
        const { code, signal } = await exited(server.proc)
        if (code !== 0)
          throw new Error(`the server stopped with ${code ?? signal}:\n${server.log().slice(-2000)}`)
      })()
      return stopping
    },
  }
}

/** A counter or gauge of a `/metrics` text (the sum over its label sets), or undefined when absent. */
export function metric(text: string, name: string): number | undefined {
  let found = false
  let sum = 0
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
    found = true
    sum += Number(m[1])
  }
  return found ? sum : undefined
}

/**
 * Runs `section` on a server over a fresh database named `name`; stops the server (unless
 * `section` did) and deletes the database afterwards.
 */
export async function withFreshServer<R>(
  db: string | undefined,
  dir: string,
  name: string,
  section: (server: BenchServer, location: string) => Promise<R>,
): Promise<R> {
  const location = await sectionDatabase(db, dir, name, true)
  const server = await startBenchServer(location)
  try {
    return await section(server, location)
  } finally {
    await server.stop().catch(() => {})
    await dropSectionDatabase(location)
  }
}

/**
 * The upper bound, in ms, of the bucket holding the `q` quantile of a `/metrics` histogram
 * (summed over its label sets); undefined when the server has no such histogram or no sample.
 */
export function histogramQuantileMs(text: string, name: string, q: number): number | undefined {
  const buckets = new Map<number, number>()
  for (const m of text.matchAll(
    new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'),
  )) {
    const le = m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1])
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]))
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0])
  const total = sorted.at(-1)?.[1] ?? 0
  if (total === 0) return undefined
  const hit = sorted.find(([, c]) => c >= q * total)
  return hit === undefined ? undefined : hit[0] * 1000
}
