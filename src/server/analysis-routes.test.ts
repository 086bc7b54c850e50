import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOD, NOISE } from '../analysis/test-support/models.js'
import { plantedLeads, T0 } from '../analysis/test-support/planted.js'
import { DAY_MS } from '../core/index.js'
import { createEngine, type Engine, manualClock } from '../engine/index.js'
import { storeTargets } from '../engine/test-support/store-targets.js'
import type { Store } from '../store/index.js'
import { createApp } from './app.js'

const ADMIN = 'test-admin-key'
const WRITE = 'test-write-key'
const iso = (t: number) => new Date(t).toISOString()
const AS_OF = iso(T0 + 60 * DAY_MS)
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any

// the models' stages, with `customer` reachable by people (no `when`), as the primary model
const PRIMARY = GOOD.replace('id: good', 'id: primary')

for (const target of storeTargets()) {
  describe(`analysis routes (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []
    afterAll(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      await target.cleanup()
    })

    /** A service holding 600 planted leads; converters become customers when they win a deal. */
    async function setup() {
      const store = await target.open()
      const clock = manualClock(T0)
      const engine = await createEngine({
        store,
        clock,
        tickIntervalMs: 0,
        staticKeys: { write: WRITE, admin: ADMIN },
      })
      open.push({ engine, store })
      const primary = await engine.createDraft(PRIMARY)
      await (await engine.publishModel('primary', primary.model.version, { primary: true })).done
      await engine.createDraft(GOOD)
      await engine.createDraft(NOISE)
      const leads = plantedLeads(600, { trialShare: 0.1 })
      const messages: Record<string, unknown>[] = []
      const wins: { id: string; ts: number }[] = []
      leads.forEach((lead, c) => {
        // identified when first seen: a lead is in play from then on
        messages.push({
          type: 'identify',
          userId: `c${c}`,
          messageId: `i${c}`,
          traits: lead.properties,
          timestamp: iso(T0 + lead.events[0]!.day * DAY_MS),
        })
        lead.events.forEach((e, k) => {
          const ts = T0 + e.day * DAY_MS
          messages.push({
            type: 'track',
            userId: `c${c}`,
            event: e.name,
            messageId: `e${c}-${k}`,
            timestamp: iso(ts),
          })
          if (e.name === 'Deal Won') wins.push({ id: `c${c}`, ts })
        })
      })
      clock.set(T0 + 130 * DAY_MS)
      await engine.ingest(messages)
      // stage changes happen at the clock's time: replay the wins in time order
      for (const w of wins.sort((a, b) => a.ts - b.ts)) {
        clock.set(w.ts)
        await engine.upsertContacts([{ id: w.id, stage: 'customer' }])
      }
      clock.set(T0 + 130 * DAY_MS)
      const app = createApp({ engine, store })
      const get = async (path: string, key = ADMIN) => {
        const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } })
        return { status: res.status, body: (await res.json()) as Json }
      }
      const post = async (path: string, body: unknown) => {
        const res = await app.request(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        return { status: res.status, body: (await res.json()) as Json }
      }
      return { get, post, wins }
    }

    let service: Awaited<ReturnType<typeof setup>>
    beforeAll(async () => {
      service = await setup()
    }, 60_000)

    it('signals from the stored events, with the outcome as a stage reached at its transition', async () => {
      const { get, wins } = service
      const byEvent = await get('/api/analysis/signals?outcome=event%3DDeal%20Won&limit=500')
      expect(byEvent.status).toBe(200)
      expect(byEvent.body.conversions).toBe(wins.length)
      const webinar = byEvent.body.signals.find(
        (s: Json) => s.kind === 'event' && s.name === 'Webinar Attended',
      )
      expect(webinar.interval.low).toBeLessThanOrEqual(0.6)
      expect(webinar.interval.high).toBeGreaterThanOrEqual(0.6)
      expect(byEvent.body.signals.some((s: Json) => s.name === 'Deal Won')).toBe(false)
      // the default outcome: stage customer, timed by the stage transitions
      const byStage = await get('/api/analysis/signals?limit=500')
      expect(byStage.body.outcome).toBe('stage=customer')
      expect(byStage.body.conversions).toBe(wins.length)
      const w2 = byStage.body.signals.find((s: Json) => s.kind === 'event' && s.name === 'Webinar Attended')
      expect(w2.medianDays).toBe(10)
    })

    it('backtests, compares and runs weekly; needs an admin key', async () => {
      const { get } = service
      const one = await get(
        `/api/analysis/backtest?model=good&asOf=${AS_OF}&days=30&outcome=event%3DDeal%20Won`,
      )
      expect(one.status).toBe(200)
      expect(one.body.auc).toBeGreaterThan(0.6)
      expect(one.body.mql.definition).toBe('stage mql or later')
      const cmp = await get(`/api/analysis/backtest?model=good&compare=noise&asOf=${AS_OF}&days=30`)
      expect(cmp.body.better).toBe('a')
      const weekly = await get(`/api/analysis/backtest?model=good&asOf=${AS_OF}&weeks=3`)
      expect(weekly.body.models[0].weeks).toHaveLength(3)
      // a write key may only ingest
      expect((await get('/api/analysis/backtest', WRITE)).status).toBe(403)
      expect((await get('/api/analysis/backtest', 'not-a-key')).status).toBe(401)
      expect((await get('/api/analysis/backtest?model=nope')).status).toBe(404)
      const bad = await get('/api/analysis/backtest?outcome=won')
      expect(bad.status).toBe(400)
      expect(bad.body.error.message).toContain('is not an outcome')
    })

    it('threshold from capacity, drift, and a suggested draft stored as a new version', async () => {
      const { get, post } = service
      const t = await get(`/api/analysis/threshold?model=good&capacity=10&weeks=4&asOf=${AS_OF}&days=30`)
      expect(t.status).toBe(200)
      expect(t.body.perWeek).toBeLessThanOrEqual(10)
      expect((await get('/api/analysis/threshold?capacity=0')).status).toBe(400)
      const d = await get('/api/analysis/drift?model=good&from=2026-02-01&to=2026-04-01')
      expect(d.body.months).toHaveLength(3)
      const s = await post('/api/analysis/suggest', {
        model: 'noise',
        asOf: AS_OF,
        days: 30,
        saveDraft: true,
      })
      expect(s.status).toBe(200)
      expect(s.body.rules.map((r: Json) => r.rule)).toEqual(['pro-plan', 'free-plan', 'pages', 'webinar'])
      expect(s.body.diff).toMatch(/^(new: |[a-z-]+: -?\d+ → -?\d+)/)
      expect(s.body.holdout.leads).toBeGreaterThan(0)
      expect(s.body.draftVersion).toEqual({ id: 'noise', version: 2 })
    })
  })
}

describe('the OpenAPI document', () => {
  it('lists the analysis routes', async () => {
    const { openApiDocument } = await import('./openapi.js')
    const doc = openApiDocument('test') as { paths: Record<string, unknown> }
    for (const path of ['signals', 'backtest', 'threshold', 'drift', 'suggest'])
      expect(Object.keys(doc.paths)).toContain(`/api/analysis/${path}`)
  })
})
