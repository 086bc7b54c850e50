/**
 * Dashboard users and sessions in SQL.
 * @module
 */
import { StoreInputError, StoreNotFoundError } from '../errors.js'
import {
  type SessionOwner,
  type SessionRecord,
  type SessionWrite,
  USER_ROLES,
  type UserRecord,
  type UserRole,
  type UserUpdate,
  type UserWrite,
} from '../records/user.js'
import * as v from '../validate.js'
import type { Executor, Row, SqlValue } from './executor.js'

const USER_COLUMNS =
  'id, email, name, role, password_hash, created_at, updated_at, disabled_at, last_sign_in_at, locale'
const SESSION_COLUMNS = 'token_hash, user_id, key_id, role, created_at, expires_at, last_seen_at'

const numOrNull = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x))
const strOrNull = (x: unknown): string | null => (x === null || x === undefined ? null : String(x))

function userFromRow(r: Row): UserRecord {
  return {
    id: String(r['id']),
    email: String(r['email']),
    name: strOrNull(r['name']),
    role: String(r['role']) as UserRole,
    passwordHash: String(r['password_hash']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
    disabledAt: numOrNull(r['disabled_at']),
    lastSignInAt: numOrNull(r['last_sign_in_at']),
    locale: strOrNull(r['locale']),
  }
}

function sessionFromRow(r: Row): SessionRecord {
  return {
    tokenHash: String(r['token_hash']),
    userId: strOrNull(r['user_id']),
    keyId: strOrNull(r['key_id']),
    role: String(r['role']) as UserRole,
    createdAt: Number(r['created_at']),
    expiresAt: Number(r['expires_at']),
    lastSeenAt: Number(r['last_seen_at']),
  }
}

/** An email as stored: trimmed, lower-case, with one `@` between non-empty parts. */
export function normalizeEmail(value: unknown, field = 'email'): string {
  const email = v.text(value, field).trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new StoreInputError(field, { key: 'store.email', values: { value: JSON.stringify(value) } })
  return email
}

/** A language tag as stored (`es`, `nl-BE`), or null; anything else is refused. */
function localeTag(value: unknown): string | null {
  const tag = v.nullableText(value, 'locale')
  if (tag !== null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag))
    throw new StoreInputError('locale', { key: 'store.locale', values: { value: JSON.stringify(value) } })
  return tag
}

export async function createUser(exec: Executor, user: UserWrite): Promise<UserRecord> {
  if (user === null || typeof user !== 'object') throw new StoreInputError('user', v.AN_OBJECT)
  const at = v.time(user.createdAt, 'createdAt')
  const record: UserRecord = {
    id: v.text(user.id, 'id'),
    email: normalizeEmail(user.email),
    name: v.nullableText(user.name, 'name'),
    role: v.oneOf(user.role, USER_ROLES, 'role'),
    passwordHash: v.text(user.passwordHash, 'passwordHash'),
    createdAt: at,
    updatedAt: at,
    disabledAt: null,
    lastSignInAt: null,
    locale: null,
  }
  await exec.run(
    'INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [record.id, record.email, record.name, record.role, record.passwordHash, at, at],
  )
  return record
}

export async function getUser(exec: Executor, id: string): Promise<UserRecord | undefined> {
  const [row] = await exec.all(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [v.text(id, 'id')])
  return row ? userFromRow(row) : undefined
}

export async function findUserByEmail(exec: Executor, email: string): Promise<UserRecord | undefined> {
  const [row] = await exec.all(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`, [normalizeEmail(email)])
  return row ? userFromRow(row) : undefined
}

export async function listUsers(exec: Executor): Promise<UserRecord[]> {
  return (await exec.all(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`)).map(userFromRow)
}

