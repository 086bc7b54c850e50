/**
 * The dashboard's first render of each page, measured in Debian's Chromium: from the start
 * of the navigation (`performance.now()` in the page) to the page's content on screen, with
 * the assets cached as a returning user has them (the first, cold load is shown apart). Also
 * the JavaScript the pages download, gzipped.
 *
 *   npx tsx bench/dashboard.bench.ts [--db leadscore.db] [--contacts 2000] [--runs 7]
 *
 * Without --db it generates a demo workspace of --contacts contacts in a temporary SQLite
 * file; with --db it serves that database (not changed: it signs in with an admin key given
 * to the server, adds no user). The dashboard is built from the current sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '../src/server/dashboard/test-support/chromium.js'
import { ADMIN_KEY, startDashboardServer } from '../src/server/dashboard/test-support/dashboard-server.js'

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    contacts: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '7' },
  },
})
const runs = Math.max(1, Number(values.runs))
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

console.log(`command:  npx tsx bench/dashboard.bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd())
console.log(
  `machine:  ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
const started = performance.now()
const server = await startDashboardServer({
  ...(values.db ? { db: resolve(values.db) } : { contacts: Number(values.contacts) }),
  addUser: false,
})
const counts = (await (
  await fetch(`${server.url}/api/contacts/counts?by=band`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  })
).json()) as { counts: { count: number }[] }
const contacts = counts.counts.reduce((s, c) => s + c.count, 0)
const top = (await (
  await fetch(`${server.url}/api/contacts?limit=1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
).json()) as { items: { id: string }[] }
console.log(
  `data:     ${values.db ? resolve(values.db) : 'generated demo workspace'}: ${contacts.toLocaleString('en-US')} scored contacts (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
)

// the JavaScript, gzipped: the entry every page loads, and the chunks loaded by some pages
const assets = join(server.dashboardDir, 'assets')
let entry = 0
const chunks: string[] = []
const html = readFileSync(join(server.dashboardDir, 'index.html'), 'utf8')
for (const name of readdirSync(assets)) {
  const gz = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length
  const kb = (gz / 1024).toFixed(1)
  if (html.includes(name)) entry += gz
  else
    chunks.push(
      `${name.replace(/-[\w-]{8}\./, '.')} ${kb} KB (${(statSync(join(assets, name)).size / 1024).toFixed(0)} KB raw)`,
    )
}
console.log(
  `js+css:   every page ${(entry / 1024).toFixed(1)} KB gzipped; loaded when needed: ${chunks.join(', ')}`,
)

const PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'queue', path: '/', ready: 'tbody tr[data-contact]' },
  { name: 'lead', path: `/leads/${encodeURIComponent(top.items[0]?.id ?? '')}`, ready: '.breakdown li' },
  // a database without accounts shows its empty state: that is the page's content too
  { name: 'accounts', path: '/accounts', ready: 'tbody tr td.lead, p.empty' },
  { name: 'model (editor)', path: '/model', ready: '.cm-content' },
  {
    name: 'settings',
    path: '/settings',
    ready: 'section[aria-label="Users"] table, section[aria-label="Users"] p.muted:not([role="status"])',
  },
]

const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(120_000)
  // the time each page's content first appears, noted by the page itself (no round trip to the browser)
  await page.addInitScript({
    content: `{
      const selectors = ${JSON.stringify(PAGES.map((p) => p.ready))}
      const seen = (window.firstSeen = {})
      new MutationObserver(() => {
        for (const s of selectors) if (seen[s] === undefined && document.querySelector(s)) seen[s] = performance.now()
      }).observe(document, { childList: true, subtree: true })
    }`,
  })
  await page.goto(`${server.url}/#key=${ADMIN_KEY}`)
  await page.waitForSelector(PAGES[0]!.ready)
  console.log(
    `\nfirst render (ms, navigation start → content), median of ${runs} warm runs; cold = the first load`,
  )
  console.log(
    `${'page'.padEnd(16)}${'cold'.padStart(8)}${'median'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}`,
  )
  for (const p of PAGES) {
    const times: number[] = []
    for (let i = 0; i <= runs; i++) {
      await page.goto(`${server.url}${p.path}`)
      await page.waitForSelector(p.ready)
      times.push(Number(await page.evaluate(`window.firstSeen[${JSON.stringify(p.ready)}]`)))
    }
    const [cold, ...warm] = times
    console.log(
      `${p.name.padEnd(16)}${cold!.toFixed(0).padStart(8)}${median(warm).toFixed(0).padStart(8)}${Math.min(
        ...warm,
      )
        .toFixed(0)
        .padStart(8)}${Math.max(...warm)
        .toFixed(0)
        .padStart(8)}`,
    )
  }
  // the model preview: from an edit in the editor to its preview on screen (400 ms of it wait for typing to pause)
  const source = (
    (await (
      await fetch(`${server.url}/api/models`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    ).json()) as { models: { id: string; published: { version: number; primary: boolean } | null }[] }
  ).models.find((m) => m.published?.primary)
  const { source: text } = (await (
    await fetch(`${server.url}/api/models/${source?.id}/versions/${source?.published?.version}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    })
  ).json()) as { source: string }
  const previews: number[] = []
  for (let i = 0; i < Math.min(runs, 3); i++) {
    await page.goto(`${server.url}/model`)
    await page.waitForSelector('[data-preview-idle]')
    await page.locator('.cm-content').click()
    await page.keyboard.press('ControlOrMeta+a')
    const t0 = Date.now()
    await page.keyboard.insertText(`${text}\n# edit ${i}\n`)
    await page.waitForSelector('[data-band-changes]')
    previews.push(Date.now() - t0)
  }
  console.log(
    `model preview on every contact, edit → preview on screen: median ${median(previews).toFixed(0)} ms`,
  )
} finally {
  await browser.close()
  await server.close()
}
