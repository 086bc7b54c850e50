/**
 * Dashboard sessions. A session token is 32 random bytes, sent only in an HttpOnly cookie;
 * the store keeps its SHA-256. A session ends after 14 days without use (30 at most), on
 * sign-out, and when its user is disabled or changed or its admin key is revoked. The CSRF
 * token of a session is derived from its token (HMAC-free: a SHA-256 under a distinct
 * prefix), so a page that cannot read the cookie cannot compute it.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../../engine/index.js'
import type { Store, UserRole } from '../../store/index.js'

const DAY = 86_400_000
/** A session unused this long ends. */
export const IDLE_MS = 14 * DAY
/** No session lasts longer than this. */
export const MAX_AGE_MS = 30 * DAY
/** Expiry is moved at most this often per session. */
const TOUCH_MS = 60 * 60_000

/** Who is signed in. */
export interface Principal {
  readonly tokenHash: string
  readonly role: UserRole
  readonly userId: string | null
  readonly keyId: string | null
  readonly email: string | null
  readonly name: string | null
  /** The user's dashboard language (null: none chosen, and always for admin-key sessions). */
  readonly locale: string | null
  readonly expiresAt: number
}

/** A session as opened: the token goes in the cookie, the CSRF token to the page. */
export interface OpenedSession {
  readonly token: string
  readonly csrf: string
  readonly expiresAt: number
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** The CSRF token of a session token. */
export function csrfToken(sessionToken: string): string {
  return createHash('sha256').update(`leadscore csrf\0${sessionToken}`, 'utf8').digest('base64url')
}

/** Whether `presented` is the CSRF token of `sessionToken`, compared in constant time. */
export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const a = Buffer.from(csrfToken(sessionToken))
  const b = Buffer.from(presented)
  return a.length === b.length && timingSafeEqual(a, b)
}

export class Sessions {
  private readonly store: Store
  private readonly clock: Clock

  constructor(store: Store, clock: Clock) {
    this.store = store
    this.clock = clock
  }

  /** Opens a session for a user or for someone holding an admin key. */
  async open(owner: { userId: string } | { keyId: string }, role: UserRole): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url')
    const now = this.clock.now()
    const expiresAt = now + IDLE_MS
    await this.store.createSession({
      tokenHash: sha256(token),
      userId: 'userId' in owner ? owner.userId : null,
      keyId: 'keyId' in owner ? owner.keyId : null,
      role,
      createdAt: now,
      expiresAt,
    })
    return { token, csrf: csrfToken(token), expiresAt }
  }

  /** The principal of a session token, or undefined when it is unknown, expired or revoked. */
  async resolve(token: string | undefined): Promise<Principal | undefined> {
    if (token === undefined || token === '' || token.length > 200) return undefined
    const tokenHash = sha256(token)
    const session = await this.store.getSession(tokenHash)
    const now = this.clock.now()
    if (session === undefined) return undefined
    if (session.expiresAt <= now) {
      await this.store.deleteSession(tokenHash)
      return undefined
    }
    let email: string | null = null
    let name: string | null = null
    let locale: string | null = null
    if (session.userId !== null) {
      const user = await this.store.getUser(session.userId)
      if (user === undefined || user.disabledAt !== null) return undefined
      email = user.email
      name = user.name
      locale = user.locale
    } else if (!session.keyId?.startsWith('env:')) {
      // a key from the environment (LEADSCORE_ADMIN_KEY) is not stored: its sessions run to expiry
      const key = (await this.store.listKeys()).find((k) => k.id === session.keyId)
      if (key === undefined || key.revokedAt !== null) return undefined
      name = key.label
    }
    let expiresAt = session.expiresAt
    if (now - session.lastSeenAt >= TOUCH_MS) {
      expiresAt = Math.min(session.createdAt + MAX_AGE_MS, now + IDLE_MS)
      await this.store.touchSession(tokenHash, now, expiresAt)
    }
    return {
      tokenHash,
      role: session.role,
      userId: session.userId,
      keyId: session.keyId,
      email,
      name,
      locale,
      expiresAt,
    }
  }

  /** Ends a session (signing out). */
  async close(token: string): Promise<void> {
    await this.store.deleteSession(sha256(token))
  }

  /** Removes expired sessions. */
  async sweep(): Promise<number> {
    return this.store.deleteExpiredSessions(this.clock.now())
  }
}
