/**
 * Files for the analyze commands' tests: `contacts.csv` and `events.csv` of planted leads
 * (a known signal: webinars convert, see analysis/test-support/planted.ts) and the test models
 * `good.yaml` and `noise.yaml`, written in `dir`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GOOD, NOISE } from '../../analysis/test-support/models.js'
import { plantedLeads, T0 } from '../../analysis/test-support/planted.js'
import { DAY_MS } from '../../core/input.js'

export function writePlantedFiles(dir: string, leads: number): void {
  const planted = plantedLeads(leads, { trialShare: 0.15 })
  const contacts = ['contact_id,plan,visits']
  const events = ['event_id,contact_id,event,timestamp']
  planted.forEach((lead, c) => {
    contacts.push(`c${c},${lead.properties['plan']},${lead.properties['visits']}`)
    lead.events.forEach((e, k) => {
      events.push(`e${c}-${k},c${c},${e.name},${new Date(T0 + e.day * DAY_MS).toISOString()}`)
    })
  })
  writeFileSync(join(dir, 'contacts.csv'), `${contacts.join('\n')}\n`)
  writeFileSync(join(dir, 'events.csv'), `${events.join('\n')}\n`)
  writeFileSync(join(dir, 'good.yaml'), GOOD)
  writeFileSync(join(dir, 'noise.yaml'), NOISE)
}
