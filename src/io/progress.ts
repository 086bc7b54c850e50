/**
 * A progress bar for reading files, shown only on a terminal.
 * @module
 */
import type { Writable } from 'node:stream'
import cliProgress from 'cli-progress'

/** Reports progress; see {@link createProgress}. */
export interface Progress {
  /** Sets the bytes done so far (absolute, not an increment). */
  update(bytes: number): void
  /** Stops the bar and ends its line. Safe to call twice. */
  stop(): void
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Total bytes (e.g. the file size). */
  readonly total: number
  /** Shown before the bar, e.g. the file name. */
  readonly label: string
}

const SILENT: Progress = { update() {}, stop() {} }

/**
 * A byte progress bar on `stream` (`label [=====-----] 42% | 420.0/1000.0 MB | ETA 3s`),
 * drawn only when `stream` is a TTY: on a pipe or a file it draws nothing, so logs and
 * machine-read output stay clean. Pass it to a reader as
 * `progress: (bytes) => bar.update(bytes)`.
 */
export function createProgress(stream: Writable & { isTTY?: boolean }, options: ProgressOptions): Progress {
  if (stream.isTTY !== true) return SILENT
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${options.label} [{bar}] {percentage}% | {done}/{size} | ETA {eta_formatted}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.legacy,
  )
  const size = formatBytes(options.total)
  bar.start(Math.max(options.total, 1), 0, { done: formatBytes(0), size })
  let stopped = false
  return {
    update(bytes) {
      if (!stopped)
        bar.update(Math.min(bytes, Math.max(options.total, 1)), { done: formatBytes(bytes), size })
    },
    stop() {
      if (stopped) return
      stopped = true
      bar.stop()
    },
  }
}

/** `512 B`, `1.5 kB`, `420.0 MB`, `1.02 GB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`
  return `${(bytes / 1e9).toFixed(2)} GB`
}
