/**
 * Conformance of the predictive model registry, training jobs and stored predictions, run
 * against every adapter (`sqlite.test.ts`, `postgres.test.ts`) on real databases.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreInputError, StoreNotFoundError } from './errors.js'
import type { PredictiveModelWrite } from './records/predictive.js'
import type { ScoreWrite } from './records/score.js'
import { type CreateStoreTarget, type StoreTarget, score } from './store.case.js'
import type { Store } from './store.js'

const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const MINUTE = 60_000

const trained = (extra: Partial<PredictiveModelWrite> = {}): PredictiveModelWrite => ({
  id: 'conversions',
  outcome: { kind: 'stage', stage: 'customer' },
  evaluation: {
    auc: 0.81,
    logLoss: 0.32,
    topDecileLift: 3.1,
    calibration: [{ lower: 0, upper: 0.1, count: 9 }],
  },
  warnings: [{ code: 'few-conversions', message: 'only 40 conversions' }],
  model: { format: 'leadscore-predictive', learner: { kind: 'logistic', weights: [0.5, -1e-9, 1e300] } },
  createdAt: T0,
  ...extra,
})

const scoreOf = (contactId: string, modelId: string, extra: Partial<ScoreWrite> = {}): ScoreWrite =>
  score(contactId, 2, { modelId, ...extra })

export function runPredictiveConformance(name: string, createStore: CreateStoreTarget): void {
  describe(`predictive registry, jobs and predictions: ${name}`, () => {
    let target: StoreTarget
    let store: Store

    beforeEach(async () => {
      target = await createStore()
      store = await target.open()
    })
    afterEach(async () => {
      await store.close()
      await target.destroy()
    })

    it('numbers versions per id, keeps every field exactly, and lists without the serialized model', async () => {
      const first = await store.createPredictiveModel(trained())
      const second = await store.createPredictiveModel(trained({ createdAt: T0 + 1 }))
      const other = await store.createPredictiveModel(trained({ id: 'renewals' }))
      expect([first.version, second.version, other.version]).toEqual([1, 2, 1])
      expect(first).toMatchObject({ active: false, activatedAt: null, createdAt: T0 })
      const read = await store.getPredictiveModel('conversions', 1)
      expect(read).toEqual(first)
      expect(read?.model).toEqual(trained().model)
      expect(read?.evaluation).toEqual(trained().evaluation)
      expect(await store.getPredictiveModel('conversions', 3)).toBeUndefined()
      const list = await store.listPredictiveModels()
      expect(list.map((m) => `${m.id}@${m.version}`)).toEqual([
        'conversions@1',
        'conversions@2',
        'renewals@1',
      ])
      expect(list[0]).not.toHaveProperty('model')
      expect((await store.listPredictiveModels('renewals')).map((m) => m.version)).toEqual([1])
    })

    it('activates one version per id at a time, and refuses unknown versions', async () => {
      await store.createPredictiveModel(trained())
      await store.createPredictiveModel(trained())
      expect(await store.activePredictiveModel('conversions')).toBeUndefined()
      const one = await store.activatePredictiveModel('conversions', 1, T0 + MINUTE)
      expect(one).toMatchObject({ version: 1, active: true, activatedAt: T0 + MINUTE })
      await store.activatePredictiveModel('conversions', 2, T0 + 2 * MINUTE)
      expect((await store.activePredictiveModel('conversions'))?.version).toBe(2)
      expect((await store.listPredictiveModels('conversions')).map((m) => m.active)).toEqual([false, true])
      // activating the active one again changes nothing
      const again = await store.activatePredictiveModel('conversions', 2, T0 + 3 * MINUTE)
      expect(again.activatedAt).toBe(T0 + 2 * MINUTE)
      await expect(store.activatePredictiveModel('conversions', 9, T0)).rejects.toThrow(StoreNotFoundError)
      await expect(store.createPredictiveModel(trained({ id: 'no spaces' }))).rejects.toThrow(StoreInputError)
    })

    it('starts one training job per model at a time, takes over abandoned ones, and honours a period', async () => {
      const job = (id: string, at: number) => ({
        id,
        modelId: 'conversions',
        trigger: 'api' as const,
        request: { outcome: 'stage=customer' },
        createdAt: at,
      })
      const a = await store.startTrainingJob(job('j1', T0), { staleBefore: T0 - 10 * MINUTE })
      expect(a.created).toBe(true)
      expect(a.job).toMatchObject({ id: 'j1', status: 'queued', done: 0, total: 0, startedAt: null })
      const b = await store.startTrainingJob(job('j2', T0 + MINUTE), { staleBefore: T0 - 9 * MINUTE })
      expect(b).toMatchObject({ created: false, job: { id: 'j1' } })
      // progress, then an update keeps what it does not name
      await store.updateTrainingJob({
        id: 'j1',
        at: T0 + MINUTE,
        status: 'running',
        step: 'reading',
        total: 10,
      })
      const progressed = await store.updateTrainingJob({ id: 'j1', at: T0 + 2 * MINUTE, done: 4 })
      expect(progressed).toMatchObject({
        status: 'running',
        step: 'reading',
        done: 4,
        total: 10,
        startedAt: T0 + MINUTE,
      })
      // the process stopped: once its job is stale, a new one starts and the old one is failed
      const c = await store.startTrainingJob(job('j3', T0 + 30 * MINUTE), { staleBefore: T0 + 20 * MINUTE })
      expect(c.created).toBe(true)
      expect(await store.getTrainingJob('j1')).toMatchObject({
        status: 'failed',
        finishedAt: T0 + 30 * MINUTE,
      })
      expect((await store.getTrainingJob('j1'))?.error).toMatch(/abandoned/)
      const done = await store.updateTrainingJob({
        id: 'j3',
        at: T0 + 31 * MINUTE,
        status: 'succeeded',
        modelVersion: 1,
        step: 'done',
      })
      expect(done).toMatchObject({ finishedAt: T0 + 31 * MINUTE, modelVersion: 1 })
      // late progress from another thread does not undo the end
      const late = await store.updateTrainingJob({
        id: 'j3',
        at: T0 + 32 * MINUTE,
        step: 'fold 5 of 5',
        done: 5,
      })
      expect(late).toMatchObject({ status: 'succeeded', step: 'done', updatedAt: T0 + 31 * MINUTE })
      // a schedule: nothing since the period started
      const d = await store.startTrainingJob(job('j4', T0 + 40 * MINUTE), {
        staleBefore: T0,
        notSince: T0 + 30 * MINUTE,
      })
      expect(d).toMatchObject({ created: false, job: { id: 'j3' } })
      const e = await store.startTrainingJob(job('j5', T0 + 40 * MINUTE), {
        staleBefore: T0,
        notSince: T0 + 35 * MINUTE,
      })
      expect(e.created).toBe(true)
      expect((await store.listTrainingJobs({ modelId: 'conversions' })).map((j) => j.id)).toEqual([
        'j5',
        'j3',
        'j1',
      ])
      expect((await store.listTrainingJobs({ limit: 1 })).map((j) => j.id)).toEqual(['j5'])
      await expect(store.updateTrainingJob({ id: 'nope', at: T0 })).rejects.toThrow(StoreNotFoundError)
    })

    it('lets one of two stores start a job when both try at once', async () => {
      const other = await target.open()
      try {
        const results = await Promise.all(
          [store, other].map((s, i) =>
            s.startTrainingJob(
              { id: `s${i}`, modelId: 'conversions', trigger: 'schedule', request: {}, createdAt: T0 },
              { staleBefore: T0 - MINUTE, notSince: T0 - MINUTE },
            ),
          ),
        )
        expect(results.filter((r) => r.created)).toHaveLength(1)
      } finally {
        await other.close()
      }
    })

    it('stores predictions, copies them into the scoring models that use them, and finds stale ones', async () => {
      for (const id of ['b2b', 'shadow']) {
        const draft = await store.createModelVersion({ id, source: 'format: leadscore/v1', createdAt: T0 })
        await store.publishModel({ id, version: draft.version, at: T0 })
      }
      await store.upsertContacts(['a', 'b', 'c'].map((id) => ({ id, properties: { n: 1 }, at: T0 })))
      await store.applyScores({
        scores: [
          scoreOf('a', 'b2b', { nextChangeAt: T0 + 60 * MINUTE }),
          scoreOf('b', 'b2b'),
          scoreOf('a', 'shadow', { nextChangeAt: T0 + 60 * MINUTE }),
        ],
      })
      expect(await store.stalePredictions({ modelId: 'conversions', version: 1, after: null })).toEqual([
        'a',
        'b',
        'c',
      ])
      const at = T0 + MINUTE
      await store.writePredictions({
        modelId: 'conversions',
        modelVersion: 1,
        predictedAt: at,
        predictions: [
          {
            contactId: 'a',
            likelihood: 42.5,
            reasons: { raised: [{ feature: 'Lead Source', value: 'Referral' }] },
          },
          { contactId: 'b', likelihood: 0, reasons: { raised: [], lowered: [] } },
          { contactId: 'c', likelihood: 100, reasons: {} },
        ],
        scoringModels: [
          { id: 'b2b', reschedule: true },
          { id: 'shadow', reschedule: false },
        ],
      })
      const scores = await store.contactScores('a')
      expect(scores.map((s) => [s.modelId, s.likelihood, s.nextChangeAt])).toEqual([
        ['b2b', 42.5, at],
        ['shadow', 42.5, T0 + 60 * MINUTE],
      ])
      expect((await store.contactScores('b'))[0]).toMatchObject({ likelihood: 0, nextChangeAt: at })
      expect(await store.contactScores('c')).toEqual([]) // no score row: nothing to copy into
      expect(await store.contactPredictions('a')).toEqual([
        {
          modelId: 'conversions',
          contactId: 'a',
          modelVersion: 1,
          likelihood: 42.5,
          reasons: { raised: [{ feature: 'Lead Source', value: 'Referral' }] },
          predictedAt: at,
        },
      ])
      // the queue sorts by the copied likelihood
      const queue = await store.listContacts({ model: 'b2b', sort: 'likelihood', limit: 10 })
      expect(queue.items.map((i) => i.contact.id)).toEqual(['a', 'b'])

      expect(await store.stalePredictions({ modelId: 'conversions', version: 1, after: null })).toEqual([])
      expect(await store.stalePredictions({ modelId: 'conversions', version: 2, after: null })).toEqual([
        'a',
        'b',
        'c',
      ])
      expect(
        await store.stalePredictions({ modelId: 'conversions', version: 2, after: 'a', limit: 1 }),
      ).toEqual(['b'])
      // a property change and a new event make a contact stale again; an unchanged write does not
      await store.upsertContacts([
        { id: 'a', properties: { n: 2 }, at: at + 1 },
        { id: 'b', properties: { n: 1 }, at: at + 1 },
      ])
      await store.insertEvents([
        { id: 'e1', contactId: 'c', name: 'page', ts: T0 - MINUTE, receivedAt: at + 2, properties: {} },
        { id: 'e0', contactId: 'b', name: 'page', ts: T0, receivedAt: at, properties: {} },
      ])
      expect(await store.stalePredictions({ modelId: 'conversions', version: 1, after: null })).toEqual([
        'a',
        'c',
      ])

      await expect(
        store.writePredictions({
          modelId: 'conversions',
          modelVersion: 1,
          predictedAt: at,
          predictions: [{ contactId: 'a', likelihood: 101, reasons: {} }],
          scoringModels: [],
        }),
      ).rejects.toThrow(StoreInputError)
    })

    it('lists every contact id in keyset pages', async () => {
      await store.upsertContacts(['b', 'a', 'c'].map((id) => ({ id, at: T0 })))
      expect(await store.contactIds({ after: null, limit: 2 })).toEqual(['a', 'b'])
      expect(await store.contactIds({ after: 'b' })).toEqual(['c'])
    })
  })
}
