/**
 * When to try a webhook delivery again. Attempt n (1-based) that fails is retried after
 * `initialDelayMs * 2^(n-1)`, capped at `maxDelayMs`, with "equal jitter" (a uniformly random
 * time between half of that and all of it, so receivers coming back are not stampeded); a
 * `Retry-After` of a 429 or 503 is honoured when it asks for longer (up to 6 hours).
 * After `maxAttempts` attempts the delivery is dead-lettered.
 * @module
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (default 16: about 15 hours with the defaults). */
  readonly maxAttempts: number
  /** Delay after the first failure (default 10 s). */
  readonly initialDelayMs: number
  /** Longest delay between attempts (default 2 hours). */
  readonly maxDelayMs: number
  /** How long one attempt may take (default 10 s). */
  readonly timeoutMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 16,
  initialDelayMs: 10_000,
  maxDelayMs: 2 * 3_600_000,
  timeoutMs: 10_000,
}

/** The longest `Retry-After` honoured. */
export const RETRY_AFTER_CAP_MS = 6 * 3_600_000

/** What to do after an attempt. */
export type AttemptVerdict =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly delayMs: number }
  | { readonly outcome: 'dead' }

/** The delay after failed attempt `attempt` (1-based), before `Retry-After`; `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 40))
  return Math.round(base / 2 + (base / 2) * random)
}

/** Statuses worth retrying: timeouts, conflicts of the moment, rate limits and server errors. */
export function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500
}

/**
 * The verdict on attempt `attempt` (1-based) that got `status` (null: no response: network
 * error or timeout) and maybe a `Retry-After` (seconds) header.
 */
export function verdict(
  attempt: number,
  status: number | null,
  retryAfterSec: number | undefined,
  policy: RetryPolicy,
  random: number,
): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return { outcome: 'delivered' }
  if (!retryable(status) || attempt >= policy.maxAttempts) return { outcome: 'dead' }
  let delayMs = backoffDelay(attempt, policy, random)
  if (retryAfterSec !== undefined && (status === 429 || status === 503))
    delayMs = Math.max(delayMs, Math.min(RETRY_AFTER_CAP_MS, retryAfterSec * 1000))
  return { outcome: 'retry', delayMs }
}

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}
