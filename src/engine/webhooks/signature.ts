/**
 * Webhook signatures, as the payment providers do them: an HMAC-SHA256 over
 * `<timestamp>.<body>` with the endpoint's secret, sent in one header with the timestamp:
 *
 *     Leadscore-Signature: t=1763856000,v1=5257a869...,v1=9f2c...
 *
 * Several `v1` values are sent while a rotated secret is still valid. A receiver recomputes
 * the HMAC with its secret, compares in constant time with any `v1`, and refuses timestamps
 * older than its tolerance (default 5 minutes), which stops replays.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The header carrying the timestamp and the signatures. */
export const SIGNATURE_HEADER = 'Leadscore-Signature'

/** A new signing secret: `whsec_` and 32 random bytes in base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** The signature header value for `body` sent at `timestampSec` (epoch seconds), one `v1` per secret. */
export function signatureHeader(body: string, secrets: readonly string[], timestampSec: number): string {
  return [`t=${timestampSec}`, ...secrets.map((s) => `v1=${hmac(s, timestampSec, body)}`)].join(',')
}

export interface VerifyOptions {
  /** Now, in epoch seconds (default: the system clock). */
  readonly nowSec?: number | undefined
  /** The oldest (and newest) timestamp accepted, in seconds from now (default 300). */
  readonly toleranceSec?: number | undefined
}

/**
 * True when `header` (the `Leadscore-Signature` value) signs `body` (the raw request body,
 * exactly as received) with `secret`, within the tolerance. Constant-time comparison.
 *
 * @example
 * // Express: app.post('/hooks', express.raw({ type: '*\/*' }), (req, res) => {
 * //   if (!verifyWebhookSignature(req.body.toString('utf8'), req.get('Leadscore-Signature'), SECRET))
 * //     return res.sendStatus(400)
 * //   ... dedupe on req.get('Leadscore-Delivery'), then handle JSON.parse(body)
 * // })
 */
export function verifyWebhookSignature(
  body: string,
  header: string | null | undefined,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  if (timestamp === undefined || signatures.length === 0) return false
  const now = options.nowSec ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSec ?? 300)) return false
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex')
  let ok = false
  for (const s of signatures) ok = timingSafeEqual(expected, Buffer.from(s, 'hex')) || ok
  return ok
}
