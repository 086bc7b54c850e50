/**
 * "Every one committed and scored": after a load, the server's pending work drains, then the
 * figures are checked through the API and, once the server has stopped, in the database.
 * @module
 */
import { openStore } from '../../src/store/index.js'
import { type BenchServer, histogramQuantileMs, metric } from './bench-server.js'
import { round } from './stats.js'

/** The gauges of contacts stored but not yet rescored, by the names the server has had. */
const PENDING_GAUGES = ['leadscore_rescore_pending', 'leadscore_rescore_backlog']

export interface CatchUp {
  /** Whether the server has a gauge of pending rescoring (it rescores after the acknowledgement). */
  readonly rescorePendingGauge: boolean
  /** Seconds from the last acknowledgement until nothing was queued or pending. */
  readonly seconds: number
  /** The largest pending rescoring seen while waiting (with the gauge). */
  readonly maxPending: number
  /**
   * Seconds from the last acknowledgement until the API counted every touched contact as
   * scored (the gauge can read 0 while the last rescores are still being written); null when
   * it never did within 30 s of the gauge.
   */
  readonly apiSeconds: number | null
}

/** Waits until the ingest queue is empty and (with a pending gauge) no rescoring is pending. */
export async function waitForCatchUp(server: BenchServer, endedAt: number, timeoutS = 600): Promise<CatchUp> {
  let gauge = false
  let maxPending = 0
  for (;;) {
    const text = await server.metrics()
    const queued = metric(text, 'leadscore_ingest_queue_depth') ?? 0
    const pending = PENDING_GAUGES.map((name) => metric(text, name)).find((v) => v !== undefined)
    gauge ||= pending !== undefined
    maxPending = Math.max(maxPending, pending ?? 0)
    if (queued === 0 && (pending ?? 0) === 0)
      return {
        rescorePendingGauge: gauge,
        seconds: round((Date.now() - endedAt) / 1000),
        maxPending,
        apiSeconds: null,
      }
    if (Date.now() - endedAt > timeoutS * 1000)
      throw new Error(`the server still had ${queued} queued and ${pending} pending after ${timeoutS} s`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface ApiCheck {
  /** `leadscore_events_accepted_total` from /metrics. */
  readonly acceptedByServer: number
  /** Scored contacts of the primary model, by `/api/contacts/counts?by=band`. */
  readonly scoredContacts: number
  /** The server's delay from storing to rescoring, p99 (a bucket bound), ms, when it has that histogram. */
  readonly rescoreDelayP99Ms: number | undefined
}

export async function checkThroughApi(server: BenchServer): Promise<ApiCheck> {
  const admin = server.admin(1)
  const counts = await admin.json<{ counts: { count: number }[] }>('GET', '/api/contacts/counts?by=band')
  const metrics = await server.metrics()
  return {
    acceptedByServer: metric(metrics, 'leadscore_events_accepted_total') ?? Number.NaN,
    scoredContacts: counts.counts.reduce((sum, c) => sum + c.count, 0),
    rescoreDelayP99Ms: histogramQuantileMs(metrics, 'leadscore_rescore_delay_seconds', 0.99),
  }
}

export interface DatabaseCheck {
  readonly storedEvents: number
  readonly touchedContacts: number
  /** Touched contacts with a score from the primary model. */
  readonly scoredTouchedContacts: number
}

/** Counts the stored events and the touched contacts with a score (the server stopped). */
export async function checkDatabase(location: string, users: ReadonlySet<string>): Promise<DatabaseCheck> {
  const store = await openStore(location)
  try {
    let storedEvents = 0
    for await (const page of store.streamEvents({ pageSize: 20_000 })) storedEvents += page.length
    const primary = (await store.publishedModels()).find((m) => m.primary)
    if (primary === undefined) throw new Error(`${location} has no primary model`)
    const ids = [...users]
    let scored = 0
    for (let i = 0; i < ids.length; i += 1000)
      scored += (await store.scoresOf(primary.id, ids.slice(i, i + 1000))).length
    return { storedEvents, touchedContacts: ids.length, scoredTouchedContacts: scored }
  } finally {
    await store.close()
  }
}

export interface Verified {
  readonly catchUp: CatchUp
  readonly api: ApiCheck
  readonly database: DatabaseCheck
  /** What did not hold, in words; empty when every acknowledged event is stored and every touched contact scored. */
  readonly problems: string[]
}

/**
 * After a load: waits for the catch-up, checks through the API, stops the server, then checks
 * the database against what the clients saw acknowledged.
 */
export async function verifyLoad(
  server: BenchServer,
  location: string,
  load: { acknowledged: number; errors: number; users: ReadonlySet<string>; endedAt: number },
): Promise<Verified> {
  const gauge = await waitForCatchUp(server, load.endedAt)
  let api = await checkThroughApi(server)
  const giveUp = Date.now() + 30_000
  while (api.scoredContacts < load.users.size && Date.now() < giveUp) {
    await new Promise((r) => setTimeout(r, 50))
    api = await checkThroughApi(server)
  }
  const catchUp: CatchUp = {
    ...gauge,
    apiSeconds: api.scoredContacts >= load.users.size ? round((Date.now() - load.endedAt) / 1000) : null,
  }
  await server.stop()
  const database = await checkDatabase(location, load.users)
  const problems: string[] = []
  if (load.errors > 0) problems.push(`${load.errors} requests failed`)
  if (api.acceptedByServer !== load.acknowledged)
    problems.push(`the server counted ${api.acceptedByServer} accepted events`)
  if (database.storedEvents !== load.acknowledged) problems.push(`${database.storedEvents} events stored`)
  if (database.scoredTouchedContacts !== database.touchedContacts)
    problems.push(
      `${database.touchedContacts - database.scoredTouchedContacts} touched contacts without a score`,
    )
  if (api.scoredContacts !== database.touchedContacts)
    problems.push(
      `the API counts ${api.scoredContacts} scored contacts, ${database.touchedContacts} were touched`,
    )
  return { catchUp, api, database, problems }
}

/** "every one committed and scored", or what failed. */
export function verdict(v: Verified, acknowledged: number): string {
  const { database: db, api } = v
  return `checked: ${db.storedEvents.toLocaleString('en-US')} events stored (acknowledged ${acknowledged.toLocaleString('en-US')}, server counter ${api.acceptedByServer.toLocaleString('en-US')}); ${db.scoredTouchedContacts.toLocaleString('en-US')} of ${db.touchedContacts.toLocaleString('en-US')} touched contacts scored (API: ${api.scoredContacts.toLocaleString('en-US')})${v.problems.length ? ` — FAILED: ${v.problems.join('; ')}` : ' — every one committed and scored'}`
}
