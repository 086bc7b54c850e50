/**
 * The webhook sender: claims due deliveries from the outbox (the oldest of each contact's
 * line only, so a contact's deliveries arrive in order), POSTs them signed, and records each
 * attempt: delivered, retried later with backoff and jitter, or dead-lettered. Deliveries
 * are sent at least once: a process killed between a receiver's 2xx and the record sends
 * again after the claim expires, with the same delivery id for the receiver to deduplicate.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { AttemptWrite, DeliveryRecord, EndpointRecord, Store } from '../../store/index.js'
import type { Clock } from '../clock.js'
import { type Logger, logRetriedFailure } from '../logger.js'
import { LATENCY_BUCKETS, type MetricsRegistry } from '../metrics.js'
import { DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy, verdict } from './backoff.js'
import { Poster } from './post.js'
import { SIGNATURE_HEADER, signatureHeader } from './signature.js'

export interface SenderOptions {
  readonly store: Store
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics?: MetricsRegistry | undefined
  readonly policy?: Partial<RetryPolicy> | undefined
  /** Deliveries in flight at once (default 32). */
  readonly concurrency?: number | undefined
  /** How often the outbox is polled when nothing wakes the sender (default 500 ms). */
  readonly pollIntervalMs?: number | undefined
  /** Delivered deliveries are pruned after this many days (default 14). */
  readonly retentionDays?: number | undefined
  /** The endpoint of a delivery (default: read from the store). */
  readonly endpoint?: ((id: string) => Promise<EndpointRecord | undefined>) | undefined
  /** For tests: the randomness of the jitter, in [0, 1). */
  readonly random?: (() => number) | undefined
  readonly userAgent?: string | undefined
}

const PRUNE_EVERY_MS = 3_600_000

export class WebhookSender {
  /** This process's name on the claims it makes. */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  readonly policy: RetryPolicy
  private readonly options: SenderOptions
  private readonly concurrency: number
  private readonly poster: Poster
  private readonly pollIntervalMs: number
  private inFlight = 0
  private readonly flights = new Set<Promise<void>>()
  private running: Promise<void> | undefined
  private stopped = false
  private wakeUp: (() => void) | undefined
  private woken = false
  private lastPrune = 0
  private readonly unrecorded: {
    readonly attempt: AttemptWrite
    readonly resolve: () => void
    readonly reject: (error: unknown) => void
  }[] = []
  private flushing: Promise<void> | undefined
  private readonly counters

