/**
 * Leads for tests of the service under the default model (examples/b2b-saas.yaml).
 * @module
 */

/** A VP at a target company: fit 40, grade A. */
export const VP = {
  email: 'vp@acme.example',
  job_title: 'VP Marketing',
  industry: 'Software',
  employees: 800,
  country: 'US',
} as const

/** A marketing manager at an unknown company: fit 16, grade C. */
export const MANAGER = { email: 'mgr@beta.example', job_title: 'Marketing Manager' } as const

/**
 * Segment messages that make `userId` a hot MQL under the default model: it identifies with
 * `traits`, requests a demo and reads the pricing page, in the seconds before `now`. Message
 * ids are `<userId>-i`, `-d` and `-p`.
 */
export function mqlMessages(userId: string, now: number, traits: Record<string, unknown> = VP) {
  const iso = (t: number) => new Date(t).toISOString()
  return [
    { type: 'identify', userId, messageId: `${userId}-i`, traits, timestamp: iso(now - 3000) },
    { type: 'track', userId, event: 'Demo Requested', messageId: `${userId}-d`, timestamp: iso(now - 2000) },
    {
      type: 'page',
      userId,
      messageId: `${userId}-p`,
      properties: { path: '/pricing' },
      timestamp: iso(now - 1000),
    },
  ]
}
