/**
 * Dashboard users and their sign-in sessions. The store keeps a password hash (never the
 * password) and a hash of each session token (never the token).
 * @module
 */

/** What a user may do: `admin` everything; `sales` the queue, leads and accounts (read). */
export type UserRole = 'admin' | 'sales'

export const USER_ROLES: readonly UserRole[] = ['admin', 'sales']

export interface UserWrite {
  readonly id: string
  /** Compared case-insensitively: the store keeps it trimmed and lower-cased. */
  readonly email: string
  readonly name?: string | null | undefined
  readonly role: UserRole
  /** An encoded password hash (e.g. `scrypt$...`). */
  readonly passwordHash: string
  readonly createdAt: number
}

export interface UserRecord {
  readonly id: string
  readonly email: string
  readonly name: string | null
  readonly role: UserRole
  readonly passwordHash: string
  readonly createdAt: number
  readonly updatedAt: number
  /** When the user was disabled (cannot sign in); null while active. */
  readonly disabledAt: number | null
  readonly lastSignInAt: number | null
  /** The language the user chose for the dashboard (`en`, `es`, `nl`); null: the browser's. */
  readonly locale: string | null
}

/** A change to a user; absent fields stay as they are. */
export interface UserUpdate {
  readonly id: string
  readonly at: number
  readonly name?: string | null | undefined
  readonly role?: UserRole | undefined
  readonly passwordHash?: string | undefined
  /** true disables (keeping the first time), false enables. */
  readonly disabled?: boolean | undefined
  readonly lastSignInAt?: number | undefined
  /** The dashboard language (a language tag such as `es`); null clears it (the browser's is used). */
  readonly locale?: string | null | undefined
}

/** A session of a user, or of someone who signed in with an admin key. */
export interface SessionWrite {
  /** A hash of the session token (e.g. SHA-256, hex). */
  readonly tokenHash: string
  /** The user, or null for a session opened with an admin key. */
  readonly userId: string | null
  /** The admin key the session was opened with, or null for a user's session. */
  readonly keyId: string | null
  readonly role: UserRole
  readonly createdAt: number
  readonly expiresAt: number
}

export interface SessionRecord {
  readonly tokenHash: string
  readonly userId: string | null
  readonly keyId: string | null
  readonly role: UserRole
  readonly createdAt: number
  readonly expiresAt: number
  readonly lastSeenAt: number
}

/** Which sessions to end: all of a user, or all opened with a key. */
export type SessionOwner = { readonly userId: string } | { readonly keyId: string }
