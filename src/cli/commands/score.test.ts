import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileModel } from '../../core/compile.js'
import { evaluateContact } from '../../core/evaluate.js'
import { loadModel } from '../../core/model/index.js'
import { readContacts } from '../../io/index.js'
import { main } from '../main.js'
import { runCli, sink } from '../test-support/run-cli.js'

const EXAMPLES = new URL('../../../examples/', import.meta.url)
let cwd = ''
const run = (...argv: string[]) => runCli(cwd, ...argv)
/** `leadscore score` on the small test files as of 2026-11-01, with more arguments. */
const score = (...more: string[]) =>
  run('score', '--model', 'model.yaml', '--contacts', 'contacts.csv', '--as-of', '2026-11-01', ...more)

const MODEL = `format: leadscore/v1
id: small
fit:
  max: 40
  groups:
    - id: title
      mode: first
      rules:
        - { id: vp, when: { job_title: { matches: '\\bvp\\b' } }, points: 30 }
        - { id: any-title, when: { job_title: { exists: true } }, points: 5 }
  grades: { A: 30, B: 5 }
engagement:
  max: 60
  decay: { halfLifeDays: 7 }
  groups:
    - id: web
      rules:
        - { id: pricing, when: { event: page, path: /pricing }, points: 10 }
        - { id: demo, when: { event: Demo Requested }, points: 30, occurrences: first }
  levels: { 1: 20, 2: 5 }
bands:
  - { id: hot, when: { score.total: { gte: 50 } } }
  - { id: cold }
stages:
  - { id: lead }
  - { id: mql, when: { score.total: { gte: 50 } } }
journey:
  - { id: decision, when: { did: { rule: demo, withinDays: 30 } } }
  - { id: discovery }
segments:
  - { id: quiet, when: { didNot: { event: any, withinDays: 14 } } }
  - { id: vp, when: { job_title: { contains: vp } } }
`

const CONTACTS = 'contact_id,job_title,country\nc2,VP Sales,US\nc1,engineer,\nc3,,NA\n'
const EVENTS = [
  'event_id,contact_id,event,timestamp,path',
  'e1,c2,page,2026-10-31T00:00:00Z,/pricing',
  'e2,c2,Demo Requested,1761955200000,', // epoch ms: 2025-11-01
  'e3,c2,Demo Requested,2026-10-25T00:00:00Z,',
  'e4,c1,page,2026-10-01T00:00:00Z,/blog',
  'e5,c9,page,2026-10-01T00:00:00Z,/pricing',
  'e6,c2,page,2026-11-05T00:00:00Z,/pricing',
].join('\n')

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-score-'))
  writeFileSync(join(cwd, 'model.yaml'), MODEL)
  writeFileSync(join(cwd, 'contacts.csv'), CONTACTS)
  writeFileSync(join(cwd, 'events.csv'), `${EVENTS}\n`)
  writeFileSync(join(cwd, 'events.csv.gz'), gzipSync(`${EVENTS}\n`))
  writeFileSync(
    join(cwd, 'events.ndjson'),
    `${EVENTS.split('\n')
      .slice(1)
      .map((line) => {
        const [event_id, contact_id, event, timestamp, path] = line.split(',')
        const ts = /^\d+$/.test(timestamp!) ? Number(timestamp) : timestamp
        return JSON.stringify({
          event_id,
          contact_id,
          event,
          timestamp: ts,
          ...(path ? { properties: { path } } : {}),
        })
      })
      .join('\n')}\n`,
  )
})

function csv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n')
  const cols = header!.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])))
}

