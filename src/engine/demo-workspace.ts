/**
 * A demo workspace: realistic generated contacts, accounts and six months of their events
 * (`src/demo/generate.ts`, fixed seed), sent through the engine as Segment messages
 * (identify, group, page, track) exactly like a real source would, with `now` as the
 * present, so the scores look alive.
 * @module
 */
import { generateDataset } from '../demo/generate.js'
import type { Engine } from './engine.js'

export interface DemoOptions {
  /** How many contacts (default 2,000). */
  readonly contacts?: number
  /** The generator's seed (default 42). */
  readonly seed?: number
  /** Give each contact the generator's hidden outcome as the trait `converted` (true/false); default false. */
  readonly outcome?: boolean
  /** Called after each chunk with the messages sent so far and the total. */
  readonly onProgress?: (sent: number, total: number) => void
}

export interface DemoSummary {
  readonly contacts: number
  readonly accounts: number
  readonly events: number
  readonly ms: number
}

/** Messages sent per ingest call. */
const CHUNK = 2500

/** Generates the demo data as of the engine's clock and ingests it. */
export async function seedDemoWorkspace(engine: Engine, options: DemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now()
  const data = generateDataset({
    seed: options.seed ?? 42,
    contacts: options.contacts ?? 2000,
    now: engine.clock.now(),
    outcome: options.outcome ?? false,
  })
  const messages: Record<string, unknown>[] = []
  const accounts = new Set<string>()
  for (let i = 0; i < data.options.contacts; i++) {
    const contact = data.contact(i)
    const { created_at: createdAt, account_id: accountId, ...traits } = contact.properties
    messages.push({
      type: 'identify',
      messageId: `demo-identify-${contact.id}`,
      userId: contact.id,
      traits: { ...traits, created_at: createdAt },
      timestamp: createdAt,
    })
    if (typeof accountId === 'string') {
      const account = data.account(Number(accountId.slice(4)) - 1)
      accounts.add(account.id)
      messages.push({
        type: 'group',
        messageId: `demo-group-${contact.id}`,
        userId: contact.id,
        groupId: account.id,
        traits: account.properties,
        timestamp: createdAt,
      })
    }
  }
  let events = 0
  for (const e of data.events()) {
    events++
    const page = e.name === 'page'
    messages.push({
      type: page ? 'page' : 'track',
      ...(page ? {} : { event: e.name }),
      messageId: e.id,
      userId: e.contactId,
      properties: e.properties,
      timestamp: new Date(e.ts).toISOString(),
    })
  }
  for (let i = 0; i < messages.length; i += CHUNK) {
    await engine.ingest(messages.slice(i, i + CHUNK))
    options.onProgress?.(Math.min(i + CHUNK, messages.length), messages.length)
  }
  return {
    contacts: data.options.contacts,
    accounts: accounts.size,
    events,
    ms: Math.round(performance.now() - started),
  }
}
