import RudderAnalytics from '@rudderstack/rudder-sdk-node'
import { Analytics as SegmentAnalytics } from '@segment/analytics-node'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine, systemClock } from '../engine/index.js'
import { storeTargets } from '../engine/test-support/store-targets.js'
import type { Store } from '../store/index.js'
import { createApp } from './app.js'
import { listen, type RunningServer } from './listen.js'

const WRITE = 'sdk-write-key'

/** The calls both SDKs make: who the person is, their company, a pricing visit, a demo request. */
const PERSON = { email: 'dana@acme.example', title: 'VP Marketing', firstName: 'Dana', country: 'US' }
const COMPANY = { name: 'Acme', industry: 'Computer Software', employees: 900 }

for (const target of storeTargets()) {
  describe(`real SDK clients (${target.name})`, () => {
    let engine: Engine | undefined
    let store: Store | undefined
    let server: RunningServer | undefined

    afterEach(async () => {
      await server?.close()
      await engine?.close()
      await store?.close()
      await target.cleanup()
    })

    async function start(): Promise<string> {
      store = await target.open()
      engine = await createEngine({
        store,
        clock: systemClock,
        tickIntervalMs: 0,
        staticKeys: { write: WRITE },
      })
      server = await listen(createApp({ engine, store }), { port: 0 })
      return server.url
    }

    async function expectScored(userId: string): Promise<void> {
      const detail = await engine!.contact(userId)
      expect(detail.contact.properties).toMatchObject({
        email: PERSON.email,
        job_title: 'VP Marketing',
        first_name: 'Dana',
      })
      expect(detail.contact.accountId).toBe('acme')
      expect(detail.timeline.map((e) => e.name).sort()).toEqual(['Demo Requested', 'page'])
      const page = detail.timeline.find((e) => e.name === 'page')!
      expect(page.properties).toMatchObject({ path: '/pricing', name: 'Pricing' })
      expect(detail.live).toMatchObject({ grade: 'A', band: 'hot', stage: 'mql', journey: 'decision' })
      expect(detail.scores[0]).toMatchObject({ band: 'hot', stage: 'mql' })
      expect((await store!.accountScores('acme'))[0]).toMatchObject({ contacts: 1 })
    }

    it('@segment/analytics-node: identify, group, page and track arrive and score', async () => {
      const url = await start()
      const analytics = new SegmentAnalytics({
        writeKey: WRITE,
        host: url,
        flushInterval: 60_000,
        maxRetries: 1,
      })
      const errors: unknown[] = []
      analytics.on('error', (error) => errors.push(error))
      analytics.identify({ userId: 'seg-1', traits: PERSON })
      analytics.group({ userId: 'seg-1', groupId: 'acme', traits: COMPANY })
      analytics.page({ userId: 'seg-1', name: 'Pricing', properties: { path: '/pricing' } })
      analytics.track({ userId: 'seg-1', event: 'Demo Requested', properties: { form_id: 'demo-request' } })
      await analytics.closeAndFlush({ timeout: 20_000 })
      expect(errors).toEqual([])
      await expectScored('seg-1')
    })

    it('@rudderstack/rudder-sdk-node (gzip, form content type): identify, group, page and track arrive and score', async () => {
      const url = await start()
      const errors: unknown[] = []
      const client = new RudderAnalytics(WRITE, {
        dataPlaneUrl: url,
        flushInterval: 60_000,
        retryCount: 1,
        logLevel: 'error',
        // without it, a failed delivery crashes the process (clients.md)
        errorHandler: (error) => errors.push(error),
      })
      client.identify({ userId: 'rs-1', traits: PERSON })
      client.group({ userId: 'rs-1', groupId: 'acme', traits: COMPANY })
      client.page({ userId: 'rs-1', name: 'Pricing', properties: { path: '/pricing' } })
      client.track({ userId: 'rs-1', event: 'Demo Requested', properties: { form_id: 'demo-request' } })
      await client.flush()
      // the first event goes out alone, at once: wait until all four were committed
      for (let i = 0; i < 100 && (await store!.contactEvents('rs-1')).length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(errors).toEqual([])
      await expectScored('rs-1')
    })
  })
}

describe('real SDK clients and errors', () => {
  it('a 401 reaches the Rudder errorHandler instead of crashing the process', async () => {
    const [target] = storeTargets()
    const store = await target!.open()
    const engine = await createEngine({
      store,
      clock: systemClock,
      tickIntervalMs: 0,
      staticKeys: { write: WRITE },
    })
    const server = await listen(createApp({ engine, store }), { port: 0 })
    try {
      const errors: unknown[] = []
      const client = new RudderAnalytics('wrong-key', {
        dataPlaneUrl: server.url,
        retryCount: 0,
        logLevel: 'error',
        errorHandler: (error) => errors.push(error),
      })
      client.track({ userId: 'x', event: 'x' })
      await client.flush().catch(() => {})
      for (let i = 0; i < 100 && errors.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20))
      expect(errors.length).toBeGreaterThan(0)
      expect(await store.getContact('x')).toBeUndefined()
    } finally {
      await server.close()
      await engine.close()
      await store.close()
      await target!.cleanup()
    }
  })
})
