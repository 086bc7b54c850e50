/**
 * API keys. A key is 32 random bytes, shown once when created (`lsk_w_…` for write keys,
 * `lsk_a_…` for admin keys); the store keeps only its SHA-256 (enough for random keys: there
 * is nothing to brute-force). Write keys may only send events; admin keys may do everything.
 * Keys may also come from the environment (`LEADSCORE_WRITE_KEY`, `LEADSCORE_ADMIN_KEY`).
 * Hashes are compared in constant time; lookups are cached for a few seconds.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { KeyKind, Store } from '../store/index.js'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'

/** A key as created: the secret is shown this once. */
export interface CreatedKey {
  readonly id: string
  readonly kind: KeyKind
  /** The key to send (`Authorization: Bearer <secret>`, or as the Basic auth user). */
  readonly secret: string
  readonly label: string | null
  readonly createdAt: number
}

/** A valid key: who is calling. */
export interface VerifiedKey {
  readonly id: string
  readonly kind: KeyKind
}

/** Keys given in the environment instead of the store. */
export interface StaticKeys {
  readonly write?: string | undefined
  readonly admin?: string | undefined
}

const CACHE_MS = 10_000
const CACHE_MAX = 10_000
const TOUCH_EVERY_MS = 60_000

/** SHA-256 of a secret, hex. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y)
}

/** Creates and checks API keys. */
export class KeyRing {
  private readonly store: Store
  private readonly clock: Clock
  private readonly logger: Logger
  private readonly statics: { hash: string; key: VerifiedKey }[] = []
  private readonly cache = new Map<string, { key: VerifiedKey | undefined; until: number }>()
  private readonly touched = new Map<string, number>()

  constructor(store: Store, clock: Clock, logger: Logger, staticKeys: StaticKeys = {}) {
    this.store = store
    this.clock = clock
    this.logger = logger
    if (staticKeys.write)
      this.statics.push({ hash: hashKey(staticKeys.write), key: { id: 'env:write', kind: 'write' } })
    if (staticKeys.admin)
      this.statics.push({ hash: hashKey(staticKeys.admin), key: { id: 'env:admin', kind: 'admin' } })
  }

  /** Creates a key; its secret is in the result and nowhere else. */
  async create(kind: KeyKind, label?: string | null): Promise<CreatedKey> {
    const secret = `lsk_${kind === 'write' ? 'w' : 'a'}_${randomBytes(32).toString('base64url')}`
    const id = `key_${randomBytes(6).toString('hex')}`
    const createdAt = this.clock.now()
    const record = await this.store.createKey({
      id,
      kind,
      hash: hashKey(secret),
      label: label ?? null,
      createdAt,
    })
    return { id: record.id, kind: record.kind, secret, label: record.label, createdAt }
  }

  /** The key `secret` is, when it is valid (known and not revoked). */
  async verify(secret: string): Promise<VerifiedKey | undefined> {
    if (secret.length === 0 || secret.length > 200) return undefined
    const hash = hashKey(secret)
    let found: VerifiedKey | undefined
    for (const s of this.statics) if (sameHash(s.hash, hash)) found = s.key
    if (found) return found
    const now = Date.now()
    const cached = this.cache.get(hash)
    if (cached && cached.until > now) return cached.key
    const record = await this.store.findKeyByHash(hash)
    const valid = record !== undefined && record.revokedAt === null && sameHash(record.hash, hash)
    const key = valid ? { id: record.id, kind: record.kind } : undefined
    if (this.cache.size >= CACHE_MAX) this.cache.clear()
    this.cache.set(hash, { key, until: now + CACHE_MS })
    if (key) this.touch(key.id)
    return key
  }

  /** Records a use of a key, at most once a minute per key (best effort). */
  private touch(id: string): void {
    const at = this.clock.now()
    if ((this.touched.get(id) ?? Number.NEGATIVE_INFINITY) > at - TOUCH_EVERY_MS) return
    this.touched.set(id, at)
    this.store.touchKey(id, at).catch((error: unknown) => {
      this.logger.warn('could not record the use of an API key', { key: id, error })
    })
  }

  /** Forgets cached lookups (after a key is revoked). */
  forget(): void {
    this.cache.clear()
  }
}
