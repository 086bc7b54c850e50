import { readLeadTable } from '../../src/cli/commands/train.js'
import { encodeTable, selectRows } from '../../src/predict/features/encode.js'
import { fitFeatureSpec } from '../../src/predict/features/spec.js'
import { readLabels } from '../../src/predict/label.js'
import { fitGbdt, predictGbdt } from '../../src/predict/learners/gbdt/booster.js'
import { fitLogistic, predictLogistic } from '../../src/predict/learners/logistic.js'
import { rocAuc } from '../../src/predict/metrics.js'
import { stratifiedKFold } from '../../src/predict/validation/folds.js'

const [file, label, drop, learner, extra] = process.argv.slice(2)
const ctx = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: {},
  exitCode: 0,
  command: '',
}
const t0 = performance.now()
const { table } = await readLeadTable(ctx, file!)
const labels = readLabels(table, label!)
const skip = new Map<string, 'excluded' | 'label'>([[label!, 'label']])
for (const d of (drop ?? '').split(',').filter(Boolean)) skip.set(d, 'excluded')
const spec = fitFeatureSpec(table.header, table.columns, labels.rows, { skip, missingValues: ['Select'] })
const data = encodeTable(spec, table, labels.rows)
console.log(
  'read',
  (performance.now() - t0).toFixed(0),
  'ms',
  data.rowCount,
  'rows',
  spec.features.length,
  'features',
  spec.dropped,
)
const y = labels.values
const params = extra ? JSON.parse(extra) : {}
const aucs: number[] = []
for (const split of stratifiedKFold(y, 5, 0)) {
  const t = performance.now()
  const train = selectRows(data, split.train)
  const test = selectRows(data, split.test)
  const ytr = Uint8Array.from(split.train, (i) => y[i]!)
  const yte = Uint8Array.from(split.test, (i) => y[i]!)
  let m: Float64Array
  let info = ''
  if (learner === 'logistic') m = predictLogistic(fitLogistic(train, ytr, params), test)
  else if (learner === 'blend') {
    const a = predictLogistic(fitLogistic(train, ytr, {}), test)
    const b = predictGbdt(fitGbdt(train, ytr, params), test)
    info = [0, 0.2, 0.3, 0.4, 0.5]
      .map(
        (w) =>
          `${w}:${rocAuc(
            a.map((x, i) => w * x + (1 - w) * b[i]!),
            yte,
          ).toFixed(4)}`,
      )
      .join(' ')
    m = b
  } else if (learner === 'bag') {
    const ms = [0, 1, 2].map((seed) => predictGbdt(fitGbdt(train, ytr, { ...params, seed }), test))
    m = ms[0]!.map((_, i) => (ms[0]![i]! + ms[1]![i]! + ms[2]![i]!) / 3)
    info = `single ${rocAuc(ms[0]!, yte).toFixed(4)}`
  } else {
    const model = fitGbdt(train, ytr, params)
    info = `${model.trees.length} trees`
    m = predictGbdt(model, test)
  }
  const auc = rocAuc(m, yte)
  aucs.push(auc)
  console.log(auc.toFixed(4), (performance.now() - t).toFixed(0), 'ms', info)
}
const mean = aucs.reduce((a, b) => a + b) / aucs.length
console.log('mean', mean.toFixed(4))