describe('leadscore score', () => {
  it('writes every contact in file order with the documented columns, and equals the evaluator', async () => {
    const r = await score('--events', 'events.csv')
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(
      'contact_id,fit,engagement,total,grade,level,label,band,stage,journey,segments',
    )
    const rows = csv(r.stdout)
    expect(rows.map((x) => x.contact_id)).toEqual(['c2', 'c1', 'c3'])
    // c2: VP (30) + pricing 1 day ago (10 × 0.5^(1/7)) + first demo a year ago (30 × 0.5^(365/7)); the future event is ignored
    const loaded = loadModel(MODEL)
    if (!loaded.ok) throw new Error('the test model does not load')
    const model = compileModel(loaded.model)
    const expected = evaluateContact(
      model,
      { id: 'c2', properties: { job_title: 'VP Sales' } },
      [
        { id: 'e1', name: 'page', ts: Date.parse('2026-10-31'), properties: { path: '/pricing' } },
        { id: 'e2', name: 'Demo Requested', ts: 1761955200000, properties: {} },
        { id: 'e3', name: 'Demo Requested', ts: Date.parse('2026-10-25'), properties: {} },
      ],
      Date.parse('2026-11-01'),
    )
    expect(Number(rows[0]!.total)).toBeCloseTo(expected.total, 5)
    expect(rows[0]).toMatchObject({
      grade: 'A',
      level: '2',
      label: 'A2',
      band: 'cold',
      stage: 'lead',
      journey: 'decision',
      segments: 'vp',
    })
    expect(rows[0]!.engagement).toMatch(/^\d+\.\d{4,}$/)
    expect(rows[1]).toMatchObject({
      contact_id: 'c1',
      fit: '5',
      engagement: '0',
      grade: 'B',
      segments: 'quiet',
    })
    expect(rows[2]).toMatchObject({ contact_id: 'c3', fit: '0', grade: 'F', band: 'cold', segments: 'quiet' })
    expect(r.stderr).toContain('scored 3 contacts from 5 events as of 2026-11-01T00:00:00.000Z')
    expect(r.stderr).toContain('1 event belongs to contacts that are not in contacts.csv')
  })

  it('reads gzip and NDJSON events alike, and writes JSON and NDJSON', async () => {
    const base = await score('--events', 'events.csv')
    const gz = await score('--events', 'events.csv.gz')
    const nd = await score('--events', 'events.ndjson')
    expect(gz.stdout).toBe(base.stdout)
    expect(nd.stdout).toBe(base.stdout)
    const json = await score('--events', 'events.csv', '--format', 'json')
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>[]
    expect(parsed.map((x) => x.contact_id)).toEqual(['c2', 'c1', 'c3'])
    expect(parsed[1]).toMatchObject({ fit: 5, grade: 'B', segments: 'quiet' })
    const out = await score('--out', 'scores.ndjson')
    expect(out.code).toBe(0)
    const lines = readFileSync(join(cwd, 'scores.ndjson'), 'utf8').trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { contact_id: string }).contact_id)).toEqual(['c2', 'c1', 'c3'])
  })

  it('skips bad rows with file and line, and --strict fails on the first', async () => {
    writeFileSync(
      join(cwd, 'bad.csv'),
      'event_id,contact_id,event,timestamp\nb1,c1,page,2026-10-30T00:00:00Z\nb2,c1,page,yesterday\nb3,,page,2026-10-30T00:00:00Z\n',
    )
    const r = await score('--events', 'bad.csv')
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('2 bad rows skipped:')
    expect(r.stderr).toMatch(/bad\.csv:3: .*yesterday/)
    expect(r.stderr).toMatch(/bad\.csv:4: /)
    const strict = await run(
      'score',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--events',
      'bad.csv',
      '--strict',
    )
    expect(strict.code).toBe(1)
    expect(strict.stdout).toBe('')
    expect(strict.stderr).toMatch(/^error: .*bad\.csv:3/m)
  })

  it('refuses a broken model, a missing file and a bad --as-of with a hint', async () => {
    writeFileSync(
      join(cwd, 'broken.yaml'),
      'format: leadscore/v1\nid: b\nfit:\n  max: 40\n  groups:\n    - id: g\n      rules:\n        - { when: {}, pionts: 3 }\n',
    )
    const broken = await run('score', '--model', 'broken.yaml', '--contacts', 'contacts.csv')
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/broken\.yaml:8:\d+ error .*pionts/)
    expect(broken.stderr).toContain('error: broken.yaml has 1 error; the model was not used')
    const missing = await run('score', '--model', 'model.yaml', '--contacts', 'nope.csv')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/nope\.csv/)
    const asOf = await run(
      'score',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--as-of',
      'tomorrow',
    )
    expect(asOf.code).toBe(1)
    expect(asOf.stderr).toContain('error: --as-of tomorrow is not a time')
    const noModel = await run('score', '--contacts', 'contacts.csv')
    expect(noModel.code).toBe(2)
    expect(noModel.stderr).toContain('--model')
  })

  it('scores the example data set from the README', async () => {
    for (const f of ['contacts.csv', 'events.csv', 'accounts.csv'])
      copyFileSync(new URL(`data/${f}`, EXAMPLES), join(cwd, f.replace('.csv', '-ex.csv')))
    copyFileSync(new URL('b2b-saas.yaml', EXAMPLES), join(cwd, 'b2b.yaml'))
    const r = await run(
      'score',
      '--model',
      'b2b.yaml',
      '--contacts',
      'contacts-ex.csv',
      '--events',
      'events-ex.csv',
      '--accounts',
      'accounts-ex.csv',
      '--as-of',
      '2026-11-01',
    )
    expect(r.code).toBe(0)
    const rows = csv(r.stdout)
    expect(rows).toHaveLength(200)
    expect(new Set(rows.map((x) => x.band))).toEqual(new Set(['hot', 'warm', 'cold']))
    expect(rows.some((x) => x.stage === 'mql')).toBe(true)
    expect(Object.keys(rows[0]!)).toContain('account_total')
  })

  it('scores CSV contacts (read as columns) as it scores the same contacts in NDJSON (read as rows)', async () => {
    for (const f of ['events.csv', 'accounts.csv'])
      copyFileSync(new URL(`data/${f}`, EXAMPLES), join(cwd, f.replace('.csv', '-ex.csv')))
    copyFileSync(new URL('b2b-saas.yaml', EXAMPLES), join(cwd, 'b2b.yaml'))
    // the example contacts, with a repeated contact, a bad row and an account that is not in the accounts file
    const text = readFileSync(new URL('data/contacts.csv', EXAMPLES), 'utf8').trimEnd()
    const [header, first, second] = text.split('\n')
    const cells = second!.split(',')
    cells[header!.split(',').indexOf('account_id')] = 'acc-missing'
    cells[header!.split(',').indexOf('contact_id')] = 'c-new'
    writeFileSync(join(cwd, 'mixed.csv'), `${text}\n${first}\nonly-an-id\n${cells.join(',')}\n`)
    const lines: string[] = []
    for await (const rows of readContacts(join(cwd, 'mixed.csv'), { onBadRow: () => undefined }).batches())
      for (const row of rows) lines.push(JSON.stringify({ contact_id: row.id, ...row.properties }))
    writeFileSync(join(cwd, 'mixed.ndjson'), `${lines.join('\n')}\n{"contact_id":""}\n`)
    const both = ['mixed.csv', 'mixed.ndjson'].map((contacts) =>
      run(
        'score',
        ...['--model', 'b2b.yaml', '--contacts', contacts, '--events', 'events-ex.csv'],
        ...['--accounts', 'accounts-ex.csv', '--as-of', '2026-11-01'],
      ),
    )
    const [columns, rows] = await Promise.all(both)
    expect(columns!.code).toBe(0)
    expect(columns!.stdout).toBe(rows!.stdout)
    expect(csv(columns!.stdout)).toHaveLength(201)
    for (const [r, file] of [
      [columns!, 'mixed.csv'],
      [rows!, 'mixed.ndjson'],
    ] as const) {
      expect(r.stderr).toContain(`1 repeated contact id in ${file}`)
      expect(r.stderr).toContain('1 contact names an account that is not in accounts-ex.csv')
      expect(r.stderr).toMatch(new RegExp(`^1 bad row skipped:\n.*${file}:203: `, 'm'))
    }
  })
})

