/**
 * A child process for the durability test: stores batches of events forever and prints
 * `ack <id>` for every event of a batch once `insertEvents` resolved (the service's 2xx).
 * The test kills it with SIGKILL and checks every acknowledged event is in the file.
 */
import { openSqliteStore } from '../sqlite/open-sqlite-store.js'

const path = process.argv[2]
if (path === undefined) throw new Error('usage: ingest-until-killed <database file>')
const store = await openSqliteStore({ path })
for (let batch = 0; ; batch++) {
  const events = Array.from({ length: 100 }, (_, i) => ({
    id: `b${batch}-${i}`,
    contactId: `c${i % 10}`,
    name: 'page',
    ts: batch * 1000 + i,
    receivedAt: batch * 1000 + i,
    properties: { path: '/pricing', i },
  }))
  const { inserted } = await store.insertEvents(events)
  // one write per batch: the acknowledgement leaves only after the commit
  process.stdout.write(`${inserted.map((id) => `ack ${id}\n`).join('')}`)
}
