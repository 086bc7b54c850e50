/**
 * A mutex for a synchronous database connection shared by async callers: a transaction
 * holds it across its awaits, so no other call runs inside it; short synchronous calls run
 * at once when it is free.
 * @module
 */

export class Mutex {
  private locked = false
  private readonly waiting: (() => void)[] = []

  /** Runs a synchronous `fn` now if free, else after the holders before it. */
  runSync<T>(fn: () => T): Promise<T> {
    if (!this.locked) {
      try {
        return Promise.resolve(fn())
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return this.acquire().then(() => {
      try {
        return fn()
      } finally {
        this.release()
      }
    })
  }

  /** Runs an async `fn` holding the mutex until it settles. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.locked) await this.acquire()
    else this.locked = true
    try {
      return await fn()
    } finally {
      this.release()
    }
  }

  /** Resolves with the mutex held (handed over by `release`). */
  private acquire(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.locked = false
  }
}
