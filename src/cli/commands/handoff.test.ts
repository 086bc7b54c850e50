import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../store/index.js'
import { runCli } from '../test-support/run-cli.js'

const DATA = new URL('../../../examples/data/', import.meta.url).pathname
let cwd = ''
const run = (...argv: string[]) => runCli(cwd, ...argv)

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-cli-handoff-'))
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('leadscore import', () => {
  it('loads accounts, contacts and events, scored; importing again changes nothing', async () => {
    const accounts = await run('import', 'accounts', join(DATA, 'accounts.csv'))
    expect(accounts).toMatchObject({ code: 0 })
    expect(accounts.stderr).toMatch(
      /^imported \d+ accounts from .*accounts\.csv in [\d.]+ s; they are scored\n$/,
    )
    expect((await run('import', 'contacts', join(DATA, 'contacts.csv'))).stderr).toMatch(
      /imported 200 contacts/,
    )
    const events = await run('import', 'events', join(DATA, 'events.csv'))
    expect(events.code).toBe(0)
    const imported = Number(/imported ([\d,]+) events/.exec(events.stderr)![1]!.replaceAll(',', ''))
    expect(imported).toBeGreaterThan(1000)
    const store = await openSqliteStore({ path: join(cwd, 'leadscore.db') })
    try {
      const count = async () => {
        let n = 0
        for await (const page of store.streamEvents()) n += page.length
        return n
      }
      expect(await count()).toBe(imported)
      expect((await store.contactScores('c-000001')).length).toBe(1)
      expect((await store.getContact('c-000001'))?.accountId).toBe('acc-0002')
      await run('import', 'events', join(DATA, 'events.csv'))
      expect(await count()).toBe(imported)
    } finally {
      await store.close()
    }
  }, 120_000)

  it('reports a missing file and a file without its id column, with what to do', async () => {
    const missing = await run('import', 'contacts', 'nope.csv')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error: .*nope\.csv/)
    expect(missing.stderr).not.toMatch(/\n\s+at /)
    const wrong = await run('import', 'contacts', join(DATA, 'events.csv'), '--id-column', 'nope')
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/nope/)
  })
})

describe('leadscore export', () => {
  it('streams a filtered view as CSV to a file and NDJSON to stdout', async () => {
    const csv = await run('export', '--band', 'hot,warm', '--out', 'hot.csv')
    expect(csv.code).toBe(0)
    const [header, ...records] = parse(readFileSync(join(cwd, 'hot.csv'), 'utf8')) as string[][]
    expect(header!.join(',')).toMatch(
      /^id,name,email,title,company,account_id,stage,owner,total,fit,engagement,grade/,
    )
    expect(csv.stderr).toBe(
      `exported ${records.length} ${records.length === 1 ? 'contact' : 'contacts'} to hot.csv\n`,
    )
    expect(records.length).toBeGreaterThan(1)
    const band = header!.indexOf('band')
    for (const r of records) expect(['hot', 'warm']).toContain(r[band])
    const ndjson = await run('export', '--format', 'ndjson', '--sort', 'fit')
    const rows = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(200)
    const fits = rows.map((r) => r.score.fit)
    expect(fits).toEqual([...fits].sort((a, b) => b - a))
    const one = await run('export', '--q', 'c-000001', '--out', 'one.csv')
    expect(one.stderr).toBe('exported 1 contact to one.csv\n')
    const bad = await run('export', '--format', 'xml')
    expect(bad).toMatchObject({
      code: 1,
      stderr: 'error: --format xml is not a format\nhint: use --format csv or --format ndjson\n',
    })
  })
})

describe('leadscore webhooks and assignment', () => {
  it('adds (printing the secret once), lists, pauses, shows deliveries and removes endpoints', async () => {
    const added = await run(
      'webhooks',
      'add',
      'https://crm.example.com/hooks',
      '--on',
      'mql.reached,band.changed',
      '--filter',
      '{ score.grade: [A, B] }',
    )
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^whsec_\S{43}\n$/)
    const id = /created webhook (wh_[0-9a-f]+)/.exec(added.stderr)![1]!
    const listed = await run('webhooks', 'list')
    expect(listed.stdout).toMatch(/^id +status +URL +events +filter +deliveries\n/)
    expect(listed.stdout).toMatch(
      new RegExp(`\\n${id} +active +https://crm\\.example\\.com/hooks +mql\\.reached,band\\.changed +`),
    )
    expect(listed.stdout).toMatch(/0 pending, 0 dead\n$/)
    expect(listed.stdout).not.toContain(added.stdout.trim())
    expect((await run('webhooks', 'pause', id)).stderr).toBe(`webhook ${id} is paused\n`)
    expect((await run('webhooks', 'deliveries', id)).stderr).toBe('no deliveries\n')
    const rotated = await run('webhooks', 'rotate-secret', id, '--grace-hours', '2')
    expect(rotated.stdout).toMatch(/^whsec_/)
    expect((await run('webhooks', 'remove', id)).code).toBe(0)
    const gone = await run('webhooks', 'remove', id)
    expect(gone).toMatchObject({ code: 1 })
    expect(gone.stderr).toMatch(/^error: no webhook endpoint "wh_[0-9a-f]+"\nhint: /)
    const bad = await run('webhooks', 'add', 'https://x', '--on', 'mql')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^error: types\[0\]: "mql" is not an event type\nhint: one of mql.reached, /)
  })

  it('sets, shows and clears the owner assignment rule', async () => {
    const set = await run(
      'assignment',
      'set',
      '--owners',
      'ana@x.example, bo@x.example',
      '--weekly-capacity',
      '25',
    )
    expect(set.code).toBe(0)
    expect(set.stdout).toMatch(/^enabled: round robin over 2 owners, at most 25 new MQLs a week each\n/)
    expect(set.stdout).toContain('  ana@x.example\t0\n')
    expect((await run('assignment', 'set', '--owners', 'a', '--weekly-capacity', 'many')).stderr).toMatch(
      /--weekly-capacity many is not a whole number/,
    )
    expect((await run('assignment', 'clear')).code).toBe(0)
    expect((await run('assignment', 'show')).stdout).toMatch(/^no assignment rule/)
  })
})
