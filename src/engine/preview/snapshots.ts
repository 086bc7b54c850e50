/**
 * The preview's snapshot kept between previews, stale-while-revalidate: an editor previewing
 * edit after edit is answered from the snapshot it has (whose score cache makes an edit cost
 * the rules it changed), and once that snapshot is older than the refresh age a fresh one is
 * read in the background, warmed, and then takes its place. With a store that has a location
 * the previews run on a worker thread of their own (`PreviewThread`) and the reading on another
 * (`readSnapshotInWorker`), so none of it holds the server's thread. See docs/preview.md for
 * why the snapshot is read again rather than patched.
 * @module
 */
import type { CompiledModel } from '../../core/index.js'
import type { Store } from '../../store/index.js'
import { type Logger, silentLogger } from '../logger.js'
import { type BaselineModel, baselineScores } from './baseline.js'
import { type PreviewResult, previewModel } from './compare.js'
import { PreviewThread } from './preview-thread.js'
import { covers, eventKeys, nextTurn, type PreviewSnapshot, readSnapshot } from './snapshot.js'
import { readSnapshotInWorker } from './snapshot-thread.js'
import { warmSnapshot } from './warm.js'

export interface PreviewSnapshotsOptions {
  /** A preview on a snapshot older than this starts reading a fresh one in the background (default 60 s). */
  readonly refreshAfterMs?: number | undefined
  /**
   * The snapshot is let go (its memory freed) when no preview has used it for this long
   * (default 10 min, real time: the editor was closed); the next preview reads one again.
   */
  readonly idleMs?: number | undefined
  /**
   * Contacts per page when the server's thread reads (default 250: about 5,000 events, a few tens of ms of the
   * thread on a quiet machine); the reading gives way to other work between pages.
   */
  readonly pageSize?: number | undefined
  /**
   * Where a worker thread opens the store to read a snapshot, off the server's thread
   * (default: `store.location`). `null`, or a store without a location (an in-memory
   * database): the server's thread reads it, a page at a time.
   */
  readonly location?: string | null | undefined
  /**
   * Whether the previews (the snapshot, its refreshes and warm-up, each edit's scoring) run
   * on a worker thread of their own, so that none of it holds the server's thread (default:
   * true when there is a location). The preview worker itself takes false.
   */
  readonly inWorker?: boolean | undefined
  /** The most the preview worker's JavaScript heap may take, MB (see `PreviewWorkerData.maxHeapMb`). */
  readonly maxHeapMb?: number | undefined
  readonly logger?: Logger | undefined
}

/** The model a preview scores: an unsaved draft's `version` is the one it would get. */
export interface PreviewTarget {
  readonly id: string
  readonly version: number
  readonly compiled: CompiledModel
}

/** What a preview gets: the snapshot to score on, and whether a fresher one is being read. */
export interface SnapshotLease {
  readonly snapshot: PreviewSnapshot
  /** A fresher snapshot is being read in the background: a later preview will use it. */
  readonly refreshing: boolean
}

/**
 * The snapshot the previews share. The first preview waits for the reading (every contact
 * and event: at a million contacts, the longest wait the editor has). After that a preview
 * never waits for the store: a snapshot older than `refreshAfterMs` is still used (the
 * preview reports its time, `snapshotAt`) while a fresh one is read in the background (on
 * the reading worker, else a page at a time), then scored with the model last previewed, a rule at a time (`warmSnapshot`) —
 * so its cache holds every rule that model has, and the next edit recomputes only what it
 * changes — and only then replaces the old one. Refreshing happens only because previews ask (an editor is open);
 * an unused snapshot is let go after `idleMs`.
 *
 * Memory: while a refresh reads and warms, the old snapshot (with its cache) and the new one
 * are both held; the old one is let go when the new one takes over.
 */
export class PreviewSnapshots {
  readonly #store: Store
  readonly #refreshAfterMs: number
  readonly #idleMs: number
  readonly #pageSize: number
  readonly #location: string | undefined
  /** The worker thread previews run on, when they do. */
  readonly #thread: PreviewThread | undefined
  readonly #logger: Logger
  #current: PreviewSnapshot | undefined
  /** The reading under way (first or refresh), if any. */
  #reading: Promise<PreviewSnapshot> | undefined
  #stop = new AbortController()
  /** The model to warm a fresh snapshot with, and the stored scores to read for it: the last preview's. */
  #warmWith: { readonly model: CompiledModel; readonly baseline: BaselineModel | null } | undefined
  /** The event properties of every model previewed: what a snapshot reads. */
  readonly #eventProperties = new Set<string>()
  #idle: NodeJS.Timeout | undefined
  #closed = false

  constructor(store: Store, options: PreviewSnapshotsOptions = {}) {
    this.#store = store
    this.#refreshAfterMs = options.refreshAfterMs ?? 60_000
    this.#idleMs = options.idleMs ?? 600_000
    this.#pageSize = options.pageSize ?? 250
    this.#location = options.location === null ? undefined : (options.location ?? store.location)
    this.#logger = options.logger ?? silentLogger
    this.#thread =
      this.#location !== undefined && options.inWorker !== false
        ? new PreviewThread(
            {
              location: this.#location,
              refreshAfterMs: options.refreshAfterMs,
              idleMs: options.idleMs,
              maxHeapMb: options.maxHeapMb,
            },
            this.#logger,
          )
        : undefined
  }

