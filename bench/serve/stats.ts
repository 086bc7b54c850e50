/**
 * Figures for the serve benchmark: latency summaries, the machine, the load average.
 * @module
 */
import { cpus, loadavg, totalmem } from 'node:os'

/** Latencies in ms: count, median, p99, max. */
export interface Latency {
  readonly n: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

/** The `q` quantile (nearest rank) of ascending `sorted`; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  }
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

/** Rounded to 0.1 (ms, s). */
export function round(n: number): number {
  return Math.round(n * 10) / 10
}

export function latencyText(l: Latency): string {
  return l.n === 0
    ? 'no samples'
    : `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)} (${count(l.n)} samples)`
}

/** `12.3 ms`; a sample that never came (Infinity) is `never`. */
export function ms(n: number): string {
  return Number.isFinite(n) ? `${n} ms` : 'never'
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGb: number
  readonly node: string
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown cpu',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
  }
}

/** The 1, 5 and 15-minute load averages, rounded. */
export function load(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100)
}

/** A histogram quantile's bucket bound: `≤ 500 ms`, or beyond the largest bucket. */
export function bound(n: number | undefined): string {
  return n === undefined ? 'n/a' : Number.isFinite(n) ? `≤ ${n} ms` : 'beyond the largest bucket'
}
