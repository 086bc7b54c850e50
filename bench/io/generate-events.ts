/**
 * Writes a deterministic, realistic events CSV for the parser benchmark: about 55 bytes a
 * row, ISO or epoch-ms times, empty cells, and a few quoted fields (commas, doubled
 * quotes, embedded newlines) so no parser can take only its fast path.
 *
 * Usage: npx tsx bench/io/generate-events.ts OUT.csv [MEGABYTES=200] [iso|epoch]
 * @module
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

const EVENTS = [
  'page',
  'Email Opened',
  'Email Clicked',
  'Form Submitted',
  'Demo Requested',
  'Webinar Attended',
]
const PAGES = ['/pricing', '/docs/getting-started', '/blog/lead-scoring-101', '/', '/contact', '/features']
const CAMPAIGNS = ['spring-launch', '"Spring, 2024"', '"the ""big"" one"', '"two\nlines"', 'q3-webinar']
const START = Date.UTC(2024, 0, 1)

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Writes about `megabytes` MB of events CSV to `path`; returns the row count. */
export async function generateEventsCsv(
  path: string,
  megabytes: number,
  time: 'iso' | 'epoch' = 'iso',
  contacts = 1_000_000,
): Promise<number> {
  const rnd = random(42)
  const out = createWriteStream(path)
  const target = megabytes * 1_000_000
  let written = 0
  let rows = 0
  out.write('contact_id,event,timestamp,url,campaign,value\n')
  while (written < target) {
    const parts: string[] = []
    for (let i = 0; i < 10_000; i++) {
      const id = `c${String(Math.floor(rnd() * contacts)).padStart(7, '0')}`
      const event = EVENTS[Math.floor(rnd() * EVENTS.length)]!
      const ms = START + Math.floor(rnd() * 300 * 86_400_000)
      const ts = time === 'iso' ? new Date(ms).toISOString() : String(ms)
      const url = event === 'page' ? PAGES[Math.floor(rnd() * PAGES.length)]! : ''
      const r = rnd()
      const campaign = r < 0.9 ? '' : CAMPAIGNS[Math.floor(rnd() * CAMPAIGNS.length)]!
      const value = r < 0.5 ? '' : r < 0.8 ? String(Math.floor(rnd() * 100)) : (rnd() * 100).toFixed(2)
      parts.push(`${id},${event},${ts},${url},${campaign},${value}\n`)
    }
    rows += parts.length
    const chunk = parts.join('')
    written += Buffer.byteLength(chunk)
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return rows
}

const INDUSTRIES = ['SaaS', 'Retail', 'Finance', '"Health, Care"', 'Manufacturing', '']
const TITLES = ['CEO', 'VP Marketing', 'Head of Sales', 'Engineer', 'Marketing Ops', '']

/** Writes a contacts CSV with `contacts` rows (about 75 bytes each); returns the row count. */
export async function generateContactsCsv(path: string, contacts = 1_000_000): Promise<number> {
  const rnd = random(7)
  const out = createWriteStream(path)
  out.write('contact_id,email,company,employees,industry,title,country\n')
  for (let start = 0; start < contacts; start += 10_000) {
    const parts: string[] = []
    for (let i = start; i < Math.min(start + 10_000, contacts); i++) {
      const company = `company${Math.floor(rnd() * 50_000)}`
      const employees = rnd() < 0.1 ? '' : String(Math.floor(rnd() * 5000))
      const industry = INDUSTRIES[Math.floor(rnd() * INDUSTRIES.length)]!
      const title = TITLES[Math.floor(rnd() * TITLES.length)]!
      parts.push(
        `c${String(i).padStart(7, '0')},user${i}@${company}.com,${company},${employees},${industry},${title},US\n`,
      )
    }
    if (!out.write(parts.join(''))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return contacts
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, mb = '200', time = 'iso'] = process.argv.slice(2)
  if (path === undefined) {
    console.error('usage: npx tsx bench/io/generate-events.ts OUT.csv [MEGABYTES=200] [iso|epoch]')
    process.exit(2)
  }
  const rows = await generateEventsCsv(path, Number(mb), time === 'epoch' ? 'epoch' : 'iso')
  console.log(`${path}: ${rows} rows`)
}
