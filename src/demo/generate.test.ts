import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DAY_MS } from '../core/input.js'
import {
  accountsCsv,
  ByteBuffer,
  contactsCsv,
  csvField,
  EVENT_COLUMNS,
  eventsCsv,
  IsoWriter,
  writeEventRows,
} from './csv.js'
import {
  type DemoContact,
  type DemoEvent,
  EVENT_NAMES,
  EVENT_PROPERTIES,
  type GenerateOptions,
  generateDataset,
} from './generate.js'
import { Random, weightedTable } from './random.js'

const NOW = Date.parse('2026-11-01T00:00:00Z')
const base: GenerateOptions = { seed: 7, contacts: 400, now: NOW }

function eventsByContact(events: Iterable<DemoEvent>): Map<string, DemoEvent[]> {
  const map = new Map<string, DemoEvent[]>()
  for (const event of events) {
    const list = map.get(event.contactId)
    if (list) list.push(event)
    else map.set(event.contactId, [event])
  }
  return map
}

function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.filter(test).length / items.length
}

// One larger data set for the distribution tests, generated once.
const big = generateDataset({ seed: 11, contacts: 5000, now: NOW, outcome: true })
const bigContacts: DemoContact[] = [...big.contacts()]
const bigEvents: DemoEvent[] = [...big.events()]
const bigByContact = eventsByContact(bigEvents)
const known = bigContacts.filter((c) => c.properties['email'] !== undefined)

describe('generateDataset: determinism', () => {
  it('gives identical contacts, accounts and events for the same options', () => {
    const a = generateDataset(base)
    const b = generateDataset({ ...base, now: new Date(NOW) })
    expect([...a.contacts()]).toEqual([...b.contacts()])
    expect([...a.accounts()]).toEqual([...b.accounts()])
    expect([...a.events()]).toEqual([...b.events()])
  })

  it('gives different data for another seed', () => {
    const a = generateDataset(base)
    const b = generateDataset({ ...base, seed: 8 })
    expect([...a.contacts()].map((c) => c.properties['email'])).not.toEqual(
      [...b.contacts()].map((c) => c.properties['email']),
    )
    expect([...a.events()].length).not.toBe([...b.events()].length)
  })

  it('reads the same data in any order and any batch size', () => {
    const ds = generateDataset(base)
    const all = [...ds.events()]
    const grouped = eventsByContact(all)
    for (const index of [399, 0, 17, 250]) {
      expect(ds.contact(index)).toEqual([...ds.contacts()][index])
      expect(ds.contactEvents(index)).toEqual(grouped.get(ds.contactId(index)) ?? [])
    }
    const small: DemoEvent[] = []
    for (const batch of ds.eventBatches(7)) {
      for (let j = 0; j < batch.length; j++) {
        small.push({
          id: ds.eventId(batch.contactIndex[j]!, batch.seq[j]!),
          contactId: batch.contactId[j]!,
          name: batch.name(j),
          ts: batch.ts[j]!,
          properties: batch.properties(j),
        })
      }
    }
    expect(small).toEqual(all)
  })

  it('keeps two iterators independent', () => {
    const ds = generateDataset(base)
    const expected = [...ds.events()].map((e) => e.id)
    const a = ds.events()
    const b = ds.events()
    const fromA: string[] = []
    const fromB: string[] = []
    for (;;) {
      const x = a.next()
      const y = b.next()
      ds.contactEvents(3) // must not disturb either iterator
      if (x.done || y.done) break
      fromA.push(x.value.id)
      fromB.push(y.value.id)
    }
    expect(fromA).toEqual(expected)
    expect(fromB).toEqual(expected)
  })

  it('validates its options', () => {
    expect(() => generateDataset({ ...base, contacts: -1 })).toThrow(RangeError)
    expect(() => generateDataset({ ...base, contacts: 1.5 })).toThrow(RangeError)
    expect(() => generateDataset({ ...base, now: Number.NaN })).toThrow(RangeError)
    expect(() => generateDataset({ ...base, days: 0 })).toThrow(RangeError)
    expect(() => generateDataset({ ...base, accounts: 0 })).toThrow(RangeError)
    expect(() => generateDataset(base).contact(400)).toThrow(RangeError)
    expect([...generateDataset({ ...base, contacts: 0 }).events()]).toEqual([])
  })
})

