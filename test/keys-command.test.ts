import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/test-support/run-cli.js'
import { hashKey } from '../src/engine/index.js'
import { openSqliteStore } from '../src/store/index.js'

describe('leadscore keys', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('creates a key, prints it once, stores only its hash, lists and revokes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-keys-'))
    dirs.push(dir)
    const created = await runCli(
      dir,
      'keys',
      'create',
      '--kind',
      'write',
      '--label',
      'segment prod',
      '--db',
      'ls.db',
    )
    expect(created.code).toBe(0)
    const secret = created.stdout.trim()
    expect(secret).toMatch(/^lsk_w_[A-Za-z0-9_-]{43}$/)
    expect(created.stderr).toMatch(/created write key key_[0-9a-f]{12} \(segment prod\): it is shown once/)

    const store = await openSqliteStore({ path: join(dir, 'ls.db') })
    const [key] = await store.listKeys()
    await store.close()
    expect(key).toMatchObject({
      kind: 'write',
      label: 'segment prod',
      hash: hashKey(secret),
      revokedAt: null,
    })

    const list = await runCli(dir, 'keys', 'list', '--db', 'ls.db')
    expect(list.stdout).toContain(`${key!.id}\twrite\tsegment prod`)
    expect(list.stdout).not.toContain(secret)
    const revoked = await runCli(dir, 'keys', 'revoke', key!.id, '--db', 'ls.db')
    expect(revoked.code).toBe(0)
    expect((await runCli(dir, 'keys', 'list', '--db', 'ls.db')).stdout).toMatch(/revoked \d{4}-/)
    const missing = await runCli(dir, 'keys', 'revoke', 'key_nope', '--db', 'ls.db')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no key key_nope')
  })

  it('refuses an unknown kind with the usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-keys-'))
    dirs.push(dir)
    const run = await runCli(dir, 'keys', 'create', '--kind', 'root', '--db', 'ls.db')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/kind/)
  })
})
