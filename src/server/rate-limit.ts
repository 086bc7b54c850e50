/**
 * Rate limits per API key: a token bucket per key (refilled at `perSecond`, holding at most
 * `burst`), in memory, per process. A request over the limit gets a 429 with `Retry-After`:
 * the seconds until a token is back (Segment and RudderStack SDKs retry 429s).
 * @module
 */
import type { KeyKind } from '../store/index.js'
import { HttpError } from './http-error.js'

export interface RateLimit {
  /** Requests per second, sustained. */
  readonly perSecond: number
  /** Requests allowed at once after a quiet time. */
  readonly burst: number
}

/** Limits by key kind; null: unlimited. */
export type RateLimits = Readonly<Record<KeyKind, RateLimit | null>>

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // one write key serves every visitor of a site (analytics.js): generous
  write: { perSecond: 1000, burst: 2000 },
  admin: { perSecond: 100, burst: 300 },
}

interface Bucket {
  tokens: number
  at: number
}

/** Keys remembered at most (the least recently used are forgotten: they start full again). */
const MAX_KEYS = 10_000

export class RateLimiter {
  private readonly limits: RateLimits
  private readonly buckets = new Map<string, Bucket>()
  private readonly now: () => number

  constructor(limits: RateLimits, now: () => number = () => performance.now()) {
    this.limits = limits
    this.now = now
  }

  /** Takes a token for `keyId`; throws a 429 `HttpError` when there is none. */
  take(keyId: string, kind: KeyKind): void {
    const limit = this.limits[kind]
    if (limit === null) return
    const now = this.now()
    const id = `${kind}:${keyId}`
    let bucket = this.buckets.get(id)
    if (bucket === undefined) {
      bucket = { tokens: limit.burst, at: now }
      if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value!)
    } else {
      this.buckets.delete(id)
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond)
      bucket.at = now
    }
    this.buckets.set(id, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond))
    throw new HttpError(
      429,
      'rate_limited',
      { key: 'rate.limited', values: { perSecond: limit.perSecond } },
      {
        hint: { key: 'rate.limited.hint', values: { seconds: retryAfter } },
        headers: { 'Retry-After': String(retryAfter) },
      },
    )
  }
}
