/**
 * Conformance of dashboard users and sessions, run against every adapter (`sqlite.test.ts`,
 * `postgres.test.ts`) with the same targets as the store conformance suite.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreConstraintError, StoreInputError, StoreNotFoundError } from './errors.js'
import type { CreateStoreTarget, StoreTarget } from './store.case.js'
import type { Store } from './store.js'

const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const HOUR = 3_600_000

export function runUsersConformance(name: string, createStore: CreateStoreTarget): void {
  describe(`users and sessions: ${name}`, () => {
    let target: StoreTarget
    let store: Store

    beforeEach(async () => {
      target = await createStore()
      store = await target.open()
    })
    afterEach(async () => {
      await store.close()
      await target.destroy()
    })

    const ada = () =>
      store.createUser({
        id: 'u1',
        email: '  Ada@Example.COM ',
        name: 'Ada',
        role: 'admin',
        passwordHash: 'scrypt$x',
        createdAt: T0,
      })

    it('creates users and finds them by id and by email, whatever its case', async () => {
      const user = await ada()
      expect(user).toEqual({
        id: 'u1',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        passwordHash: 'scrypt$x',
        createdAt: T0,
        updatedAt: T0,
        disabledAt: null,
        lastSignInAt: null,
        locale: null,
      })
      expect(await store.getUser('u1')).toEqual(user)
      expect(await store.findUserByEmail('ADA@example.com')).toEqual(user)
      expect(await store.findUserByEmail('bob@example.com')).toBeUndefined()
      expect(await store.getUser('u2')).toBeUndefined()
    })

    it('refuses a second user with the same email, and bad input before writing', async () => {
      await ada()
      const again = store.createUser({
        id: 'u2',
        email: 'ada@example.com',
        role: 'sales',
        passwordHash: 'h',
        createdAt: T0,
      })
      await expect(again).rejects.toBeInstanceOf(StoreConstraintError)
      await expect(
        store.createUser({
          id: 'u3',
          email: 'not an email',
          role: 'sales',
          passwordHash: 'h',
          createdAt: T0,
        }),
      ).rejects.toThrow(StoreInputError)
      await expect(
        store.createUser({
          id: 'u3',
          email: 'x@y.z',
          role: 'owner' as 'admin',
          passwordHash: 'h',
          createdAt: T0,
        }),
      ).rejects.toThrow(/role/)
      expect((await store.listUsers()).map((u) => u.id)).toEqual(['u1'])
    })

    it('lists users by email', async () => {
      await store.createUser({ id: 'b', email: 'zed@x.io', role: 'sales', passwordHash: 'h', createdAt: T0 })
      await ada()
      expect((await store.listUsers()).map((u) => u.email)).toEqual(['ada@example.com', 'zed@x.io'])
    })

    async function session(
      token: string,
      owner: { userId: string } | { keyId: string },
      expiresAt = T0 + HOUR,
    ) {
      return store.createSession({
        tokenHash: token,
        userId: 'userId' in owner ? owner.userId : null,
        keyId: 'keyId' in owner ? owner.keyId : null,
        role: 'admin',
        createdAt: T0,
        expiresAt,
      })
    }

    it('keeps sessions of users and of admin keys, each with exactly one owner', async () => {
      await ada()
      await store.createKey({ id: 'k1', kind: 'admin', hash: 'kh', createdAt: T0 })
      expect(await session('s1', { userId: 'u1' })).toEqual({
        tokenHash: 's1',
        userId: 'u1',
        keyId: null,
        role: 'admin',
        createdAt: T0,
        expiresAt: T0 + HOUR,
        lastSeenAt: T0,
      })
      await session('s2', { keyId: 'k1' })
      expect((await store.getSession('s2'))?.keyId).toBe('k1')
      expect(await store.getSession('nope')).toBeUndefined()
      await expect(
        store.createSession({
          tokenHash: 's3',
          userId: 'u1',
          keyId: 'k1',
          role: 'admin',
          createdAt: T0,
          expiresAt: T0 + 1,
        }),
      ).rejects.toThrow(/exactly one/)
      await expect(session('s4', { userId: 'ghost' })).rejects.toBeInstanceOf(StoreConstraintError)
    })

    it('moves a session forward when touched, never back', async () => {
      await ada()
      await session('s1', { userId: 'u1' })
      await store.touchSession('s1', T0 + 10, T0 + 2 * HOUR)
      await store.touchSession('s1', T0 + 5, T0 + HOUR)
      const s = await store.getSession('s1')
      expect([s?.lastSeenAt, s?.expiresAt]).toEqual([T0 + 10, T0 + 2 * HOUR])
    })

    it('ends sessions one by one, by owner, when expired, and when the user changes', async () => {
      await ada()
      await store.createKey({ id: 'k1', kind: 'admin', hash: 'kh', createdAt: T0 })
      await session('a', { userId: 'u1' })
      await session('b', { userId: 'u1' }, T0 + 10)
      await session('c', { keyId: 'k1' })
      await store.deleteSession('a')
      expect(await store.getSession('a')).toBeUndefined()
      // expiry is inclusive: a session expiring at `now` is gone, one later stays
      expect(await store.deleteExpiredSessions(T0 + 9)).toBe(0)
      expect(await store.deleteExpiredSessions(T0 + 10)).toBe(1)
      expect(await store.deleteSessions({ keyId: 'k1' })).toBe(1)
      await session('d', { userId: 'u1' })
      // a new name keeps the sessions; a new password ends them
      await store.updateUser({ id: 'u1', at: T0 + 1, name: 'Ada L.' })
      expect(await store.getSession('d')).toBeDefined()
      const changed = await store.updateUser({ id: 'u1', at: T0 + 2, passwordHash: 'scrypt$y' })
      expect([changed.name, changed.passwordHash, changed.updatedAt]).toEqual(['Ada L.', 'scrypt$y', T0 + 2])
      expect(await store.getSession('d')).toBeUndefined()
      expect(await store.deleteSessions({ userId: 'u1' })).toBe(0)
    })

    it('disables and enables users, records sign-ins, and deletes them with their sessions', async () => {
      await ada()
      const disabled = await store.updateUser({ id: 'u1', at: T0 + 1, disabled: true })
      expect(disabled.disabledAt).toBe(T0 + 1)
      expect((await store.updateUser({ id: 'u1', at: T0 + 2, disabled: true })).disabledAt).toBe(T0 + 1)
      expect((await store.updateUser({ id: 'u1', at: T0 + 3, disabled: false })).disabledAt).toBeNull()
      expect((await store.updateUser({ id: 'u1', at: T0 + 4, lastSignInAt: T0 + 4 })).lastSignInAt).toBe(
        T0 + 4,
      )
      await session('s', { userId: 'u1' })
      await store.deleteUser('u1')
      expect(await store.getUser('u1')).toBeUndefined()
      expect(await store.getSession('s')).toBeUndefined()
      await expect(store.deleteUser('u1')).rejects.toBeInstanceOf(StoreNotFoundError)
      await expect(store.updateUser({ id: 'u1', at: T0, role: 'sales' })).rejects.toBeInstanceOf(
        StoreNotFoundError,
      )
    })

    it("keeps a user's language, clears it with null, and refuses what is not a language tag", async () => {
      await ada()
      await session('s', { userId: 'u1' })
      const spanish = await store.updateUser({ id: 'u1', at: T0 + 1, locale: 'es' })
      expect(spanish.locale).toBe('es')
      expect((await store.getUser('u1'))?.locale).toBe('es')
      expect((await store.findUserByEmail('ada@example.com'))?.locale).toBe('es')
      // choosing a language is no reason to sign in again
      expect(await store.getSession('s')).toBeDefined()
      expect((await store.updateUser({ id: 'u1', at: T0 + 2, name: 'Ada L.' })).locale).toBe('es')
      expect((await store.updateUser({ id: 'u1', at: T0 + 3, locale: 'nl-BE' })).locale).toBe('nl-BE')
      expect((await store.updateUser({ id: 'u1', at: T0 + 4, locale: null })).locale).toBeNull()
      for (const bad of ['', 'español', 'es_ES; DROP TABLE users', 'e'])
        await expect(store.updateUser({ id: 'u1', at: T0 + 5, locale: bad })).rejects.toBeInstanceOf(
          StoreInputError,
        )
      expect((await store.getUser('u1'))?.locale).toBeNull()
    })
  })
}
