/**
 * Counters, gauges and histograms, rendered in the Prometheus text format (version 0.0.4).
 * Small and dependency-free: the engine and the server record into one registry, and
 * `GET /metrics` renders it.
 * @module
 */

type Labels = Readonly<Record<string, string>>

interface Metric {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  render(): string[]
}

function labelText(labels: Labels, extra?: Labels): string {
  const all = { ...labels, ...extra }
  const keys = Object.keys(all)
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${k}="${escapeLabel(all[k]!)}"`).join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))
}

function number(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Number.POSITIVE_INFINITY) return '+Inf'
  if (n === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(n)
}

/** A value that only goes up, per label set. */
export class Counter implements Metric {
  readonly type = 'counter'
  readonly name: string
  readonly help: string
  private readonly values = new Map<string, { labels: Labels; value: number }>()
  constructor(name: string, help: string) {
    this.name = name
    this.help = help
  }
  inc(by = 1, labels: Labels = {}): void {
    const k = key(labels)
    const entry = this.values.get(k)
    if (entry) entry.value += by
    else this.values.set(k, { labels, value: by })
  }
  /** The current value for a label set (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0
  }
  render(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`]
    return [...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${number(e.value)}`)
  }
}

/** A value read when rendered (e.g. the queue depth). */
export class Gauge implements Metric {
  readonly type = 'gauge'
  readonly name: string
  readonly help: string
  private readonly read: () => number
  constructor(name: string, help: string, read: () => number) {
    this.name = name
    this.help = help
    this.read = read
  }
  render(): string[] {
    return [`${this.name} ${number(this.read())}`]
  }
}

/** Observations counted in cumulative buckets, per label set; also keeps a percentile sketch. */
export class Histogram implements Metric {
  readonly type = 'histogram'
  readonly name: string
  readonly help: string
  readonly buckets: readonly number[]
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >()
  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name
    this.help = help
    this.buckets = [...buckets].sort((a, b) => a - b)
  }
  observe(value: number, labels: Labels = {}): void {
    const k = key(labels)
    let s = this.series.get(k)
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }
      this.series.set(k, s)
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]! += 1
    s.sum += value
    s.count += 1
  }
  /** The upper bound of the bucket holding the `q` quantile over every series (e.g. 0.99), or undefined with no data. */
  quantile(q: number): number | undefined {
    let total = 0
    const counts = this.buckets.map(() => 0)
    for (const s of this.series.values()) {
      total += s.count
      s.counts.forEach((c, i) => {
        counts[i]! += c
      })
    }
    if (total === 0) return undefined
    const rank = q * total
    for (let i = 0; i < this.buckets.length; i++) if (counts[i]! >= rank) return this.buckets[i]!
    return Number.POSITIVE_INFINITY
  }
  render(): string[] {
    const lines: string[] = []
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket${labelText(s.labels, { le: number(b) })} ${s.counts[i]}`)
      })
      lines.push(`${this.name}_bucket${labelText(s.labels, { le: '+Inf' })} ${s.count}`)
      lines.push(`${this.name}_sum${labelText(s.labels)} ${number(s.sum)}`)
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`)
    }
    return lines
  }
}

/** Latency buckets in seconds, from 0.5 ms to 10 s. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const

/** A set of metrics rendered together. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>()

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help))
  }
  gauge(name: string, help: string, read: () => number): Gauge {
    return this.add(new Gauge(name, help, read))
  }
  histogram(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS): Histogram {
    return this.add(new Histogram(name, help, buckets))
  }

  private add<M extends Metric>(metric: M): M {
    const existing = this.metrics.get(metric.name)
    if (existing) {
      if (existing.type !== metric.type)
        throw new Error(`metric ${metric.name} is already a ${existing.type}`)
      return existing as M
    }
    this.metrics.set(metric.name, metric)
    return metric
  }

  /** Every metric in the Prometheus text format. */
  render(): string {
    const lines: string[] = []
    for (const m of this.metrics.values()) {
      lines.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
      lines.push(`# TYPE ${m.name} ${m.type}`)
      lines.push(...m.render())
    }
    return `${lines.join('\n')}\n`
  }
}
