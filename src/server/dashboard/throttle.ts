/**
 * Slows down password guessing: after `limit` failed sign-ins for one email or from one
 * address within `windowMs`, more attempts are refused until the window has passed.
 * @module
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>()
  private readonly limit: number
  private readonly windowMs: number

  constructor(limit = 10, windowMs = 15 * 60_000) {
    this.limit = limit
    this.windowMs = windowMs
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (list.length === 0) this.failures.delete(key)
    else this.failures.set(key, list)
    return list
  }

  /** Seconds to wait before trying again (0: go ahead). */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0
    for (const key of keys) {
      const list = this.recent(key, now)
      if (list.length >= this.limit) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - now) / 1000))
    }
    return wait
  }

  fail(keys: readonly string[], now: number): void {
    if (this.failures.size > 100_000) this.failures.clear()
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now])
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key)
  }
}