describe('generateDataset: integrity', () => {
  it('has unique ids everywhere', () => {
    expect(new Set(bigContacts.map((c) => c.id)).size).toBe(bigContacts.length)
    expect(new Set(bigEvents.map((e) => e.id)).size).toBe(bigEvents.length)
    const accounts = [...generateDataset({ seed: 1, contacts: 10, accounts: 3000, now: NOW }).accounts()]
    expect(new Set(accounts.map((a) => a.id)).size).toBe(3000)
    // more accounts than name combinations: domains still unique
    expect(new Set(accounts.map((a) => a.properties['domain'])).size).toBe(3000)
  })

  it('puts every event in [now - days, now], each contact in time order', () => {
    const ds = generateDataset({ ...base, days: 90 })
    const start = NOW - 90 * DAY_MS
    for (const [, events] of eventsByContact(ds.events())) {
      events.forEach((event, i) => {
        expect(event.ts).toBeLessThanOrEqual(NOW)
        expect(event.ts).toBeGreaterThanOrEqual(start)
        expect(event.ts % 1000).toBe(0)
        expect(event.id.endsWith(`-${i}`)).toBe(true)
        if (i > 0) expect(event.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts)
      })
    }
    expect(Math.max(...bigEvents.map((e) => e.ts))).toBeLessThanOrEqual(NOW)
  })

  it('links contacts to existing accounts and events to existing contacts', () => {
    const accountIds = new Set([...big.accounts()].map((a) => a.id))
    const linked = bigContacts.filter((c) => c.properties['account_id'] !== undefined)
    expect(linked.length / bigContacts.length).toBeGreaterThan(0.6)
    for (const c of linked) expect(accountIds.has(String(c.properties['account_id']))).toBe(true)
    const contactIds = new Set(bigContacts.map((c) => c.id))
    for (const id of bigByContact.keys()) expect(contactIds.has(id)).toBe(true)
  })

  it('gives work emails the domain of their account', () => {
    const domains = new Map([...big.accounts()].map((a) => [a.id, String(a.properties['domain'])]))
    const free = /@(gmail|yahoo|hotmail|outlook|icloud|aol|proton|gmx|web|live|qq)\.|\.(edu|ac\.uk)$/
    const work = known.filter(
      (c) => c.properties['account_id'] !== undefined && !free.test(String(c.properties['email'])),
    )
    expect(work.length).toBeGreaterThan(1000)
    for (const c of work) {
      expect(
        String(c.properties['email'])
          .trim()
          .toLowerCase()
          .endsWith(`@${domains.get(String(c.properties['account_id']))}`),
      ).toBe(true)
    }
  })
})