export async function updateUser(exec: Executor, update: UserUpdate): Promise<UserRecord> {
  const id = v.text(update.id, 'id')
  const at = v.time(update.at, 'at')
  const sets: string[] = ['updated_at = ?']
  const params: SqlValue[] = [at]
  if (update.name !== undefined) {
    sets.push('name = ?')
    params.push(v.nullableText(update.name, 'name'))
  }
  if (update.role !== undefined) {
    sets.push('role = ?')
    params.push(v.oneOf(update.role, USER_ROLES, 'role'))
  }
  if (update.passwordHash !== undefined) {
    sets.push('password_hash = ?')
    params.push(v.text(update.passwordHash, 'passwordHash'))
  }
  if (update.disabled === true) {
    sets.push('disabled_at = coalesce(disabled_at, ?)')
    params.push(at)
  } else if (update.disabled === false) sets.push('disabled_at = NULL')
  if (update.lastSignInAt !== undefined) {
    sets.push('last_sign_in_at = ?')
    params.push(v.time(update.lastSignInAt, 'lastSignInAt'))
  }
  if (update.locale !== undefined) {
    sets.push('locale = ?')
    params.push(localeTag(update.locale))
  }
  return exec.transaction(async (tx) => {
    const changed = await tx.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id])
    if (changed === 0) throw new StoreNotFoundError({ key: 'store.user.none', values: { id } })
    // a user whose role or password changed, or who was disabled, signs in again
    if (update.role !== undefined || update.passwordHash !== undefined || update.disabled === true)
      await tx.run('DELETE FROM sessions WHERE user_id = ?', [id])
    const [row] = await tx.all(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id])
    return userFromRow(row!)
  })
}

export async function deleteUser(exec: Executor, id: string): Promise<void> {
  const user = v.text(id, 'id')
  await exec.transaction(async (tx) => {
    await tx.run('DELETE FROM sessions WHERE user_id = ?', [user])
    if ((await tx.run('DELETE FROM users WHERE id = ?', [user])) === 0)
      throw new StoreNotFoundError({ key: 'store.user.none', values: { id: user } })
  })
}

export async function createSession(exec: Executor, session: SessionWrite): Promise<SessionRecord> {
  if (session === null || typeof session !== 'object') throw new StoreInputError('session', v.AN_OBJECT)
  const userId = v.nullableText(session.userId, 'userId')
  const keyId = v.nullableText(session.keyId, 'keyId')
  if ((userId === null) === (keyId === null))
    throw new StoreInputError('session', {
      key: 'store.exactlyOne',
      values: { a: 'userId', b: 'keyId' },
    })
  const record: SessionRecord = {
    tokenHash: v.text(session.tokenHash, 'tokenHash'),
    userId,
    keyId,
    role: v.oneOf(session.role, USER_ROLES, 'role'),
    createdAt: v.time(session.createdAt, 'createdAt'),
    expiresAt: v.time(session.expiresAt, 'expiresAt'),
    lastSeenAt: session.createdAt,
  }
  await exec.run(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    record.tokenHash,
    record.userId,
    record.keyId,
    record.role,
    record.createdAt,
    record.expiresAt,
    record.lastSeenAt,
  ])
  return record
}

export async function getSession(exec: Executor, tokenHash: string): Promise<SessionRecord | undefined> {
  const [row] = await exec.all(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = ?`, [
    v.text(tokenHash, 'tokenHash'),
  ])
  return row ? sessionFromRow(row) : undefined
}

export async function touchSession(
  exec: Executor,
  tokenHash: string,
  seenAt: number,
  expiresAt: number,
): Promise<void> {
  const seen = v.time(seenAt, 'seenAt')
  await exec.run(
    'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ? AND last_seen_at <= ?',
    [seen, v.time(expiresAt, 'expiresAt'), v.text(tokenHash, 'tokenHash'), seen],
  )
}

export async function deleteSession(exec: Executor, tokenHash: string): Promise<void> {
  await exec.run('DELETE FROM sessions WHERE token_hash = ?', [v.text(tokenHash, 'tokenHash')])
}

export async function deleteSessions(exec: Executor, owner: SessionOwner): Promise<number> {
  return 'userId' in owner
    ? exec.run('DELETE FROM sessions WHERE user_id = ?', [v.text(owner.userId, 'userId')])
    : exec.run('DELETE FROM sessions WHERE key_id = ?', [v.text(owner.keyId, 'keyId')])
}

export async function deleteExpiredSessions(exec: Executor, now: number): Promise<number> {
  return exec.run('DELETE FROM sessions WHERE expires_at <= ?', [v.time(now, 'now')])
}
