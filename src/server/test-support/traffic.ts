/**
 * Synthetic Segment traffic for load tests: batches of page views and tracked events from
 * `users` visitors over the last 30 days, from a seeded generator.
 * @module
 */

const PATHS = ['/', '/pricing', '/docs/start', '/blog/lead-scoring', '/customers/acme', '/careers']
const TRACKED = [
  'Email Opened',
  'Email Link Clicked',
  'Content Downloaded',
  'Webinar Attended',
  'Demo Requested',
]

/** A deterministic random number generator in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed
  return () => {
    // 32-bit multiply: a plain `*` passes 2^53 and loses the low bits (only a fifth of the users got events)
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff
    return state / 0x7fffffff
  }
}

/** `size` messages with ids `<prefix>-<n>`, 70% page views, from `users` users, timed before `now`. */
export function trafficBatch(
  next: () => number,
  size: number,
  users: number,
  now: number,
  prefix: string,
  start: number,
) {
  return Array.from({ length: size }, (_, i) => {
    const userId = `user-${Math.floor(next() * users)}`
    const messageId = `${prefix}-${start + i}`
    const timestamp = new Date(now - Math.floor(next() * 30 * 86_400_000)).toISOString()
    return next() < 0.7
      ? {
          type: 'page',
          userId,
          messageId,
          timestamp,
          properties: { path: PATHS[Math.floor(next() * PATHS.length)] },
        }
      : {
          type: 'track',
          userId,
          messageId,
          timestamp,
          event: TRACKED[Math.floor(next() * TRACKED.length)],
          properties: { email_id: `e${Math.floor(next() * 50)}`, content_id: `c${Math.floor(next() * 20)}` },
        }
  })
}
