import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DAY_MS } from '../../core/index.js'
import { openSqliteStore, type Store } from '../../store/index.js'
import { manualClock } from '../clock.js'
import { defaultModelSource } from '../default-model.js'
import { seedDemoWorkspace } from '../demo-workspace.js'
import { createEngine, type Engine } from '../engine.js'
import { InvalidRequestError } from '../errors.js'
import { PredictiveService } from './service.js'
import { loadStoredModel } from './stored-model.js'
import type { StoredEvaluation } from './train-from-store.js'

const NOW = Date.parse('2026-10-01T00:00:00Z')
/** The default model, with the likelihood of `conversions` adding up to 20 points. */
const WITH_PREDICTIVE = `${defaultModelSource()}\npredictive: { model: conversions, weight: 20 }\n`

const dirs: string[] = []
const services: PredictiveService[] = []
const open: { engine?: Engine; store: Store }[] = []
afterEach(async () => {
  for (const s of services.splice(0)) await s.close()
  for (const o of open.splice(0)) {
    await o.engine?.close()
    await o.store.close()
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function setup(source = WITH_PREDICTIVE) {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-predictive-'))
  dirs.push(dir)
  const path = join(dir, 'leadscore.db')
  const store = await openSqliteStore({ path })
  const clock = manualClock(NOW)
  const engine = await createEngine({
    store,
    clock,
    tickIntervalMs: 0,
    webhooks: false,
    defaultModel: source,
  })
  const service = new PredictiveService({ store, clock })
  services.push(service)
  open.push({ engine, store })
  return { store, clock, engine, service, path }
}

describe('training from the stored contacts', () => {
  it('trains on a label property, keeps the version with its evaluation, predicts every contact, and rescoring adds weight × likelihood', async () => {
    const { store, engine, service, clock } = await setup()
    const demo = await seedDemoWorkspace(engine, { contacts: 700, outcome: true })
    const { job, created } = await service.train({ outcome: 'property=converted', learner: 'logistic' })
    expect(created).toBe(true)
    const done = await service.waitFor(job.id)
    expect(done).toMatchObject({ status: 'succeeded', modelVersion: 1, trigger: 'api' })
    expect(done.step).toBe(`trained version 1 and predicted ${demo.contacts} contacts`)

    const [summary] = await service.models()
    expect(summary).toMatchObject({ id: 'conversions', version: 1, active: true })
    const evaluation = summary!.evaluation as StoredEvaluation
    expect(evaluation.contacts).toBe(demo.contacts)
    expect(evaluation.auc).toBeGreaterThan(0.6)
    expect(evaluation.liftByDecile).toHaveLength(10)
    expect(evaluation.calibration.length).toBeGreaterThan(0)
    const codes = (summary!.warnings as { code: string }[]).map((w) => w.code)
    expect(codes).toContain('untimed-outcomes') // a property without a time
    // the label itself is never a feature
    const loaded = await loadStoredModel(store, await service.model('conversions'))
    expect(loaded.behaviour.properties).not.toContain('converted')
    expect(loaded.behaviour.properties).toContain('account.industry')
    // identifiers name people and companies rather than describe them
    for (const id of [
      'email',
      'first_name',
      'last_name',
      'phone',
      'company',
      'account.name',
      'account.domain',
    ])
      expect(loaded.behaviour.properties).not.toContain(id)
    expect(loaded.behaviour.properties).toContain('job_title')

    // every contact has a likelihood with reasons in points, copied into the scores
    const page = await store.listContacts({ model: 'b2b-saas', sort: 'likelihood', limit: 5 })
    const top = page.items[0]!
    expect(top.score.likelihood).toBeGreaterThan(0)
    const [prediction] = await store.contactPredictions(top.contact.id)
    expect(prediction!.likelihood).toBe(top.score.likelihood)
    const reasons = prediction!.reasons as { raised: { text: string; points: number }[] }
    expect(reasons.raised.length).toBeGreaterThan(0)
    expect(reasons.raised[0]!.text).toMatch(/ = .+ \+\d+(\.\d)? pts$/)

    // the timer rescores them: the total now carries 20 × likelihood / 100
    clock.advance(1000)
    await engine.tick()
    const detail = await engine.contact(top.contact.id)
    const stored = detail.scores.find((s) => s.modelId === 'b2b-saas')!
    expect(stored.likelihood).toBe(prediction!.likelihood)
    expect(detail.live.likelihood).toBe(prediction!.likelihood)
    expect(detail.live.ledger.predictive.points).toBeCloseTo((20 * prediction!.likelihood) / 100, 6)

    // a second training is a new version; only one runs at a time
    const again = await service.train({ outcome: 'property=converted', learner: 'logistic', activate: false })
    const busy = await service.train({ outcome: 'property=converted' })
    expect(busy).toMatchObject({ created: false, job: { id: again.job.id } })
    await service.waitFor(again.job.id)
    expect((await service.models('conversions')).map((m) => [m.version, m.active])).toEqual([
      [1, true],
      [2, false],
    ])
  }, 120_000)

  it('computes behaviour only from events before each conversion (stage reached, from the stage history)', async () => {
    const { engine, service, store, clock } = await setup()
    // 12 become customers on day 0 and then use the product; 28 never do; all browse before
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`)
    const messages: Record<string, unknown>[] = []
    ids.forEach((id, i) => {
      messages.push({
        type: 'identify',
        userId: id,
        messageId: `i-${id}`,
        traits: { email: `${id}@x.com`, plan: i % 3 === 0 ? 'pro' : 'free' },
        timestamp: new Date(NOW - 30 * DAY_MS).toISOString(),
      })
      for (let k = 0; k < (i < 12 ? 4 : 1 + (i % 3)); k++)
        messages.push({
          type: 'page',
          userId: id,
          messageId: `p-${id}-${k}`,
          properties: { path: '/pricing' },
          timestamp: new Date(NOW - (20 - k) * DAY_MS).toISOString(),
        })
    })
    await engine.ingest(messages)
    clock.set(NOW - 10 * DAY_MS)
    await engine.upsertContacts(ids.slice(0, 12).map((id) => ({ id, stage: 'customer' })))
    clock.set(NOW)
    await engine.ingest(
      ids.slice(0, 12).flatMap((id) =>
        [1, 2, 3].map((k) => ({
          type: 'track',
          event: 'Product Used',
          userId: id,
          messageId: `u-${id}-${k}`,
          timestamp: new Date(NOW - (10 - k) * DAY_MS).toISOString(),
        })),
      ),
    )
    const { job } = await service.train({ outcome: 'stage=customer', learner: 'logistic', folds: 3 })
    const done = await service.waitFor(job.id)
    expect(done.status).toBe('succeeded')
    const record = await service.model('conversions')
    const loaded = await loadStoredModel(store, record)
    // product use came after every conversion: as of the cut-offs nobody had used it
    expect(loaded.behaviour.eventNames).not.toContain('product used')
    expect(loaded.behaviour.eventNames).toContain('page')
    const evaluation = record.evaluation as StoredEvaluation
    expect(evaluation).toMatchObject({ contacts: 40, conversions: 12, untimedConversions: 0 })
    const codes = (record.warnings as { code: string }[]).map((w) => w.code)
    expect(codes).toEqual(expect.arrayContaining(['few-conversions', 'few-leads']))
    expect(codes).not.toContain('untimed-outcomes')
  }, 60_000)

  it('learns "converts within the horizon" from a snapshot, where behaviour at conversion looks like a leak', async () => {
    const { engine, service } = await setup()
    await seedDemoWorkspace(engine, { contacts: 800 })
    const train = async (horizonDays?: number) => {
      const { job } = await service.train({
        outcome: 'event=Demo Requested',
        learner: 'logistic',
        folds: 3,
        horizonDays,
      })
      expect((await service.waitFor(job.id)).status).toBe('succeeded')
      return service.model('conversions')
    }
    /** The AUC a leak warning gives a feature alone (0.85, the threshold, when it is not named). */
    const leakAuc = (record: { warnings: readonly unknown[] }, feature: string) => {
      const w = (record.warnings as { feature?: string; message: string }[]).find(
        (x) => x.feature === feature,
      )
      return w === undefined ? 0.85 : Number(/AUC (\d\.\d+)/.exec(w.message)![1])
    }
    const leaks = (record: { warnings: readonly unknown[] }) =>
      (record.warnings as { code: string; feature?: string }[])
        .filter((w) => w.code === 'probable-leak')
        .map((w) => w.feature)
    const atConversion = await train()
    const codes = (atConversion.warnings as { code: string }[]).map((w) => w.code)
    expect(codes).toContain('behaviour-at-conversion')
    expect(leaks(atConversion)).toContain('days_since_last_event')
    const e1 = atConversion.evaluation as StoredEvaluation
    expect(e1).toMatchObject({ horizonDays: null, snapshot: null, leftOut: 0, contacts: 800 })

    const cohort = await train(60)
    const e2 = cohort.evaluation as StoredEvaluation
    expect(e2.snapshot).toBe(NOW - 60 * DAY_MS)
    expect(e2.horizonDays).toBe(60)
    // left out: contacts first seen after the snapshot, and those who requested a demo before it
    expect(e2.leftOut).toBeGreaterThan(0)
    expect(e2.contacts + e2.leftOut).toBe(800)
    expect((cohort.warnings as { code: string }[]).map((w) => w.code)).not.toContain(
      'behaviour-at-conversion',
    )
    // recency no longer nearly tells the outcome by itself
    expect(leakAuc(cohort, 'days_since_last_event')).toBeLessThan(
      leakAuc(atConversion, 'days_since_last_event') - 0.05,
    )
    expect(e2.auc).toBeLessThan(e1.auc)
  }, 120_000)

  it('fails the job with what to do when the data has one class, and refuses bad requests at once', async () => {
    const { engine, service } = await setup()
    await engine.ingest([{ type: 'identify', userId: 'a', messageId: 'i-a', traits: { email: 'a@x.com' } }])
    const { job } = await service.train({ outcome: 'stage=customer' })
    const done = await service.waitFor(job.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/same label.*nothing to learn/)
    await expect(service.train({ outcome: 'customer' })).rejects.toThrow(InvalidRequestError)
    await expect(service.train({ outcome: 'stage=customer', modelId: 'not an id' })).rejects.toThrow(
      InvalidRequestError,
    )
    await expect(service.train({ outcome: 'stage=customer', outcomeTime: 'won_at' })).rejects.toThrow(
      /property outcome only/,
    )
  })

  it('predicts again only contacts that changed since their prediction', async () => {
    const { engine, service, store, clock } = await setup()
    await seedDemoWorkspace(engine, { contacts: 300, outcome: true })
    const { job } = await service.train({ outcome: 'property=converted', learner: 'logistic', folds: 3 })
    await service.waitFor(job.id)
    expect(await service.refresh()).toMatchObject({ kind: 'refresh', predicted: 0, models: 1 })
    const [first] = await store.contactIds({ after: null, limit: 1 })
    clock.advance(60_000)
    await engine.ingest([{ type: 'track', event: 'Demo Requested', userId: first, messageId: 'new-demo' }])
    const before = (await store.contactPredictions(first!))[0]!
    expect(await service.refresh()).toMatchObject({ predicted: 1 })
    const after = (await store.contactPredictions(first!))[0]!
    expect(after.predictedAt).toBeGreaterThan(before.predictedAt)
  }, 60_000)
})

describe('the schedule', () => {
  it('retrains once per period across two services on one database, repeating the last request', async () => {
    const { store, engine, clock, path } = await setup()
    await seedDemoWorkspace(engine, { contacts: 200, outcome: true })
    const other = await openSqliteStore({ path })
    open.push({ store: other })
    const a = new PredictiveService({ store, clock, retrainEveryMs: 7 * DAY_MS, refreshEveryMs: 0 })
    const b = new PredictiveService({ store: other, clock, retrainEveryMs: 7 * DAY_MS, refreshEveryMs: 0 })
    services.push(a, b)
    // nothing trained yet: nothing to repeat
    await Promise.all([a.onSchedule(), b.onSchedule()])
    expect(await store.listTrainingJobs({})).toEqual([])
    const { job } = await a.train({ outcome: 'property=converted', learner: 'logistic', folds: 3 })
    await a.waitFor(job.id)
    // within the period: nothing; after it: one of the two trains
    clock.advance(DAY_MS)
    await Promise.all([a.onSchedule(), b.onSchedule()])
    expect(await store.listTrainingJobs({})).toHaveLength(1)
    clock.advance(7 * DAY_MS)
    await Promise.all([a.onSchedule(), b.onSchedule()])
    const jobs = await store.listTrainingJobs({})
    expect(jobs.map((j) => j.trigger)).toEqual(['schedule', 'api'])
    await a.waitFor(jobs[0]!.id)
    await b.waitFor(jobs[0]!.id)
    expect(await store.getTrainingJob(jobs[0]!.id)).toMatchObject({ status: 'succeeded', modelVersion: 2 })
    expect((jobs[0]!.request as { outcome: string }).outcome).toBe('property=converted')
  }, 120_000)
})
