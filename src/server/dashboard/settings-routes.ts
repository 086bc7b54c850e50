/**
 * Settings for admins: API keys (list, create — the secret is shown once —, revoke, which
 * also ends the dashboard sessions opened with the key) and dashboard users (list, add,
 * change role, name or password, disable, delete). Admins cannot lock themselves out.
 * @module
 */
import type { Context, Hono } from 'hono'
import { z } from 'zod'
import type { Engine } from '../../engine/index.js'
import type { Store, UserRecord } from '../../store/index.js'
import { USER_ROLES } from '../../store/records/user.js'
import { type AppEnv, requireKey } from '../auth.js'
import { readJson } from '../read-body.js'
import { dashboardError } from './messages.js'
import { principalOf } from './session-auth.js'
import { addUser, newPasswordHash, UserError } from './users.js'

const role = z.enum(USER_ROLES as ['admin', 'sales'])
const keyBody = z.strictObject({ kind: z.enum(['write', 'admin']), label: z.string().max(200).nullish() })
const userBody = z.strictObject({
  email: z.string().min(3).max(320),
  name: z.string().max(200).nullish(),
  role,
  password: z.string().max(1024),
})
const userPatch = z.strictObject({
  name: z.string().max(200).nullish(),
  role: role.optional(),
  password: z.string().max(1024).optional(),
  disabled: z.boolean().optional(),
})

/** A user as the API shows it: never the password hash. */
export function publicUser(u: UserRecord) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: u.createdAt,
    disabledAt: u.disabledAt,
    lastSignInAt: u.lastSignInAt,
  }
}

function asHttp(error: unknown): unknown {
  if (!(error instanceof UserError)) return error
  return error.code === 'weak_password'
    ? dashboardError(422, error.code, error.said, { hint: { key: 'server.passwordHint' } })
    : dashboardError(409, 'conflict', error.said)
}

function notSelf(c: Context, id: string, what: 'demote' | 'delete'): void {
  if (principalOf(c)?.userId === id)
    throw dashboardError(
      409,
      'conflict',
      { key: what === 'delete' ? 'server.notSelfDelete' : 'server.notSelfDemote' },
      { hint: { key: 'server.notSelfHint' } },
    )
}

/** Adds the settings routes to `app`. */
export function settingsRoutes(app: Hono<AppEnv>, deps: { engine: Engine; store: Store }): void {
  const { engine, store } = deps
  const admin = requireKey(engine, ['admin'])

  app.get('/api/dashboard/keys', admin, async (c) => {
    const keys = await store.listKeys()
    return c.json({
      keys: keys.map(({ hash: _hash, ...k }) => k),
    })
  })

  app.post('/api/dashboard/keys', admin, async (c) => {
    const body = await readJson(c.req.raw, keyBody, 64 * 1024)
    const { secret, ...key } = await engine.keys.create(body.kind, body.label ?? null)
    return c.json({ key, secret }, 201)
  })

  app.post('/api/dashboard/keys/:id/revoke', admin, async (c) => {
    const id = c.req.param('id')
    if (c.get('key').id === id)
      throw dashboardError(409, 'conflict', { key: 'server.ownKey' }, { hint: { key: 'server.ownKeyHint' } })
    const { hash: _hash, ...key } = await store.revokeKey(id, engine.clock.now())
    engine.keys.forget()
    await store.deleteSessions({ keyId: id })
    return c.json({ key })
  })

  app.get('/api/dashboard/users', admin, async (c) =>
    c.json({ users: (await store.listUsers()).map(publicUser) }),
  )

  app.post('/api/dashboard/users', admin, async (c) => {
    const body = await readJson(c.req.raw, userBody, 64 * 1024)
    const user = await addUser(store, body, engine.clock.now()).catch((e: unknown) => {
      throw asHttp(e)
    })
    return c.json({ user: publicUser(user) }, 201)
  })

  app.patch('/api/dashboard/users/:id', admin, async (c) => {
    const id = c.req.param('id')
    const body = await readJson(c.req.raw, userPatch, 64 * 1024)
    if (body.disabled === true || (body.role !== undefined && body.role !== 'admin')) notSelf(c, id, 'demote')
    const user = await store.updateUser({
      id,
      at: engine.clock.now(),
      name: body.name,
      role: body.role,
      disabled: body.disabled,
      passwordHash:
        body.password === undefined
          ? undefined
          : await newPasswordHash(body.password).catch((e: unknown) => {
              throw asHttp(e)
            }),
    })
    return c.json({ user: publicUser(user) })
  })

  app.delete('/api/dashboard/users/:id', admin, async (c) => {
    const id = c.req.param('id')
    notSelf(c, id, 'delete')
    await store.deleteUser(id)
    return c.body(null, 204)
  })
}