  constructor(options: SenderOptions) {
    this.options = options
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy }
    this.concurrency = options.concurrency ?? 32
    this.pollIntervalMs = options.pollIntervalMs ?? 500
    this.poster = new Poster(this.concurrency)
    const m = options.metrics
    this.counters = m && {
      attempts: m.counter('leadscore_webhook_attempts_total', 'Webhook delivery attempts, by outcome'),
      latency: m.histogram(
        'leadscore_webhook_attempt_seconds',
        'Duration of webhook delivery attempts',
        LATENCY_BUCKETS,
      ),
      lag: m.histogram(
        'leadscore_webhook_first_attempt_delay_seconds',
        'Time from a transition to the first attempt of its delivery',
        LATENCY_BUCKETS,
      ),
    }
  }

  /** Starts the sending loop. */
  start(): void {
    if (this.running) return
    this.running = this.loop().catch((error: unknown) => {
      this.options.logger.error('the webhook sender stopped on an error', { error })
    })
  }

  /** Looks at the outbox now (new deliveries were committed). */
  wake(): void {
    this.woken = true
    this.wakeUp?.()
  }

  /** Stops claiming, waits for the attempts in flight, and gives back what it claimed. */
  async stop(): Promise<void> {
    this.stopped = true
    this.wake()
    await this.running
    await Promise.all(this.flights)
    await this.flushing
    this.poster.close()
    try {
      await this.options.store.releaseDeliveries(this.holder)
    } catch (error) {
      this.options.logger.warn('could not give back claimed webhook deliveries; their claims expire', {
        error,
      })
    }
  }

  /** Sends every delivery due now (and those that become due meanwhile), then resolves: for tests and the CLI. */
  async drain(): Promise<number> {
    let sent = 0
    for (;;) {
      const n = await this.sendDue()
      await Promise.all(this.flights)
      if (n === 0) return sent
      sent += n
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0
      try {
        claimed = await this.sendDue()
        await this.prune()
      } catch (error) {
        logRetriedFailure(this.options.logger, 'could not read the webhook outbox; retrying', error)
      }
      if (this.stopped) break
      if (claimed === 0 || this.inFlight >= this.concurrency) await this.sleep()
    }
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false
      return Promise.resolve()
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs)
      timer.unref()
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wakeUp = () => {
        this.wakeUp = undefined
        this.woken = false
        done()
      }
    })
  }

  /** Claims what is due (up to the free slots) and starts sending it; resolves to how many. */
  private async sendDue(): Promise<number> {
    const free = this.concurrency - this.inFlight
    if (free <= 0) return 0
    const now = this.options.clock.now()
    const claimed = await this.options.store.claimDeliveries({
      now,
      limit: free,
      holder: this.holder,
      claimUntil: now + this.policy.timeoutMs + 5000,
    })
    for (const delivery of claimed) {
      this.inFlight++
      const flight = this.send(delivery)
        .catch((error: unknown) => {
          logRetriedFailure(
            this.options.logger,
            'could not record a webhook attempt; it is retried when its claim expires',
            error,
            { delivery: delivery.id },
          )
        })
        .finally(() => {
          this.inFlight--
          this.flights.delete(flight)
          this.wake()
        })
      this.flights.add(flight)
    }
    return claimed.length
  }

  private async send(delivery: DeliveryRecord): Promise<void> {
    const { store, clock } = this.options
    const endpoint = await (this.options.endpoint ?? ((id) => store.getEndpoint(id)))(delivery.endpointId)
    if (endpoint === undefined) return // deleted meanwhile, with its outbox
    const started = clock.now()
    if (delivery.attempts === 0) this.counters?.lag.observe(Math.max(0, started - delivery.createdAt) / 1000)
    const body = JSON.stringify(delivery.payload)
    const secrets = [endpoint.secret]
    if (
      endpoint.previousSecret !== null &&
      endpoint.previousSecretExpiresAt !== null &&
      endpoint.previousSecretExpiresAt > started
    )
      secrets.push(endpoint.previousSecret)
    let status: number | null = null
    let error: string | null = null
    let retryAfter: number | undefined
    const t0 = performance.now()
    try {
      const response = await this.poster.post(
        endpoint.url,
        body,
        {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent ?? 'leadscore-webhooks',
          'leadscore-delivery': delivery.id,
          'leadscore-event': delivery.type,
          'leadscore-attempt': String(delivery.attempts + 1),
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(body, secrets, Math.floor(started / 1000)),
        },
        this.policy.timeoutMs,
      )
      status = response.status
      retryAfter = parseRetryAfter(response.retryAfter, clock.now())
      if (status < 200 || status >= 300) error = `HTTP ${status}${excerpt(response.excerpt)}`
    } catch (e) {
      error = describeError(e)
    }
    const latencyMs = performance.now() - t0
    const at = clock.now()
    const attempt = delivery.attempts + 1
    const v = verdict(attempt, status, retryAfter, this.policy, (this.options.random ?? Math.random)())
    await this.record({
      deliveryId: delivery.id,
      at,
      status,
      latencyMs,
      error,
      outcome: v.outcome,
      nextAttemptAt: v.outcome === 'retry' ? at + v.delayMs : undefined,
    })
    this.counters?.attempts.inc(1, { outcome: v.outcome })
    this.counters?.latency.observe(latencyMs / 1000)
    if (v.outcome === 'dead') {
      this.options.logger.warn('a webhook delivery was dead-lettered', {
        delivery: delivery.id,
        endpoint: endpoint.id,
        attempts: attempt,
        error,
      })
    }
  }

  /**
   * Records an attempt. Attempts that finish while a write is running are written together
   * in the next transaction (a group commit), so the outbox keeps up with many receivers.
   */
  private record(attempt: AttemptWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.unrecorded.push({ attempt, resolve, reject })
      this.startFlush()
    })
  }

  private startFlush(): void {
    if (this.flushing) return
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined
      // attempts that came in after the loop's last look
      if (this.unrecorded.length > 0) this.startFlush()
    })
  }

  private async flush(): Promise<void> {
    while (this.unrecorded.length > 0) {
      const batch = this.unrecorded.splice(0, 500)
      try {
        await this.options.store.recordAttempts(batch.map((b) => b.attempt))
        for (const b of batch) b.resolve()
      } catch (error) {
        for (const b of batch) b.reject(error)
      }
    }
  }

  private async prune(): Promise<void> {
    const now = this.options.clock.now()
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    const days = this.options.retentionDays ?? 14
    const pruned = await this.options.store.pruneDeliveries(now - days * 86_400_000)
    if (pruned > 0) this.options.logger.info('pruned delivered webhook deliveries', { pruned, days })
  }
}

function excerpt(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ')
  return t === '' ? '' : `: ${t}`
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string }
  if (e.name === 'TimeoutError') return e.message ?? 'timed out'
  return e.code ? `${e.message ?? 'request failed'} (${e.code})` : (e.message ?? String(error))
}
