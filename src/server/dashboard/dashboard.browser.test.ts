/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
 * server on a SQLite file with a demo workspace: sign in, find a lead, check that its
 * breakdown adds up to its score, try a "what if", edit the model and watch the preview,
 * publish and see the queue re-rank, export the CSV, sign out. A screenshot of each page is
 * saved in dist/screenshots (in docs/screenshots with LEADSCORE_UPDATE_SCREENSHOTS=1).
 *
 * Without Chromium the tests are skipped with a message; with CI=true they fail instead.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInBrowser, launchChromium } from './test-support/chromium.js'
import { type DashboardServer, startDashboardServer, USER } from './test-support/dashboard-server.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SHOTS =
  process.env['LEADSCORE_UPDATE_SCREENSHOTS'] === '1'
    ? join(ROOT, 'docs', 'screenshots')
    : join(ROOT, 'dist', 'screenshots')
const TIMEOUT = 90_000
/** How long to wait for the page to show what a step expects (the machine may be busy). */
const POLL = { timeout: 20_000 }

describeInBrowser('dashboard in a browser', () => {
  let server: DashboardServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDashboardServer({ contacts: 400 }), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })
    page.setDefaultTimeout(30_000)
  }, TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) })
  const api = async <T>(path: string): Promise<T> =>
    (
      await fetch(`${server.url}${path}`, {
        headers: { authorization: 'Bearer lsk_a_browser-test-admin-key' },
      })
    ).json() as Promise<T>
  const rowIds = () =>
    page
      .locator('tbody tr[data-contact]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-contact')))

  it(
    'signs in with an email and a password',
    async () => {
      await page.goto(`${server.url}/`)
      await page.getByLabel('Email', { exact: true }).fill(USER.email)
      await shot('sign-in')
      await page.getByLabel('Password', { exact: true }).fill('not the password')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await expect.poll(() => page.getByRole('alert').textContent(), POLL).toMatch(/do not match/)
      await page.getByLabel('Password', { exact: true }).fill(USER.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.locator('tbody tr[data-contact]').first().waitFor()
      expect(await page.locator('.who').textContent()).toContain(USER.name)
      const cookies = await page.context().cookies()
      expect(cookies.find((c) => c.name === 'leadscore_session')).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
      })
      await shot('queue')
    },
    TIMEOUT,
  )

  it(
    'finds a lead by name and shows a breakdown that adds up to its score',
    async () => {
      const queue = await api<{ items: { id: string; name: string | null }[] }>('/api/contacts?limit=30')
      const target = queue.items.find((c) => c.name?.includes(' '))!
      await page.getByLabel('Search', { exact: true }).fill(target.name!)
      await expect.poll(rowIds, POLL).toContain(target.id)
      await page.locator(`tr[data-contact="${target.id}"] td.lead a`).click()
      await page.waitForURL(`**/leads/${encodeURIComponent(target.id)}`)
      const score = Number(await page.locator('[data-score]').getAttribute('data-score'))
      const lines = await page
        .locator('.breakdown li[data-points]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))))
      expect(lines.length).toBeGreaterThan(2)
      expect(lines.reduce((s, p) => s + p, 0)).toBeCloseTo(score, 6)
      const shown = Number((await page.locator('[data-ledger-total]').textContent())?.replace(/,/g, ''))
      expect(shown).toBeCloseTo(score, 1)
      await page.locator('.chart canvas').first().waitFor()
      await shot('lead')

      // a stored prediction shows with what raised and lowered it
      await server.store.writePredictions({
        modelId: 'conversions',
        modelVersion: 1,
        predictedAt: Date.now(),
        predictions: [
          {
            contactId: target.id,
            likelihood: 37.5,
            reasons: {
              base: 12,
              raised: [
                { feature: 'source', value: 'Referral', points: 12.4, text: 'source = Referral +12.4 pts' },
              ],
              lowered: [{ feature: 'employees', value: '1-10', points: -3, text: 'employees = 1-10 -3 pts' }],
            },
          },
        ],
        scoringModels: [],
      })
      await page.reload()
      const card = page.locator('[data-prediction="conversions"]')
      await card.waitFor()
      expect(await card.textContent()).toContain('38%')
      expect(await page.locator('[data-reasons="raised"]').textContent()).toMatch(
        /\+12\.4 pts source = Referral/,
      )
      expect(await page.locator('[data-reasons="lowered"]').textContent()).toMatch(/−3 pts employees = 1-10/)

      await page.getByLabel('Event', { exact: true }).fill('Demo Requested')
      await page.getByRole('button', { name: 'Try it' }).click()
      const after = Number(await page.locator('[data-what-if]').getAttribute('data-what-if'))
      expect(after).toBeGreaterThanOrEqual(score)
    },
    TIMEOUT,
  )

  it(
    'ranks accounts with their buying committee',
    async () => {
      await page.getByRole('link', { name: 'Accounts' }).click()
      await page.locator('tbody tr').first().waitFor()
      expect(await page.locator('.coverage').count()).toBeGreaterThan(0)
      await shot('accounts')
    },
    TIMEOUT,
  )

  it(
    'edits the model, sees the preview change, publishes, and the queue re-ranks',
    async () => {
      await page.goto(`${server.url}/`)
      await page.locator('tbody tr[data-contact]').first().waitFor()
      const before = await rowIds()
      await page.getByRole('link', { name: 'Model' }).click()
      await page.locator('[data-preview-idle]').waitFor()
      await shot('model')

      // VPs and heads of a function now cost points instead of giving 15
      const model = await api<{ source: string }>('/api/models/b2b-saas/versions/1')
      const edited = model.source.replace(/(id: vp-or-head[\s\S]*?points: )15/, '$1-15')
      expect(edited).not.toBe(model.source)
      await page.locator('.cm-content').click()
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.insertText(edited)
      await expect
        .poll(
          async () => Number(await page.locator('[data-band-changes]').getAttribute('data-band-changes')),
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0)
      await shot('model-preview')

      // a broken edit shows its problem at its line and cannot be published
      await page.keyboard.press('ControlOrMeta+End')
      await page.keyboard.insertText('\nnot_a_key: 1\n')
      await expect.poll(() => page.locator('.issues').textContent(), POLL).toMatch(/Line \d+/)
      expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true)
      await page.keyboard.press('ControlOrMeta+z')
      await expect.poll(() => page.getByRole('button', { name: 'Publish' }).isDisabled(), POLL).toBe(false)

      await page.getByRole('button', { name: 'Publish' }).click()
      await expect
        .poll(() => page.getByRole('status').allTextContents(), { timeout: 30_000 })
        .toContainEqual(expect.stringMatching(/is published/))
      await page.getByRole('link', { name: 'Queue', exact: true }).click()
      await page.locator('tbody tr[data-contact]').first().waitFor()
      const after = await rowIds()
      expect(after).not.toEqual(before)
      const top = await api<{ items: { id: string }[] }>('/api/contacts?limit=50')
      expect(after).toEqual(top.items.map((c) => c.id))
    },
    TIMEOUT,
  )

  it(
    'exports the queue as CSV, as filtered',
    async () => {
      // the band chips show the model's labels (ids stay in the address)
      await page.getByRole('button', { name: /^Hot/ }).click()
      await expect.poll(() => page.url(), POLL).toContain('band=hot')
      await page.locator('tbody tr[data-contact]').first().waitFor()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export CSV' }).click(),
      ])
      const csv = readFileSync((await download.path())!, 'utf8')
        .trim()
        .split('\r\n')
      expect(csv[0]).toMatch(/^id,name,email,/)
      const hot = await api<{ counts: { value: string; count: number }[] }>('/api/contacts/counts?by=band')
      expect(csv.length - 1).toBe(hot.counts.find((c) => c.value === 'hot')?.count)
      await expect.poll(async () => (await rowIds())[0], POLL).toBe(csv[1]?.split(',')[0])
    },
    TIMEOUT,
  )

  it(
    'manages keys and users in the settings, then signs out',
    async () => {
      await page.getByRole('link', { name: 'Settings' }).click()
      await page.getByRole('button', { name: 'Create key' }).waitFor()
      await page.getByLabel('Label', { exact: true }).fill('website')
      await page.getByRole('button', { name: 'Create key' }).click()
      await expect.poll(() => page.locator('.secret').textContent(), POLL).toMatch(/^lsk_w_/)
      await shot('settings')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
      expect((await fetch(`${server.url}/api/contacts`)).status).toBe(401)
    },
    TIMEOUT,
  )

  it(
    'shows a sales user the queue and the accounts, not the model or the settings',
    async () => {
      const sam = { email: 'sam@example.com', role: 'sales', password: 'a sales password' }
      const added = await fetch(`${server.url}/api/dashboard/users`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer lsk_a_browser-test-admin-key',
          'content-type': 'application/json',
        },
        body: JSON.stringify(sam),
      })
      expect(added.status).toBe(201)
      await page.getByLabel('Email', { exact: true }).fill(sam.email)
      await page.getByLabel('Password', { exact: true }).fill(sam.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.locator('tbody tr[data-contact]').first().waitFor()
      const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()
      expect(nav).toEqual(['Queue', 'Accounts'])
      await page.goto(`${server.url}/model`)
      await expect
        .poll(() => page.locator('main').textContent(), POLL)
        .toMatch(/There is no page at \/model for your role/)
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    },
    TIMEOUT,
  )
})
