/**
 * Lead tables with a planted relationship, for tests: the true probability of each row is known.
 * @module
 */
import { type EncodedFeatures, encodeTable } from '../features/encode.js'
import { type FeatureSpec, fitFeatureSpec } from '../features/spec.js'
import { readLabels } from '../label.js'
import { sigmoid } from '../learners/link.js'
import { createRandom } from '../random.js'
import { type LeadTable, tableFromRows } from '../table.js'

export interface Synthetic {
  readonly table: LeadTable
  /** The true conversion probability of each row. */
  readonly truth: Float64Array
  readonly labels: Uint8Array
}

const SOURCES = ['Web', 'Referral', 'Ads', 'Event'] as const
/** The planted log-odds effect of each source. */
export const SOURCE_EFFECT: Readonly<Record<string, number>> = { Web: 0, Referral: 1.5, Ads: -1, Event: 0.5 }

/**
 * `n` leads: `visits` (a number, 10% missing, effect +0.8 per standard unit), `minutes` (a
 * threshold effect: +1.2 above 30), `source` (a category, see {@link SOURCE_EFFECT}), `noise`
 * (no effect), `plan` (`Select` as a placeholder in 30% of rows, no effect), and `converted`.
 * With `linear`, the threshold effect is replaced by a linear one.
 */
export function syntheticLeads(n: number, seed = 1, options: { linear?: boolean } = {}): Synthetic {
  const random = createRandom(seed)
  const normal = () => {
    const u = Math.max(random(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  const rows: string[][] = []
  const truth = new Float64Array(n)
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const visits = normal()
    const minutes = random() * 60
    const source = SOURCES[Math.floor(random() * SOURCES.length)]!
    const noise = normal()
    const plan = random() < 0.3 ? 'Select' : random() < 0.5 ? 'Basic' : 'Pro'
    const minutesEffect = options.linear ? (minutes - 30) / 15 : minutes > 30 ? 1.2 : 0
    const margin = -0.8 + 0.8 * visits + minutesEffect + SOURCE_EFFECT[source]!
    truth[i] = sigmoid(margin)
    labels[i] = random() < truth[i]! ? 1 : 0
    rows.push([
      `L${i + 1}`,
      random() < 0.1 ? '' : visits.toFixed(3),
      minutes.toFixed(1),
      source,
      noise.toFixed(3),
      plan,
      labels[i] ? 'yes' : 'no',
    ])
  }
  const table = tableFromRows(['lead_id', 'visits', 'minutes', 'source', 'noise', 'plan', 'converted'], rows)
  return { table, truth, labels }
}

/** The CSV text of a table (cells quoted when needed), with `separator` between fields. */
export function tableCsv(table: LeadTable, separator = ','): string {
  const quote = (cell: string) => (/[",;\t\n\r|]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)
  const lines = [table.header.map(quote).join(separator)]
  for (let r = 0; r < table.rowCount; r++) lines.push(table.columns.map((c) => quote(c[r]!)).join(separator))
  return `${lines.join('\n')}\n`
}

/**
 * {@link syntheticLeads} encoded for a learner: with the spec fitted on them, or with `spec`
 * (a training set's) for a test set.
 */
export function preparedLeads(
  n: number,
  seed: number,
  options: { linear?: boolean; spec?: FeatureSpec } = {},
): Synthetic & { spec: FeatureSpec; data: EncodedFeatures; y: Uint8Array } {
  const s = syntheticLeads(n, seed, options.linear ? { linear: true } : {})
  const labels = readLabels(s.table, 'converted')
  const spec =
    options.spec ??
    fitFeatureSpec(s.table.header, s.table.columns, labels.rows, {
      skip: new Map([
        ['converted', 'label'],
        ['lead_id', 'id'],
      ]),
      missingValues: ['Select'],
    })
  return { ...s, spec, data: encodeTable(spec, s.table, labels.rows), y: labels.values }
}
