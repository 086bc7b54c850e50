/**
 * Compares learner settings on identical folds, with the log loss to six decimals:
 *
 *   npx tsx bench/predict/tune.ts [--only bank] [--variants default,lr05]
 *
 *   npx tsx bench/predict/tune.ts --seed 1 --only bank --variants default,g0.05-15-20-10
 *
 * Per data set of `datasets.ts` and variant (`VARIANTS`, and a grid `g<learning rate>-<leaves>-
 * <min rows per leaf>-<L2>`), on the folds of `StratifiedKFold(5, shuffle, random_state =
 * --seed)`: the mean fold AUC, and the out-of-fold log loss raw, after Platt scaling fitted on
 * all the out-of-fold margins (in-sample: what `leadscore train` reports), after Platt scaling
 * cross-fitted (each fold calibrated by the other folds' margins: what a new lead sees), and of
 * a blend with the logistic model (a logistic fit on both models' margins, in-sample and
 * cross-fitted). The settings differ by less than the fold seed moves them: compare over seeds.
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { calibrate, fitPlatt } from '../../src/predict/calibration.js'
import { encodeTable, selectRows } from '../../src/predict/features/encode.js'
import { type DroppedColumn, fitFeatureSpec } from '../../src/predict/features/spec.js'
import { readLabels } from '../../src/predict/label.js'
import { fitLearner, type LearnerParams, predictMargins } from '../../src/predict/learners/learner.js'
import { probabilities } from '../../src/predict/learners/link.js'
import { logLoss, rocAuc } from '../../src/predict/metrics.js'
import type { LearnerName } from '../../src/predict/model.js'
import { readLeadCsv } from '../../src/predict/test-support/read-lead-csv.js'
import { stratifiedKFold } from '../../src/predict/validation/folds.js'
import { DATASETS } from './datasets.js'

const VARIANTS: Record<string, { learner: LearnerName; params: LearnerParams }> = {
  logistic: { learner: 'logistic', params: {} },
  default: { learner: 'gbdt', params: {} },
  bags3: { learner: 'gbdt', params: { gbdtBags: 3 } },
  lr05: { learner: 'gbdt', params: { gbdt: { learningRate: 0.05, maxIterations: 600 } } },
  patience40: { learner: 'gbdt', params: { gbdt: { patience: 40 } } },
  l2x3: { learner: 'gbdt', params: { gbdt: { l2: 30 } } },
  leaves31: { learner: 'gbdt', params: { gbdt: { maxLeafNodes: 31 } } },
  leaves7: { learner: 'gbdt', params: { gbdt: { maxLeafNodes: 7 } } },
  valid20: { learner: 'gbdt', params: { gbdt: { validationFraction: 0.2 } } },
  lr05leaf50: {
    learner: 'gbdt',
    params: { gbdt: { learningRate: 0.05, maxIterations: 600, minSamplesLeaf: 50 } },
  },
  lr05leaf200: {
    learner: 'gbdt',
    params: { gbdt: { learningRate: 0.05, maxIterations: 600, minSamplesLeaf: 200 } },
  },
  lr05l2x3: { learner: 'gbdt', params: { gbdt: { learningRate: 0.05, maxIterations: 600, l2: 30 } } },
  lr03: { learner: 'gbdt', params: { gbdt: { learningRate: 0.03, maxIterations: 1000 } } },
  partition0: { learner: 'gbdt', params: { gbdt: { partitionPenalty: 0 } } },
  partition2: { learner: 'gbdt', params: { gbdt: { partitionPenalty: 2 } } },
  lr05bags2: { learner: 'gbdt', params: { gbdtBags: 2, gbdt: { learningRate: 0.05, maxIterations: 600 } } },
}

for (const lr of [0.05, 0.1])
  for (const leaves of [15, 23])
    for (const leaf of [20, 50])
      for (const l2 of [1, 10])
        VARIANTS[`g${lr}-${leaves}-${leaf}-${l2}`] = {
          learner: 'gbdt',
          params: {
            gbdt: { learningRate: lr, maxIterations: 600, maxLeafNodes: leaves, minSamplesLeaf: leaf, l2 },
          },
        }

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seed: { type: 'string', default: '0' },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
  },
})

for (const dataset of DATASETS) {
  if (values.only && !dataset.name.toLowerCase().includes(values.only.toLowerCase())) continue
  if (!existsSync(dataset.file)) continue
  const table = await readLeadCsv(dataset.file)
  const labels = readLabels(table, dataset.label)
  const skip = new Map<string, DroppedColumn['reason']>([[dataset.label, 'label']])
  for (const c of dataset.exclude) skip.set(c, 'excluded')
  const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
    skip,
    missingValues: dataset.missingValues,
  })
  const data = encodeTable(spec, table, labels.rows)
  const y = labels.values
  const folds = stratifiedKFold(y, 5, Number(values.seed))
  console.log(`## ${dataset.name}`)
  const oofOf = (learner: LearnerName, params: LearnerParams) => {
    const margins = new Float64Array(y.length)
    const aucs = folds.map((split) => {
      const model = fitLearner(
        learner,
        selectRows(data, split.train),
        Uint8Array.from(split.train, (r) => y[r]!),
        {
          seed: 0,
          ...params,
        },
      )
      const m = predictMargins(model, selectRows(data, split.test))
      split.test.forEach((row, j) => {
        margins[row] = m[j]!
      })
      return rocAuc(
        m,
        Uint8Array.from(split.test, (r) => y[r]!),
      )
    })
    return { margins, aucs }
  }
  const linear = oofOf('logistic', {}).margins
  console.log(
    '| variant | AUC | log loss raw | Platt in-sample | Platt cross-fitted | blend in-sample | blend cross-fitted | blend AUC | CPU s |',
  )
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const name of values.variants!.split(',')) {
    const variant = VARIANTS[name]
    if (variant === undefined) throw new Error(`no variant ${name}`)
    const c = process.cpuUsage()
    const { margins, aucs } = oofOf(variant.learner, variant.params)
    const used = process.cpuUsage(c)
    const platt = fitPlatt(margins, y)
    const inSample = Float64Array.from(margins, (m) => calibrate(platt, m))
    const crossFitted = new Float64Array(y.length)
    for (const split of folds) {
      const cal = fitPlatt(
        Float64Array.from(split.train, (r) => margins[r]!),
        Uint8Array.from(split.train, (r) => y[r]!),
      )
      for (const r of split.test) crossFitted[r] = calibrate(cal, margins[r]!)
    }
    const auc = aucs.reduce((a, b) => a + b, 0) / aucs.length
    const all = Int32Array.from(y, (_, i) => i)
    const blendIn = stack(margins, linear, y, all)
    const blendIs = Float64Array.from(all, (r) => blendIn(r))
    const blendCross = new Float64Array(y.length)
    const blendAucs: number[] = []
    for (const split of folds) {
      const f = stack(margins, linear, y, split.train)
      for (const r of split.test) blendCross[r] = f(r)
      blendAucs.push(
        rocAuc(
          Float64Array.from(split.test, (r) => blendCross[r]!),
          Uint8Array.from(split.test, (r) => y[r]!),
        ),
      )
    }
    console.log(
      `| ${name} | ${auc.toFixed(5)} | ${logLoss(probabilities(margins), y).toFixed(6)} | ${logLoss(inSample, y).toFixed(6)} | ${logLoss(crossFitted, y).toFixed(6)} | ${logLoss(blendIs, y).toFixed(6)} | ${logLoss(blendCross, y).toFixed(6)} | ${(blendAucs.reduce((a, b) => a + b) / 5).toFixed(5)} | ${((used.user + used.system) / 1e6).toFixed(1)} |`,
    )
  }
}

/** p = sigmoid(a·m1 + b·m2 + c) fitted by Newton on rows `rows`; returns the probability of a row. */
function stack(m1: Float64Array, m2: Float64Array, y: Uint8Array, rows: Int32Array): (r: number) => number {
  const w = [1, 0, 0]
  for (let it = 0; it < 50; it++) {
    const g = [0, 0, 0]
    const h = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    for (const r of rows) {
      const x = [m1[r]!, m2[r]!, 1]
      const p = 1 / (1 + Math.exp(-(w[0]! * x[0]! + w[1]! * x[1]! + w[2]!)))
      const s = Math.max(p * (1 - p), 1e-12)
      for (let a = 0; a < 3; a++) {
        g[a]! += (p - y[r]!) * x[a]!
        for (let b = 0; b < 3; b++) h[a * 3 + b]! += s * x[a]! * x[b]!
      }
    }
    for (let a = 0; a < 3; a++) h[a * 4]! += 1e-6
    const d = solve3(h, g)
    for (let a = 0; a < 3; a++) w[a]! -= d[a]!
    if (Math.abs(d[0]!) + Math.abs(d[1]!) + Math.abs(d[2]!) < 1e-10) break
  }
  return (r) => 1 / (1 + Math.exp(-(w[0]! * m1[r]! + w[1]! * m2[r]! + w[2]!)))
}

function solve3(h: number[], g: number[]): number[] {
  const m = [0, 1, 2].map((i) => [h[i * 3]!, h[i * 3 + 1]!, h[i * 3 + 2]!, g[i]!])
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      const f = m[j]![i]! / m[i]![i]!
      for (let k = i; k < 4; k++) m[j]![k]! -= f * m[i]![k]!
    }
  }
  const x = [0, 0, 0]
  for (let i = 2; i >= 0; i--) {
    let s = m[i]![3]!
    for (let k = i + 1; k < 3; k++) s -= m[i]![k]! * x[k]!
    x[i] = s / m[i]![i]!
  }
  return x
}
