/**
 * Generated events in columns (typed arrays and shared strings), the fast form the demo
 * generator produces and the CSV writer consumes; plus the event names and properties.
 * @module
 */

/** The event names the generator emits (Segment spec names where the spec has them). */
export const EVENT_NAMES = [
  'page',
  'Email Opened',
  'Email Link Clicked',
  'Content Downloaded',
  'Form Submitted',
  'Webinar Registered',
  'Webinar Attended',
  'Video Playback Completed',
  'Demo Requested',
  'Trial Started',
  'Email Bounced',
  'Unsubscribed',
  'Email Marked as Spam',
] as const
export type DemoEventName = (typeof EVENT_NAMES)[number]

/** Event type codes: indexes into {@link EVENT_NAMES}. */
export const EventType = {
  page: 0,
  emailOpened: 1,
  emailClicked: 2,
  contentDownloaded: 3,
  formSubmitted: 4,
  webinarRegistered: 5,
  webinarAttended: 6,
  videoCompleted: 7,
  demoRequested: 8,
  trialStarted: 9,
  emailBounced: 10,
  unsubscribed: 11,
  spam: 12,
} as const satisfies Record<string, number>
export type EventType = (typeof EventType)[keyof typeof EventType]

/** The event property columns, in CSV order. Each event sets only the ones that apply. */
export const EVENT_PROPERTIES = [
  'path',
  'email_id',
  'campaign_id',
  'link_id',
  'form_id',
  'content_id',
  'webinar_id',
  'video_id',
  'percent',
  'trial_plan_name',
] as const
export type EventProperty = (typeof EVENT_PROPERTIES)[number]

/**
 * Events in columns: one entry per event in every array, `length` of them in use. Strings
 * are shared references (no copies), `percent` is -1 where absent. A batch yielded by
 * {@link Dataset.eventBatches} is reused: read it before asking for the next one.
 */
export class EventColumns {
  length = 0
  contactIndex: Int32Array
  /** The event's position among its contact's events (time order); part of the event id. */
  seq: Int32Array
  type: Uint8Array
  /** Epoch milliseconds, whole seconds. */
  ts: Float64Array
  percent: Int16Array
  contactId: string[] = []
  path: (string | undefined)[] = []
  emailId: (string | undefined)[] = []
  campaignId: (string | undefined)[] = []
  linkId: (string | undefined)[] = []
  formId: (string | undefined)[] = []
  contentId: (string | undefined)[] = []
  webinarId: (string | undefined)[] = []
  videoId: (string | undefined)[] = []
  plan: (string | undefined)[] = []

  constructor(capacity = 1024) {
    this.contactIndex = new Int32Array(capacity)
    this.seq = new Int32Array(capacity)
    this.type = new Uint8Array(capacity)
    this.ts = new Float64Array(capacity)
    this.percent = new Int16Array(capacity)
  }

  get capacity(): number {
    return this.ts.length
  }

  /** Makes room for `n` events in total, keeping the current ones. */
  reserve(n: number): void {
    if (n <= this.ts.length) return
    let size = this.ts.length * 2
    while (size < n) size *= 2
    const grow = <A extends Int32Array | Uint8Array | Float64Array | Int16Array>(
      old: A,
      make: (s: number) => A,
    ): A => {
      const next = make(size)
      next.set(old)
      return next
    }
    this.contactIndex = grow(this.contactIndex, (s) => new Int32Array(s))
    this.seq = grow(this.seq, (s) => new Int32Array(s))
    this.type = grow(this.type, (s) => new Uint8Array(s))
    this.ts = grow(this.ts, (s) => new Float64Array(s))
    this.percent = grow(this.percent, (s) => new Int16Array(s))
  }

  /**
   * Reorders the events: event `i` becomes the old event `order[i]` (a permutation of
   * `0 .. length - 1`). The contact and sequence columns are left as they are.
   */
  permute(order: Int32Array): void {
    const n = this.length
    permuteTyped(this.type, order, n)
    permuteTyped(this.ts, order, n)
    permuteTyped(this.percent, order, n)
    permuteStrings(this.path, order, n)
    permuteStrings(this.emailId, order, n)
    permuteStrings(this.campaignId, order, n)
    permuteStrings(this.linkId, order, n)
    permuteStrings(this.formId, order, n)
    permuteStrings(this.contentId, order, n)
    permuteStrings(this.webinarId, order, n)
    permuteStrings(this.videoId, order, n)
    permuteStrings(this.plan, order, n)
  }

  /** Appends one contact's events (all of `events`), numbering them 0, 1, 2, ... */
  appendContact(events: EventColumns, contactIndex: number, contactId: string): void {
    const n = events.length
    const base = this.length
    this.reserve(base + n)
    for (let i = 0; i < n; i++) {
      const j = base + i
      this.contactIndex[j] = contactIndex
      this.seq[j] = i
      this.type[j] = events.type[i]!
      this.ts[j] = events.ts[i]!
      this.percent[j] = events.percent[i]!
      this.contactId[j] = contactId
      this.path[j] = events.path[i]
      this.emailId[j] = events.emailId[i]
      this.campaignId[j] = events.campaignId[i]
      this.linkId[j] = events.linkId[i]
      this.formId[j] = events.formId[i]
      this.contentId[j] = events.contentId[i]
      this.webinarId[j] = events.webinarId[i]
      this.videoId[j] = events.videoId[i]
      this.plan[j] = events.plan[i]
    }
    this.length = base + n
  }

  /** The name of event `j`. */
  name(j: number): DemoEventName {
    return EVENT_NAMES[this.type[j]!]!
  }

  /** The value of one property column for event `j`, or undefined. */
  property(j: number, column: EventProperty): string | number | undefined {
    switch (column) {
      case 'path':
        return this.path[j]
      case 'email_id':
        return this.emailId[j]
      case 'campaign_id':
        return this.campaignId[j]
      case 'link_id':
        return this.linkId[j]
      case 'form_id':
        return this.formId[j]
      case 'content_id':
        return this.contentId[j]
      case 'webinar_id':
        return this.webinarId[j]
      case 'video_id':
        return this.videoId[j]
      case 'percent': {
        const p = this.percent[j]!
        return p < 0 ? undefined : p
      }
      case 'trial_plan_name':
        return this.plan[j]
    }
  }

  /** The properties of event `j` as an object (only the columns it sets). */
  properties(j: number): Record<string, string | number> {
    const props: Record<string, string | number> = {}
    for (const column of EVENT_PROPERTIES) {
      const value = this.property(j, column)
      if (value !== undefined) props[column] = value
    }
    return props
  }
}

function permuteTyped(column: Uint8Array | Float64Array | Int16Array, order: Int32Array, n: number): void {
  const old = column.slice(0, n)
  for (let i = 0; i < n; i++) column[i] = old[order[i]!]!
}

function permuteStrings(column: (string | undefined)[], order: Int32Array, n: number): void {
  const old = column.slice(0, n)
  for (let i = 0; i < n; i++) column[i] = old[order[i]!]
}