describe('generateDataset: distributions', () => {
  it('has heavy-tailed activity: most contacts 0-5 events, a few hundreds', () => {
    const counts = bigContacts.map((c) => bigByContact.get(c.id)?.length ?? 0)
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length
    expect(mean).toBeGreaterThan(12)
    expect(mean).toBeLessThan(32)
    expect(share(counts, (n) => n <= 5)).toBeGreaterThan(0.5)
    expect(share(counts, (n) => n === 0)).toBeGreaterThan(0.05)
    expect(share(counts, (n) => n >= 100)).toBeGreaterThan(0.01)
    expect(share(counts, (n) => n >= 100)).toBeLessThan(0.1)
    expect(Math.max(...counts)).toBeGreaterThan(300)
  })

  it('honours eventsPerContact and maxEventsPerContact', () => {
    const ds = generateDataset({
      seed: 3,
      contacts: 3000,
      now: NOW,
      eventsPerContact: 5,
      maxEventsPerContact: 50,
    })
    const counts = [...eventsByContact(ds.events()).values()].map((l) => l.length)
    const mean = counts.reduce((a, b) => a + b, 0) / 3000
    expect(mean).toBeGreaterThan(2.5)
    expect(mean).toBeLessThan(8)
    // the cap is on ordinary events; a demo request, trial or webinar attendance may come on top
    expect(Math.max(...counts)).toBeLessThanOrEqual(60)
  })

  it('has a realistic event mix', () => {
    const by = (name: string): number => share(bigEvents, (e) => e.name === name)
    expect(by('page')).toBeGreaterThan(0.5)
    expect(by('page')).toBeLessThan(0.85)
    expect(by('Email Opened')).toBeGreaterThan(by('Email Link Clicked'))
    expect(by('Email Link Clicked')).toBeGreaterThan(0.01)
    for (const name of [
      'Content Downloaded',
      'Form Submitted',
      'Video Playback Completed',
      'Webinar Attended',
    ]) {
      expect(by(name)).toBeGreaterThan(0.001)
      expect(by(name)).toBeLessThan(0.06)
    }
    for (const name of ['Demo Requested', 'Trial Started', 'Unsubscribed', 'Email Bounced']) {
      expect(by(name)).toBeGreaterThan(0)
      expect(by(name)).toBeLessThan(0.01)
    }
    const names = new Set<string>(EVENT_NAMES)
    for (const e of bigEvents) expect(names.has(e.name)).toBe(true)
  })

  it('gives events the properties a scoring model needs', () => {
    for (const e of bigEvents.slice(0, 20_000)) {
      if (e.name === 'page') expect(String(e.properties['path'])).toMatch(/^\//)
      if (e.name.startsWith('Email ') || e.name === 'Unsubscribed')
        expect(e.properties['email_id']).toMatch(/^em-\d{4}-\d\d-\d\d$/)
      if (e.name === 'Video Playback Completed')
        expect([10, 25, 50, 75, 90, 100]).toContain(e.properties['percent'])
      if (e.name === 'Content Downloaded') expect(e.properties['content_id']).toBeTypeOf('string')
      if (e.name === 'Form Submitted') expect(e.properties['form_id']).toBeTypeOf('string')
      if (e.name.startsWith('Webinar'))
        expect(e.properties['webinar_id']).toMatch(/^webinar-\d{4}-\d\d-\d\d$/)
      for (const key of Object.keys(e.properties)) expect(EVENT_PROPERTIES).toContain(key)
    }
    // the same email is sometimes opened twice: rules with `distinct: email_id` matter
    const opens = bigEvents.filter((e) => e.name === 'Email Opened')
    const distinct = new Set(opens.map((e) => `${e.contactId}/${e.properties['email_id']}`))
    expect(distinct.size).toBeLessThan(opens.length)
  })

  it('stops emailing people after an unsubscribe, bounce or spam complaint', () => {
    for (const events of bigByContact.values()) {
      const stop = events.findIndex((e) =>
        ['Unsubscribed', 'Email Bounced', 'Email Marked as Spam'].includes(e.name),
      )
      if (stop < 0) continue
      const stoppedAt = events[stop]!.ts
      const later = events.filter((e) => e.ts > stoppedAt + 3_600_000 && e.name.startsWith('Email '))
      expect(later).toEqual([])
    }
  })

  it('clusters activity towards now', () => {
    const days = bigEvents.map((e) => (NOW - e.ts) / DAY_MS)
    expect(share(days, (d) => d <= 30)).toBeGreaterThan(share(days, (d) => d > 150) * 2)
  })

  it('has messy, partly missing contact properties', () => {
    expect(share(known, (c) => c.properties['job_title'] === undefined)).toBeGreaterThan(0.07)
    expect(share(known, (c) => c.properties['job_title'] === undefined)).toBeLessThan(0.13)
    const titles = known
      .map((c) => c.properties['job_title'])
      .filter((t): t is string => typeof t === 'string')
    expect(titles.some((t) => t !== t.trim())).toBe(true)
    expect(titles.some((t) => /[a-z]/.test(t) && t === t.toLowerCase())).toBe(true)
    expect(titles.some((t) => /\b(sr\.?|mgr|dir\.|v\.p\.)/i.test(t))).toBe(true)
    expect(titles.some((t) => /student|intern/i.test(t))).toBe(true)
    expect(titles.some((t) => /ceo.*co-?founder|founder.*ceo/i.test(t))).toBe(true)
    expect(
      share(known, (c) => /@(gmail|yahoo|hotmail|outlook)\./.test(String(c.properties['email']))),
    ).toBeGreaterThan(0.05)
    expect(share(known, (c) => c.properties['department'] === undefined)).toBeGreaterThan(0.2)
    const countries = new Set(known.map((c) => c.properties['country']))
    expect(countries.has('US') && countries.has('United States')).toBe(true)
    expect(share(bigContacts, (c) => c.properties['email'] === undefined)).toBeGreaterThan(0.02)
    expect(share(known, (c) => c.properties['budget'] !== undefined)).toBeGreaterThan(0.02)
  })

  it('hides the outcome unless asked', () => {
    const plain = generateDataset(base)
    for (const c of plain.contacts()) expect(c.properties['converted']).toBeUndefined()
    for (const c of bigContacts) expect(typeof c.properties['converted']).toBe('boolean')
    // asking for the outcome changes nothing else
    const withOutcome = generateDataset({ ...base, outcome: true })
    const strip = (c: DemoContact): DemoContact => {
      const { converted: _, ...rest } = c.properties
      return { id: c.id, properties: rest }
    }
    expect([...withOutcome.contacts()].map(strip)).toEqual([...plain.contacts()])
    expect([...withOutcome.events()]).toEqual([...plain.events()])
  })

  it('correlates the outcome with fit and intent', () => {
    const converted = bigContacts.filter((c) => c.properties['converted'] === true)
    const rate = converted.length / bigContacts.length
    expect(rate).toBeGreaterThan(0.02)
    expect(rate).toBeLessThan(0.15)
    const rateWhere = (test: (c: DemoContact) => boolean): number => {
      const group = bigContacts.filter(test)
      return share(group, (c) => c.properties['converted'] === true)
    }
    const did = (c: DemoContact, name: string): boolean =>
      (bigByContact.get(c.id) ?? []).some((e) => e.name === name)
    const pricing = (c: DemoContact): boolean =>
      (bigByContact.get(c.id) ?? []).some((e) => String(e.properties['path']).startsWith('/pricing'))
    expect(rateWhere((c) => did(c, 'Demo Requested'))).toBeGreaterThan(3 * rate)
    expect(rateWhere(pricing)).toBeGreaterThan(1.5 * rateWhere((c) => !pricing(c)))
    const senior = /\b(vp|head|chief|director|cmo|ceo)\b/i
    expect(rateWhere((c) => senior.test(String(c.properties['job_title'])))).toBeGreaterThan(
      2 * rateWhere((c) => /student|intern/i.test(String(c.properties['job_title']))),
    )
  })
})

describe('CSV', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField(undefined)).toBe('')
    expect(csvField('plain')).toBe('plain')
    expect(csvField(42)).toBe('42')
    expect(csvField(false)).toBe('false')
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('Head of Growth ')).toBe('"Head of Growth "')
  })

  it('formats timestamps like toISOString, without milliseconds', () => {
    const iso = new IsoWriter()
    const out = new ByteBuffer(16)
    const rng = new Random(1)
    for (let i = 0; i < 2000; i++) {
      const ts = Math.floor(NOW - rng.next() * 400 * DAY_MS)
      iso.write(out, ts)
      expect(new TextDecoder().decode(out.take())).toBe(`${new Date(ts).toISOString().slice(0, 19)}Z`)
    }
  })

  it('writes event rows that parse back to the events', () => {
    const ds = generateDataset(base)
    const lines = eventsCsv(ds).trimEnd().split('\n')
    expect(lines[0]).toBe(EVENT_COLUMNS.join(','))
    const events = [...ds.events()]
    expect(lines.length - 1).toBe(events.length)
    events.forEach((event, i) => {
      // the generator's values never need quoting, so a plain split is a full parse
      const cells = lines[i + 1]!.split(',')
      expect(cells.length).toBe(EVENT_COLUMNS.length)
      expect(cells.slice(0, 4)).toEqual([
        event.id,
        event.contactId,
        event.name,
        new Date(event.ts).toISOString().replace('.000', ''),
      ])
      EVENT_PROPERTIES.forEach((column, c) => {
        const value = event.properties[column]
        expect(cells[4 + c]).toBe(value === undefined ? '' : String(value))
      })
    })
    const sorted = eventsCsv(ds, 'time').trimEnd().split('\n')
    expect(sorted.slice(1).sort()).toEqual(lines.slice(1).sort())
  })

  it('never writes a property value that would need quoting', () => {
    const out = new ByteBuffer(1024)
    for (const batch of big.eventBatches()) {
      writeEventRows(out, batch, big.eventIdPrefix)
      const text = new TextDecoder().decode(out.take())
      expect(text.includes('"')).toBe(false)
      for (const line of text.split('\n', 2000).filter(Boolean))
        expect(line.split(',').length).toBe(EVENT_COLUMNS.length)
    }
  })

  it('writes non-ASCII text as UTF-8', () => {
    const out = new ByteBuffer(2)
    out.text('Chloé Müller, España')
    expect(new TextDecoder().decode(out.take())).toBe('Chloé Müller, España')
  })
})