describe('progress', () => {
  it('draws a bar on a terminal and nothing on a pipe', async () => {
    const args = [
      'score',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--events',
      'events.csv',
      '--as-of',
      '2026-11-01',
    ]
    const pipe = sink()
    await main(args, { stdout: sink().stream, stderr: pipe.stream, cwd, env: {} })
    expect(pipe.text()).not.toContain('%')
    const tty = sink()
    Object.assign(tty.stream, {
      isTTY: true,
      columns: 100,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    })
    await main(args, { stdout: sink().stream, stderr: tty.stream, cwd, env: {} })
    expect(tty.text()).toMatch(/contacts\.csv.*\d+%/)
    expect(tty.text()).toMatch(/events\.csv.*100%/)
  })
})

describe('leadscore explain', () => {
  it('prints the ledger of one contact, and its JSON adds up', async () => {
    const r = await run(
      'explain',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--events',
      'events.csv',
      '--as-of',
      '2026-11-01',
      '--id',
      'c2',
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^c2: [\d.]+ points as of 2026-11-01T00:00:00.000Z \(model small\)/)
    expect(r.stdout).toContain('+30  vp')
    expect(r.stdout).toMatch(/pricing.*1 event × 10/)
    const json = await run(
      'explain',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--events',
      'events.csv',
      '--as-of',
      '2026-11-01',
      '--id',
      'c2',
      '--json',
    )
    const result = JSON.parse(json.stdout) as {
      total: number
      fit: number
      engagement: number
      ledger: { engagement: { groups: { rules: { id: string; events: { id: string }[] }[] }[] } }
    }
    expect(result.total).toBeCloseTo(result.fit + result.engagement, 10)
    const demo = result.ledger.engagement.groups[0]!.rules.find((x) => x.id === 'demo')!
    expect(demo.events.map((e) => e.id)).toEqual(['e2'])
  })

  it('says when the contact is not there', async () => {
    const r = await run('explain', '--model', 'model.yaml', '--contacts', 'contacts.csv', '--id', 'zz')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error: no contact zz in contacts.csv')
  })
})

describe('help', () => {
  it('lists the commands, and a command’s options, without colour codes on a pipe', async () => {
    const root = await run('--help')
    expect(root.code).toBe(0)
    expect(root.stdout).toMatch(/USAGE leadscore .*score/)
    const help = await run('score', '--help')
    expect(help.stdout).toContain('--contacts=<FILE>')
    for (const r of [root, help]) expect(r.stdout).not.toContain('\u001b[')
  })
})

describe('leadscore init', () => {
  it('writes a model that validates, and does not overwrite it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-init-'))
    const r = await runCli(dir, 'init')
    expect(r.code).toBe(0)
    const v = await runCli(dir, 'model', 'validate', 'leadscore.yaml')
    expect(v.stdout).toContain('leadscore.yaml: 0 errors, 0 warnings')
    const again = await runCli(dir, 'init')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
  })
})
