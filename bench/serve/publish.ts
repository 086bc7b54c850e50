/**
 * Section `publish`: a new version of the primary model published through the API over the
 * big database (every contact rescored from its stored events), while clients keep sending
 * `/v1/batch` at a steady rate: the time until the publish job is done, and the ingestion
 * latency meanwhile.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { runBatchLoad } from './batch-load.js'
import type { BenchServer } from './bench-server.js'
import type { BigStore } from './big-store.js'
import type { SectionContext, SectionResult } from './section.js'
import { count, latency, latencyText, load, round } from './stats.js'

export const PUBLISH_TARGET_S = 60

export interface PublishSizes {
  /** Events/s sent meanwhile. */
  readonly rate: number
  readonly clients: number
  /** Give up waiting after this many seconds. */
  readonly timeoutS: number
}

interface Job {
  readonly model: string
  readonly version: number
  readonly status: string
  readonly scored: number
  readonly accounts?: number
  readonly startedAt: number
  readonly finishedAt: number | null
  readonly error: string | null
}

/** CPU seconds (user + system) process `pid` used so far (Linux `/proc/<pid>/stat`, 100 ticks a second). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // fields after the command name (which may hold spaces), from the state on: utime is the 12th, stime the 13th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export async function publishSection(
  ctx: SectionContext,
  big: BigStore,
  server: BenchServer,
  sizes: PublishSizes,
): Promise<SectionResult> {
  const data = `${count(big.contacts)} contacts, ${count(big.events)} stored events; ${count(sizes.rate)} events/s of /v1/batch meanwhile`
  ctx.log(`publish: ${data}`)
  const admin = server.admin(1)
  const current = await admin.json<{ source: string }>(
    'GET',
    `/api/models/${big.model.id}/versions/${big.model.version}`,
  )
  const source = `${current.source.trimEnd()}\n# serve benchmark: republished ${new Date().toISOString()}\n`
  const draft = await admin.json<{ model: { id: string; version: number } }>('POST', '/api/models', source, {
    'content-type': 'application/yaml',
  })
  const { id, version } = draft.model
  const controller = new AbortController()
  const ingestion = runBatchLoad(server.writer(sizes.clients), {
    clients: sizes.clients,
    batch: 100,
    users: 20_000,
    seconds: sizes.timeoutS,
    rate: sizes.rate,
    prefix: `publish-${version}`,
    signal: controller.signal,
  })
  await new Promise((r) => setTimeout(r, 2000)) // ingestion settled before the publish starts
  const t = performance.now()
  const cpuBefore = await cpuSeconds(server.pid)
  await admin.json('POST', `/api/models/${id}/versions/${version}/publish`, {})
  let job: Job | undefined
  let peakMb = 0
  let shown = t
  for (;;) {
    await new Promise((r) => setTimeout(r, 500))
    const { jobs } = await admin.json<{ jobs: Job[] }>('GET', '/api/models')
    job = jobs.find((j) => j.model === id && j.version === version)
    peakMb = Math.max(peakMb, (await server.memory()).rssMb)
    if (job !== undefined && job.status !== 'running') break
    if (performance.now() - shown > 15_000) {
      shown = performance.now()
      ctx.log(`  ${count(job?.scored ?? 0)} contacts rescored after ${round((shown - t) / 1000)} s`)
    }
    if (performance.now() - t > sizes.timeoutS * 1000) break
  }
  const seconds = (performance.now() - t) / 1000
  const cpu = (await cpuSeconds(server.pid)) - cpuBefore
  controller.abort()
  const load_ = await ingestion
  const ingestLatency = latency(load_.latencies)
  const done = job?.status === 'done'
  const scored = job?.scored ?? 0
  ctx.log(
    done
      ? `  publish done in ${round(seconds)} s (server CPU ${round(cpu)} s, ingestion included): ${count(scored)} contacts rescored (${count(scored / seconds)}/s), ${count(job?.accounts ?? 0)} accounts rolled up`
      : `  publish ${job?.status ?? 'not found'} after ${round(seconds)} s (server CPU ${round(cpu)} s): ${count(scored)} of ${count(big.contacts)} contacts rescored${job?.error ? `: ${job.error}` : ''}`,
  )
  ctx.log(
    `  /v1/batch meanwhile: ${count(load_.acknowledged / load_.seconds)} events/s acknowledged, ${load_.errors} errors, ${load_.overloaded} 429s; ${latencyText(ingestLatency)}`,
  )
  const estimate = done || scored === 0 ? seconds : (seconds * big.contacts) / scored
  return {
    targets: [
      {
        target: `publish over ${count(big.contacts)} contacts and ${count(big.events)} events: ≤ ${PUBLISH_TARGET_S} s, ingestion answering`,
        measured: done
          ? `${round(seconds)} s (${count(scored)} contacts rescored)`
          : `not done after ${round(seconds)} s (${count(scored)} rescored; about ${count(estimate)} s in all at that pace)`,
        value: round(estimate),
        limit: PUBLISH_TARGET_S,
        met: done && seconds <= PUBLISH_TARGET_S && load_.errors === 0,
        data,
        load: load(),
        note: `/v1/batch meanwhile: p50 ${ingestLatency.p50} ms, p99 ${ingestLatency.p99} ms, max ${ingestLatency.max} ms, ${load_.errors} errors`,
      },
    ],
    figures: {
      contacts: big.contacts,
      events: big.events,
      job,
      done,
      seconds: round(seconds),
      serverCpuSeconds: round(cpu),
      estimatedSeconds: round(estimate),
      contactsPerSecond: Math.round(scored / seconds),
      peakRssDuringMb: peakMb,
      ingestion: {
        rate: sizes.rate,
        eventsPerSecond: Math.round(load_.acknowledged / load_.seconds),
        errors: load_.errors,
        overloaded: load_.overloaded,
        latencyMs: ingestLatency,
      },
    },
  }
}
