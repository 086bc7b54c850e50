/**
 * Group commit: concurrent submissions wait in one queue, and a single writer commits
 * everything waiting in one transaction, so a hundred requests of a hundred events cost one
 * commit instead of a hundred. Each submission resolves when the commit holding it is durable
 * (or rejects with that commit's error). Between commits the writer yields to the event loop,
 * so requests that arrived during a commit join the next one.
 * @module
 */
import { EngineClosedError, QueueFullError } from './errors.js'

interface Submission<T, R> {
  readonly items: readonly T[]
  readonly resolve: (results: R[]) => void
  readonly reject: (error: unknown) => void
  readonly submittedAt: number
}

export interface GroupCommitOptions<T, R> {
  /** Commits items; returns one result per item, in order. */
  readonly commit: (items: readonly T[]) => Promise<R[]>
  /** The most items waiting; a submission beyond it is refused with `QueueFullError`. */
  readonly maxPending: number
  /** The most items per commit (a larger single submission is committed alone). */
  readonly maxBatch: number
  /** Called after each commit with its size, duration, and each submission's wait (ms). */
  readonly onCommit?: (info: { items: number; ms: number; waits: readonly number[] }) => void
  /** Monotonic time in ms (default `performance.now`). */
  readonly now?: () => number
}

/** The queue; see the module description. */
export class GroupCommitQueue<T, R> {
  private readonly options: GroupCommitOptions<T, R>
  private readonly queue: Submission<T, R>[] = []
  private waiting = 0
  private running: Promise<void> | undefined
  private closed = false

  constructor(options: GroupCommitOptions<T, R>) {
    this.options = options
  }

  /** Items waiting or being committed. */
  get pending(): number {
    return this.waiting
  }

  /** Queues `items`; resolves with their results once committed. */
  submit(items: readonly T[]): Promise<R[]> {
    if (this.closed) return Promise.reject(new EngineClosedError())
    if (items.length === 0) return Promise.resolve([])
    if (this.waiting > 0 && this.waiting + items.length > this.options.maxPending) {
      const retry = Math.min(30, Math.max(1, Math.ceil(this.waiting / 20_000)))
      return Promise.reject(new QueueFullError(this.waiting, this.options.maxPending, retry))
    }
    const now = this.options.now ?? (() => performance.now())
    const promise = new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject, submittedAt: now() })
    })
    this.waiting += items.length
    this.kick()
    return promise
  }

  private kick(): void {
    if (this.running) return
    this.running = this.run().finally(() => {
      this.running = undefined
      if (this.queue.length > 0) this.kick()
    })
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running
  }

  /** Refuses new submissions and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true
    await this.drain()
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      // let requests that arrived meanwhile join this commit
      await new Promise<void>((resolve) => setImmediate(resolve))
      const batch: Submission<T, R>[] = []
      let size = 0
      while (this.queue.length > 0) {
        const next = this.queue[0]!
        if (batch.length > 0 && size + next.items.length > this.options.maxBatch) break
        batch.push(this.queue.shift()!)
        size += next.items.length
      }
      try {
        await this.commit(batch, size)
      } finally {
        this.waiting -= size
      }
    }
  }

  /** Commits a batch; when it fails, commits its submissions one by one, so one bad submission fails alone. */
  private async commit(batch: readonly Submission<T, R>[], size: number): Promise<void> {
    const now = this.options.now ?? (() => performance.now())
    const started = now()
    try {
      const results = await this.options.commit(batch.flatMap((s) => s.items))
      const ended = now()
      let offset = 0
      for (const s of batch) {
        s.resolve(results.slice(offset, offset + s.items.length))
        offset += s.items.length
      }
      this.options.onCommit?.({
        items: size,
        ms: ended - started,
        waits: batch.map((s) => ended - s.submittedAt),
      })
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      for (const s of batch) await this.commit([s], s.items.length)
    }
  }
}