  /**
   * Previews `target` at `now` against the stored scores of `baseline` (see `previewModel`),
   * on the snapshot `get` gives, as of its time: on the preview worker thread when there is
   * one, else on this thread.
   */
  async preview(now: number, target: PreviewTarget, baseline: BaselineModel | null): Promise<PreviewResult> {
    if (this.#closed) throw new Error('the preview snapshots were closed')
    if (this.#thread !== undefined) return this.#thread.preview(now, target, baseline)
    const { snapshot, refreshing } = await this.get(now, target.compiled, baseline)
    // as of the snapshot's time, like its data: the rules an edit did not change are reused
    // from the snapshot's cache instead of recomputed
    return previewModel(this.#store, snapshot, target, baseline, snapshot.at, refreshing)
  }

  /**
   * The snapshot to preview `model` on at `now`, compared with the stored scores of
   * `baseline`: the current one, however old (a refresh starts in the background when it is
   * older than the refresh age), else one read (and warmed with `model`) now.
   */
  async get(
    now: number,
    model: CompiledModel,
    baseline: BaselineModel | null = null,
  ): Promise<SnapshotLease> {
    if (this.#closed) throw new Error('the preview snapshots were closed')
    this.#warmWith = { model, baseline }
    for (const key of eventKeys(model)) this.#eventProperties.add(key)
    this.#touch()
    const current = this.#current
    if (current === undefined || !covers(current, model)) {
      // the first preview, or a model that reads an event property the snapshot did not
      // keep: read one with it and wait (a reading under way may have started without it)
      for (;;) {
        const snapshot = await this.#read(now, false)
        if (covers(snapshot, model)) return { snapshot, refreshing: false }
      }
    }
    // a clock set back (tests, a corrected clock) also calls for a fresh reading
    if (now - current.at > this.#refreshAfterMs || now < current.at) {
      this.#read(now, true).catch(() => {
        // logged by #read; the current snapshot keeps serving and the next preview tries again
      })
    }
    return { snapshot: current, refreshing: this.#reading !== undefined }
  }

  /** The current snapshot's time, if there is one (for status displays and tests). */
  get snapshotAt(): number | undefined {
    return this.#current?.at
  }

  /** Resolves when no reading is under way (a refresh started by a preview has replaced the snapshot, or failed). */
  async settled(): Promise<void> {
    while (this.#reading !== undefined) await this.#reading.catch(() => undefined)
  }

  /** Stops a reading under way (at its next page) and lets the snapshot go. */
  close(): void {
    this.#closed = true
    this.#thread?.close()
    this.#stop.abort(new Error('the preview snapshots were closed'))
    this.#current = undefined
    if (this.#idle !== undefined) clearTimeout(this.#idle)
  }

  /** Starts the idle countdown again: the snapshot is kept while previews keep coming. */
  #touch(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle)
    this.#idle = setTimeout(() => {
      // a reading under way is left to finish (a preview is waiting for it, or will soon)
      // and the countdown starts again
      if (this.#reading === undefined) this.#current = undefined
      else this.#touch()
    }, this.#idleMs)
    this.#idle.unref()
  }

  /** Reads a snapshot as of `at` (one reading at a time), warms it and makes it the current one. */
  #read(at: number, refresh: boolean): Promise<PreviewSnapshot> {
    if (this.#reading !== undefined) return this.#reading
    const started = performance.now()
    const reading = (async () => {
      // the preview that asked for a refresh is answered before the first page is read (the
      // store's calls run in the calling turn: without this, a page would run inside it)
      if (refresh) await nextTurn()
      const eventProperties = [...this.#eventProperties]
      const read =
        this.#location === undefined
          ? await readSnapshot(this.#store, at, {
              pageSize: this.#pageSize,
              signal: this.#stop.signal,
              eventProperties,
            })
          : await readSnapshotInWorker(
              { location: this.#location, at, eventProperties },
              { signal: this.#stop.signal },
            )
      const readMs = performance.now() - started
      const warmStarted = performance.now()
      // The stored scores the last preview compared with, and the last previewed model's
      // scoring, a rule at a time: the thread is never held for a whole cold scoring, and
      // while a refresh warms, the old snapshot keeps answering (both are held meanwhile).
      const warm = this.#warmWith
      if (warm?.baseline)
        await baselineScores(this.#store, read, warm.baseline, { signal: this.#stop.signal })
      if (warm !== undefined) await warmSnapshot(read, warm.model, nextTurn, this.#stop.signal)
      this.#stop.signal.throwIfAborted()
      this.#current = read
      this.#logger.info(refresh ? 'model preview: snapshot refreshed' : 'model preview: snapshot read', {
        contacts: read.contacts.length,
        events: read.events.length,
        readMs: Math.round(readMs),
        thread: this.#location === undefined ? 'server' : 'worker',
        warmMs: Math.round(performance.now() - warmStarted),
      })
      return read
    })()
    this.#reading = reading
    reading.then(
      () => {
        if (this.#reading === reading) this.#reading = undefined
      },
      (error: unknown) => {
        if (this.#reading === reading) this.#reading = undefined
        if (!this.#closed)
          this.#logger.warn('model preview: reading the contacts failed; the current snapshot is kept', {
            error: error instanceof Error ? error.message : String(error),
          })
      },
    )
    return reading
  }
}