describe('examples/data', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples', 'data')
  const example = generateDataset({
    seed: 3,
    contacts: 200,
    accounts: 40,
    now: NOW,
    maxEventsPerContact: 400,
  })

  it('is what the documented command generates', () => {
    expect(readFileSync(join(dir, 'contacts.csv'), 'utf8')).toBe(contactsCsv(example))
    expect(readFileSync(join(dir, 'accounts.csv'), 'utf8')).toBe(accountsCsv(example))
    expect(readFileSync(join(dir, 'events.csv'), 'utf8')).toBe(eventsCsv(example, 'time'))
  })

  it('uses the event names and properties of the example model', () => {
    const model = parse(readFileSync(join(dir, '..', 'b2b-saas.yaml'), 'utf8')) as unknown
    const names = new Set<string>()
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk)
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'event') for (const n of [value].flat()) names.add(String(n).toLowerCase())
          walk(value)
        }
      }
    }
    walk(model)
    names.delete('any')
    const emitted = new Set(EVENT_NAMES.map((n) => n.toLowerCase()))
    expect([...names].filter((n) => !emitted.has(n))).toEqual([])
  })
})

describe('Random', () => {
  it('is deterministic per seed and roughly uniform', () => {
    const a = new Random(42)
    const b = new Random(42)
    const xs = Array.from({ length: 20_000 }, () => a.next())
    expect(xs.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => b.next()))
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01)
    expect(new Random(43).next()).not.toBe(new Random(42).next())
    expect(Random.of(1, 2, 3).next()).not.toBe(Random.of(1, 3, 2).next())
  })

  it('draws normals, integers and weighted items', () => {
    const rng = new Random(9)
    const zs = Array.from({ length: 20_000 }, () => rng.normal())
    const mean = zs.reduce((s, x) => s + x, 0) / zs.length
    const sd = Math.sqrt(zs.reduce((s, x) => s + (x - mean) ** 2, 0) / zs.length)
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(Math.abs(sd - 1)).toBeLessThan(0.03)
    const ints = Array.from({ length: 1000 }, () => rng.int(6))
    expect(Math.min(...ints)).toBe(0)
    expect(Math.max(...ints)).toBe(5)
    const table = weightedTable([
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ])
    const picks = Array.from({ length: 8000 }, () => rng.weighted(table))
    expect(picks.includes('c')).toBe(false)
    expect(Math.abs(share(picks, (p) => p === 'b') - 0.75)).toBeLessThan(0.03)
    expect(() => weightedTable([['x', 0]])).toThrow(RangeError)
  })
})
