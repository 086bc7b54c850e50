import { describe, expect, it } from 'vitest'
import { eventColumnsOf } from '../core/columnar/events.js'
import { type ContactEvent, ScoreCache, scoreColumns } from '../core/index.js'
import { defaultModelSource } from './default-model.js'
import { compileSource } from './models.js'
import { nextTurn } from './preview/snapshot.js'
import { warmSnapshot } from './preview/warm.js'

const DAY = 86_400_000
const AS_OF = Date.parse('2026-11-02T09:00:00.000Z')
const NAMES = [
  'page',
  'email_opened',
  'email_clicked',
  'demo_requested',
  'webinar_attended',
  'form_submitted',
]
const PATHS = ['/pricing', '/docs/api', '/blog/x', '/careers', '/integrations', '/']
const TITLES = ['VP Marketing', 'Student', 'Marketing Manager', 'CEO', 'Director of Sales', '']

/** Contacts with a spread of titles and events (seeded, so the test is the same every run). */
function columns(n: number) {
  let seed = 7
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const perContact: ContactEvent[][] = []
  const properties = []
  for (let c = 0; c < n; c++) {
    properties.push({
      job_title: pick(TITLES),
      email: `c${c}@example.com`,
      employees: Math.floor(random() * 5000),
    })
    const events: ContactEvent[] = []
    for (let k = Math.floor(random() * 30); k > 0; k--)
      events.push({
        id: `e${c}-${k}`,
        name: pick(NAMES),
        ts: AS_OF - Math.floor(random() * 120 * DAY),
        properties: { path: pick(PATHS) },
      })
    perContact.push(events)
  }
  return {
    contacts: { length: n, ids: properties.map((_, c) => `c${c}`), properties },
    events: eventColumnsOf(perContact),
  }
}

describe('warmSnapshot', () => {
  it('leaves a cache from which the model computes nothing more, with the scores of a cold scoring', async () => {
    const { compiled } = compileSource(defaultModelSource())
    const { contacts, events } = columns(400)
    const cache = new ScoreCache()
    const computed: number[] = []
    await warmSnapshot({ at: AS_OF, contacts, stages: [], events, cache }, compiled, async () => {
      computed.push(cache.stats.computed)
      await nextTurn()
    })
    // a turn of the event loop after each engagement rule, each step computing little more
    // than that rule (its points, its group's sum, the decay factors of its event name)
    expect(computed).toHaveLength(compiled.engagement.rules.length)
    expect(Math.max(...computed.slice(1))).toBeLessThanOrEqual(3)
    const warm = scoreColumns(compiled, contacts, events, AS_OF, { cache })
    expect(cache.stats.computed).toBe(0)
    const cold = scoreColumns(compiled, contacts, events, AS_OF)
    expect(Array.from(warm.total)).toEqual(Array.from(cold.total))
    expect(warm.band).toEqual(cold.band)
    expect(warm.stage).toEqual(cold.stage)
    // an edit of one rule then computes that rule (and its group) only
    const edited = compileSource(defaultModelSource().replace('points: 8\n', 'points: 9\n')).compiled
    scoreColumns(edited, contacts, events, AS_OF, { cache })
    expect(cache.stats.computed).toBeLessThanOrEqual(2)
  })

  it('stops between rules when its signal is aborted', async () => {
    const { compiled } = compileSource(defaultModelSource())
    const { contacts, events } = columns(50)
    const stop = new AbortController()
    const warming = warmSnapshot(
      { at: AS_OF, contacts, stages: [], events, cache: new ScoreCache() },
      compiled,
      async () => stop.abort(new Error('closed')),
      stop.signal,
    )
    await expect(warming).rejects.toThrow('closed')
  })
})
