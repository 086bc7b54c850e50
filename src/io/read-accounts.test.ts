import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AccountRow, readAccounts } from './read-accounts.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function all(path: string): Promise<AccountRow[]> {
  const rows: AccountRow[] = []
  for await (const row of readAccounts(path)) rows.push(row)
  return rows
}

describe('readAccounts', () => {
  it('reads account_id (before id) as the id and the other columns as properties', async () => {
    const path = join(dir, 'accounts.csv')
    writeFileSync(path, 'id,account_id,industry,employees\nx,a1,SaaS,250\n')
    expect(await all(path)).toEqual([
      { id: 'a1', index: -1, properties: { id: 'x', industry: 'SaaS', employees: 250 }, line: 2 },
    ])
  })

  it('falls back to id, and names the account id in errors', async () => {
    const path = join(dir, 'accounts.ndjson')
    writeFileSync(path, '{"id":"a1","industry":"SaaS"}\n')
    expect(await all(path)).toEqual([{ id: 'a1', index: -1, properties: { industry: 'SaaS' }, line: 1 }])
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'name\nx\n')
    await expect(all(bad)).rejects.toThrow(`${bad}:1: no account id column`)
  })
})
