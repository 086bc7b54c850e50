import { describe, expect, it } from 'vitest'
import { type IngestOp, normalizeMessage, SKEW_TOLERANCE_MS, slugId } from './normalize.js'

const NOW = Date.parse('2026-11-01T12:00:00.000Z')

function op(raw: unknown, batch = {}, type?: Parameters<typeof normalizeMessage>[3]): IngestOp {
  const n = normalizeMessage(raw, NOW, batch, type)
  if (!n.ok) throw new Error(`rejected: ${n.reason}`)
  return n.op
}

function reason(raw: unknown, type?: Parameters<typeof normalizeMessage>[3]): string {
  const n = normalizeMessage(raw, NOW, {}, type)
  if (n.ok) throw new Error('accepted')
  return n.reason
}

describe('normalizeMessage', () => {
  it('turns a page into a `page` event with page fields, name, category and UTM parameters', () => {
    // what analytics.js sends (clients.md)
    const page = op({
      type: 'page',
      name: 'Pricing',
      category: 'Docs',
      userId: null,
      anonymousId: 'anon-1',
      messageId: 'ajs-next-1',
      timestamp: '2026-11-01T11:59:58.000Z',
      properties: {
        title: 'Pricing | Acme',
        url: 'https://acme.example/pricing?utm_source=newsletter',
        plan: 'pro',
      },
      context: {
        page: { path: '/pricing', referrer: 'https://www.google.com/', search: '?utm_source=newsletter' },
        campaign: { source: 'newsletter', name: 'q4', medium: 'email' },
      },
    })
    expect(page).toEqual({
      kind: 'event',
      messageId: 'ajs-next-1',
      contactId: null,
      anonymousId: 'anon-1',
      name: 'page',
      ts: Date.parse('2026-11-01T11:59:58.000Z'),
      properties: {
        path: '/pricing',
        url: 'https://acme.example/pricing?utm_source=newsletter',
        title: 'Pricing | Acme',
        referrer: 'https://www.google.com/',
        search: '?utm_source=newsletter',
        name: 'Pricing',
        category: 'Docs',
        plan: 'pro',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'q4',
      },
      accountId: null,
      at: NOW,
    })
    // a path from the URL when none is given; screens are `screen` events
    const fromUrl = op({ type: 'page', userId: 'u', properties: { url: 'https://x.example/docs/start?a=1' } })
    expect(fromUrl.kind === 'event' && fromUrl.properties['path']).toBe('/docs/start')
    const screen = op({ type: 'screen', userId: 'u', name: 'Home', properties: { tab: 2 } })
    expect(screen).toMatchObject({ kind: 'event', name: 'screen', properties: { name: 'Home', tab: 2 } })
  })

  it('turns a track into an event of its name; context.groupId names the account', () => {
    const track = op({
      type: 'track',
      event: ' Demo Requested ',
      userId: 42,
      messageId: 'm1',
      properties: { form_id: 'demo-1' },
      context: { groupId: 'acme' },
    })
    expect(track).toMatchObject({
      kind: 'event',
      contactId: '42',
      name: 'Demo Requested',
      properties: { form_id: 'demo-1' },
      accountId: 'acme',
    })
    expect(reason({ type: 'track', userId: 'u' })).toMatch(/track needs an event name/)
    expect(reason({ type: 'track', event: 'x' })).toMatch(/needs a userId or an anonymousId/)
  })

  it('merges identify traits with the snake_case names models read, and takes the company as the account', () => {
    const identify = op({
      type: 'identify',
      userId: 'u-42',
      anonymousId: 'anon-1',
      traits: {
        email: 'jane@acme.example',
        title: 'VP Marketing',
        firstName: 'Jane',
        address: { country: 'US' },
        company: { id: 'acme', name: 'Acme, Inc.', industry: 'Computer Software', employee_count: 300 },
      },
    })
    expect(identify).toMatchObject({
      kind: 'identify',
      contactId: 'u-42',
      anonymousId: 'anon-1',
      traits: {
        email: 'jane@acme.example',
        title: 'VP Marketing',
        job_title: 'VP Marketing',
        first_name: 'Jane',
        country: 'US',
        company: 'Acme, Inc.',
      },
      company: {
        id: 'acme',
        properties: { name: 'Acme, Inc.', industry: 'Computer Software', employees: 300 },
      },
    })
    // a company name only: the account id comes from the name
    expect(op({ type: 'identify', userId: 'u', traits: { company: 'Acme, Inc.' } })).toMatchObject({
      company: { id: 'acme-inc', properties: { name: 'Acme, Inc.' } },
    })
    // Rudder copies traits into context.traits: used when `traits` is absent
    expect(op({ type: 'identify', userId: 'u', context: { traits: { email: 'a@b.c' } } })).toMatchObject({
      traits: { email: 'a@b.c' },
    })
    expect(reason({ type: 'identify', traits: { email: 'a@b.c' } })).toMatch(
      /identify needs a userId or an anonymousId/,
    )
    // an anonymous visitor's traits are kept for when it is identified
    expect(op({ type: 'identify', anonymousId: 'a', traits: { firstName: 'Ann' } })).toMatchObject({
      kind: 'anonymous-identify',
      anonymousId: 'a',
      traits: { first_name: 'Ann' },
    })
  })

  it('reads group, alias and the type of single-message routes', () => {
    expect(
      op({ userId: 'u', groupId: 'g1', traits: { name: 'G', employees: '200' } }, {}, 'group'),
    ).toMatchObject({
      kind: 'group',
      contactId: 'u',
      account: { id: 'g1', properties: { name: 'G', employees: '200' } },
    })
    expect(op({ type: 'track', userId: 'u', previousId: 'anon-9' }, {}, 'alias')).toMatchObject({
      kind: 'alias',
      contactId: 'u',
      previousId: 'anon-9',
    })
    expect(reason({ userId: 'u' }, 'group')).toMatch(/groupId/)
    expect(reason({ userId: 'u' }, 'alias')).toMatch(/previousId/)
    expect(reason({ type: 'purchase', userId: 'u' })).toMatch(/^type: must be one of identify, track/)
  })

  it('takes the time from timestamp, else originalTimestamp, else the receive time', () => {
    const t = (m: Record<string, unknown>) => {
      const o = op({ type: 'track', event: 'x', userId: 'u', ...m })
      return o.kind === 'event' ? o.ts : Number.NaN
    }
    expect(t({ timestamp: '2026-10-01T00:00:00Z', originalTimestamp: '2026-09-01T00:00:00Z' })).toBe(
      Date.parse('2026-10-01T00:00:00Z'),
    )
    expect(t({ originalTimestamp: '2026-09-01T00:00:00Z' })).toBe(Date.parse('2026-09-01T00:00:00Z'))
    expect(t({})).toBe(NOW)
    expect(reason({ type: 'track', event: 'x', userId: 'u', timestamp: 'yesterday' })).toMatch(
      /timestamp: "yesterday" is not a time/,
    )
  })

  it('corrects a skewed client clock with sentAt, and never dates an event in the future', () => {
    const ts = (m: Record<string, unknown>, batch = {}) => {
      const o = op({ type: 'track', event: 'x', userId: 'u', ...m }, batch)
      return o.kind === 'event' ? o.ts : Number.NaN
    }
    // the client clock is one hour behind: its times move forward by the skew
    const hour = 3_600_000
    expect(
      ts({
        timestamp: new Date(NOW - hour - 5000).toISOString(),
        sentAt: new Date(NOW - hour).toISOString(),
      }),
    ).toBe(NOW - 5000)
    // the batch's sentAt applies to messages without their own
    expect(
      ts(
        { timestamp: new Date(NOW - hour - 5000).toISOString() },
        { sentAt: new Date(NOW - hour).toISOString() },
      ),
    ).toBe(NOW - 5000)
    // a small difference is network delay: left alone
    const small = SKEW_TOLERANCE_MS - 1000
    expect(
      ts({ timestamp: new Date(NOW - 60_000).toISOString(), sentAt: new Date(NOW - small).toISOString() }),
    ).toBe(NOW - 60_000)
    // a clock ahead, without sentAt: clamped to the receive time
    expect(ts({ timestamp: new Date(NOW + hour).toISOString() })).toBe(NOW)
  })

  it('refuses messages over 32 KB and non-objects, and ids messages without one from their content', () => {
    expect(
      reason({ type: 'track', event: 'x', userId: 'u', properties: { blob: 'x'.repeat(33_000) } }),
    ).toMatch(/limit is 32 KB per message/)
    expect(normalizeMessage('hello', NOW)).toEqual({
      ok: false,
      messageId: null,
      reason: 'a message must be a JSON object',
      text: { key: 'reason.notObject' },
    })
    const a = op({
      type: 'track',
      event: 'x',
      userId: 'u',
      timestamp: '2026-10-01T00:00:00Z',
      sentAt: '2026-10-01T00:00:01Z',
    })
    const b = op({
      type: 'track',
      event: 'x',
      userId: 'u',
      timestamp: '2026-10-01T00:00:00Z',
      sentAt: '2026-10-01T00:00:09Z',
    })
    expect(a.messageId).toMatch(/^gen-[0-9a-f]{32}$/)
    expect(b.messageId).toBe(a.messageId)
  })

  it('makes account ids from company names', () => {
    expect(slugId('Zoë & Co. GmbH')).toBe('zoe-co-gmbh')
    expect(slugId('東京')).toMatch(/^company-[0-9a-f]{12}$/)
  })
})
