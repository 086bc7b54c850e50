import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { verifyPassword } from '../../server/dashboard/password.js'
import { openSqliteStore } from '../../store/index.js'
import { main } from '../main.js'
import { sink } from '../test-support/run-cli.js'

async function run(cwd: string, env: Record<string, string>, ...argv: string[]) {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd, env })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

describe('leadscore users', () => {
  it('adds a user with a hashed password, lists them, refuses duplicates and weak passwords, removes them', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'leadscore-users-'))
    const env = { LEADSCORE_USER_PASSWORD: 'a long enough password' }
    const added = await run(cwd, env, 'users', 'add', 'Ana@Example.com', '--role', 'admin', '--name', 'Ana')
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^usr_[0-9a-f]{12}\n$/)
    expect(added.stderr).toMatch(/added admin user ana@example.com/)
    const store = await openSqliteStore({ path: join(cwd, 'leadscore.db') })
    const user = await store.findUserByEmail('ana@example.com')
    await store.close()
    expect(user?.passwordHash).not.toContain('a long enough password')
    expect(await verifyPassword('a long enough password', user!.passwordHash)).toBe(true)

    const again = await run(cwd, env, 'users', 'add', 'ana@example.com')
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/exists/)
    const weak = await run(cwd, { LEADSCORE_USER_PASSWORD: 'short' }, 'users', 'add', 'bob@example.com')
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/at least 10 characters/)
    const badEmail = await run(cwd, env, 'users', 'add', 'not-an-email')
    expect(badEmail.code).toBe(1)
    expect(badEmail.stderr).toMatch(/not an email address/)

    const list = await run(cwd, {}, 'users', 'list')
    expect(list.stdout).toMatch(/usr_[0-9a-f]+\tana@example.com\tadmin\tAna\tnever signed in/)
    expect((await run(cwd, {}, 'users', 'remove', 'ana@example.com')).code).toBe(0)
    expect((await run(cwd, {}, 'users', 'remove', 'ana@example.com')).stderr).toMatch(
      /no user ana@example.com/,
    )
  })
})
