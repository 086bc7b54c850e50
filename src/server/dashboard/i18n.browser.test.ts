/**
 * The dashboard in Spanish and in Dutch, in a real browser: the main flow (sign in, the queue,
 * a lead, the accounts and an account, the model editor, the reports, the settings) shows no
 * English word of the dashboard catalog (see test-support/english-leftovers.ts for what counts),
 * numbers are written the local way, and the language picked in the page stays with the user
 * (on the server) or, signed in with an admin key, with the browser.
 *
 * Without Chromium the tests are skipped with a message; with CI=true they fail instead.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadDashboardCatalogs } from '../../i18n/dashboard.js'
import type { Locale } from '../../i18n/locale.js'
import { describeInBrowser, launchChromium } from './test-support/chromium.js'
import {
  ADMIN_KEY,
  type DashboardServer,
  startDashboardServer,
  USER,
} from './test-support/dashboard-server.js'
import { englishLeftovers, englishPieces, PAGE_TEXTS } from './test-support/english-leftovers.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SHOTS =
  process.env['LEADSCORE_UPDATE_SCREENSHOTS'] === '1'
    ? join(ROOT, 'docs', 'screenshots')
    : join(ROOT, 'dist', 'screenshots')
const TIMEOUT = 120_000
const POLL = { timeout: 30_000 }
const DAY_MS = 86_400_000

const english = (await loadDashboardCatalogs('en')).en
const catalogs = { es: (await loadDashboardCatalogs('es')).es, nl: (await loadDashboardCatalogs('nl')).nl }

describeInBrowser('dashboard in Spanish and Dutch', () => {
  let server: DashboardServer
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDashboardServer({ contacts: 300 }), launchChromium()])
    // some conversions, so that the reports show their tables and not only their empty states
    const top = (await (
      await fetch(`${server.url}/api/contacts?limit=40`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      })
    ).json()) as { items: { id: string }[] }
    const at = new Date(Date.now() - 10 * DAY_MS).toISOString()
    await server.engine.ingest(
      top.items.map((c) => ({
        type: 'track',
        event: 'Deal Won',
        messageId: `won-${c.id}`,
        userId: c.id,
        timestamp: at,
      })),
    )
    // the browser speaks Spanish; the user has no language of their own yet
    context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1400, height: 900 } })
    page = await context.newPage()
    page.setDefaultTimeout(30_000)
  }, TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  /** Fails with the English pieces found on the page, and where. */
  async function expectNoEnglish(locale: Exclude<Locale, 'en'>, where: string) {
    const texts = (await page.evaluate(PAGE_TEXTS)) as string[]
    expect(texts.length, where).toBeGreaterThan(5)
    expect(englishLeftovers(texts, englishPieces(english, catalogs[locale])), where).toEqual([])
  }
  const settled = async () => {
    await expect.poll(() => page.locator('[role="status"]').count(), POLL).toBe(0)
  }

  /** The main flow, page by page, each checked for English. */
  async function mainFlow(locale: 'es' | 'nl') {
    await page.goto(`${server.url}/`)
    await page.locator('tbody tr[data-contact]').first().waitFor()
    await expect.poll(() => page.locator('.page-head .sub').textContent(), POLL).not.toBe('')
    await settled()
    await expectNoEnglish(locale, 'queue')
    await page.screenshot({ path: join(SHOTS, `queue-${locale}.png`) })

    await page.locator('tbody tr[data-contact] td.lead a').first().click()
    await page.locator('[data-score]').waitFor()
    await page.locator('.chart canvas').first().waitFor()
    await settled()
    await expectNoEnglish(locale, 'lead')
    await page.screenshot({ path: join(SHOTS, `lead-${locale}.png`) })

    await page.goto(`${server.url}/accounts`)
    await page.locator('tbody tr').first().waitFor()
    await expectNoEnglish(locale, 'accounts')
    await page.locator('tbody tr td.lead a').first().click()
    await page.locator('.coverage').first().waitFor()
    await expectNoEnglish(locale, 'account')

    await page.goto(`${server.url}/model`)
    await page.locator('[data-preview-idle]').waitFor()
    await settled()
    await expectNoEnglish(locale, 'model')
    await page.screenshot({ path: join(SHOTS, `model-${locale}.png`) })

    for (const address of ['/reports', `/reports?outcome=${encodeURIComponent('event=Deal Won')}`]) {
      await page.goto(`${server.url}${address}`)
      await expect.poll(() => page.locator('[data-report][aria-busy="false"]').count(), POLL).toBe(4)
      await settled()
      expect(await page.locator('[data-report] [role="alert"]').allTextContents(), address).toEqual([])
      await expectNoEnglish(locale, address)
    }
    // numbers as the language writes them: the backtest's rates have a decimal comma
    expect(
      await page.locator('[data-report="backtest"] table[data-by="band"] td').allTextContents(),
    ).toContainEqual(expect.stringMatching(locale === 'es' ? /^\d+,\d\u00a0%$/ : /^\d+,\d%$/))
    await page.screenshot({ path: join(SHOTS, `reports-${locale}.png`), fullPage: true })

    await page.goto(`${server.url}/settings`)
    await page.locator('.secret, table').first().waitFor()
    await expect.poll(() => page.locator('table').count(), POLL).toBe(2)
    await expectNoEnglish(locale, 'settings')
    await page.screenshot({ path: join(SHOTS, `settings-${locale}.png`) })
  }

  it(
    'follows the browser: Spanish from the sign-in page on, with no English left',
    async () => {
      await page.goto(`${server.url}/`)
      await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).waitFor()
      await expectNoEnglish('es', 'sign-in')
      await page.getByLabel('Correo electrónico', { exact: true }).fill(USER.email)
      await page.getByLabel('Contraseña', { exact: true }).fill('not the password')
      await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click()
      await page.getByRole('alert').waitFor()
      await page.getByLabel('Contraseña', { exact: true }).fill(USER.password)
      await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click()
      await page.locator('tbody tr[data-contact]').first().waitFor()
      expect(
        await page.getByRole('navigation', { name: 'Principal' }).getByRole('link').allTextContents(),
      ).toEqual(['Cola', 'Cuentas', 'Modelo', 'Informes', 'Configuración'])
      expect(await page.evaluate('document.documentElement.lang')).toBe('es')
      await mainFlow('es')
    },
    TIMEOUT,
  )

  it(
    'keeps the language picked for the user: Dutch after a reload, whatever the browser speaks',
    async () => {
      await page.getByRole('combobox', { name: 'Idioma' }).selectOption('nl')
      await expect
        .poll(
          () => page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').first().textContent(),
          POLL,
        )
        .toBe('Wachtrij')
      expect((await server.store.findUserByEmail(USER.email))?.locale).toBe('nl')
      await page.reload()
      await page.getByRole('heading', { name: 'Instellingen' }).waitFor()
      expect(await page.getByRole('combobox', { name: 'Taal' }).inputValue()).toBe('nl')
      await mainFlow('nl')
    },
    TIMEOUT,
  )

  it(
    'would see English: the same check on the English queue finds it (so the checks above can fail)',
    async () => {
      const other = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } })
      try {
        const tab = await other.newPage()
        await tab.goto(`${server.url}/#key=${ADMIN_KEY}`)
        await tab.locator('tbody tr[data-contact]').first().waitFor()
        await expect.poll(() => tab.locator('.page-head .sub').textContent(), POLL).not.toBe('')
        const texts = (await tab.evaluate(PAGE_TEXTS)) as string[]
        const found = englishLeftovers(texts, englishPieces(english, catalogs.es)).map((f) => f.english)
        expect(found).toEqual(expect.arrayContaining(['Queue', 'Export CSV', 'Sign out', 'scored leads']))
      } finally {
        await other.close()
      }
    },
    TIMEOUT,
  )

  it(
    'keeps the choice of an admin-key session in the browser',
    async () => {
      const other = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1400, height: 900 } })
      try {
        const tab = await other.newPage()
        await tab.goto(`${server.url}/#key=${ADMIN_KEY}`)
        await tab.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor()
        await tab.getByRole('combobox', { name: 'Taal' }).selectOption('es')
        await tab.getByRole('navigation', { name: 'Principal' }).waitFor()
        await tab.reload()
        await tab.getByRole('navigation', { name: 'Principal' }).waitFor()
        expect(await tab.evaluate(`localStorage.getItem('leadscore.locale')`)).toBe('es')
      } finally {
        await other.close()
      }
    },
    TIMEOUT,
  )
})
