/**
 * API keys. The store keeps a hash of the secret, never the secret.
 * @module
 */

export type KeyKind = 'write' | 'admin'

export interface KeyWrite {
  readonly id: string
  readonly kind: KeyKind
  /** A hash of the secret (e.g. SHA-256, hex): looked up by `findKeyByHash`. */
  readonly hash: string
  readonly label?: string | null | undefined
  readonly createdAt: number
}

export interface KeyRecord {
  readonly id: string
  readonly kind: KeyKind
  readonly hash: string
  readonly label: string | null
  readonly createdAt: number
  readonly lastUsedAt: number | null
  /** When it was revoked; null while it is valid. */
  readonly revokedAt: number | null
}
