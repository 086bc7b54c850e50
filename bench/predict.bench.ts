/**
 * `npm run bench:predict`: predictive scoring on the public lead datasets, against the
 * scikit-learn / XGBoost baselines of issue #5.
 *
 *   npx tsx bench/predict.bench.ts [--runs 3] [--learners auto,logistic,gbdt] [--only bank] [--threads 1,2] [--seeds 0,1,2,3,4]
 *
 * Per dataset (honest feature sets, see /work/shared/data/README.md) and learner: 5-fold
 * stratified cross-validation (shuffled, seed 0, or each of --seeds: `leadscore train --seed`, the
 * folds of scikit-learn's `random_state`) as `leadscore train` runs it: ROC AUC mean
 * and std, log loss, Brier score, top-decile lift (calibrated out-of-fold probabilities), the
 * gap to the best baseline, and the time of the whole training (cross-validation and the final
 * fit; wall and CPU of every thread, medians of --runs) and the wall time of the final fit
 * alone, with the fits in this thread (`--threads 1`: `trainModel`) and spread over worker
 * threads (`trainModelInThreads`, same result). On a machine shared with other work, the CPU
 * time is the better guide to the quiet time.
 */
import { existsSync, statSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { trainModelInThreads } from '../src/engine/predictive/fold-pool.js'
import { encodeTable } from '../src/predict/features/encode.js'
import { readLabels } from '../src/predict/label.js'
import { fitLearner } from '../src/predict/learners/learner.js'
import type { LearnerName } from '../src/predict/model.js'
import { readLeadCsv } from '../src/predict/test-support/read-lead-csv.js'
import { trainModel } from '../src/predict/train.js'
import { DATA_DIR, DATASETS } from './predict/datasets.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    learners: { type: 'string', default: 'auto,logistic,gbdt' },
    only: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    seeds: { type: 'string', default: '0' },
  },
})
const threadCounts = values.threads!.split(',').map(Number)
const runs = Math.max(1, Number(values.runs))
const learners = values.learners!.split(',') as (LearnerName | 'auto')[]
const seeds = values.seeds!.split(',').map(Number)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const f4 = (x: number) => x.toFixed(4)
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

console.log(`command: npx tsx bench/predict.bench.ts ${process.argv.slice(2).join(' ')}`.trim())
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 1e9).toFixed(1)} GB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `protocol: 5-fold stratified CV, shuffled, seed ${seeds.join(', ')}; time = median of ${runs} runs\n`,
)

for (const dataset of DATASETS) {
  if (values.only && !dataset.name.toLowerCase().includes(values.only.toLowerCase())) continue
  if (!existsSync(dataset.file)) {
    console.log(
      `${dataset.name}: skipped, ${dataset.file} is absent (set LEADSCORE_DATA_DIR, now ${DATA_DIR})\n`,
    )
    continue
  }
  const table = await readLeadCsv(dataset.file)
  const labels = readLabels(table, dataset.label)
  const best = Math.max(...Object.values(dataset.baselines))
  console.log(
    `## ${dataset.name}: ${table.rowCount.toLocaleString('en-US')} rows, ${(statSync(dataset.file).size / 1e6).toFixed(1)} MB, ` +
      `${((labels.values.reduce((a, b) => a + b, 0) / labels.values.length) * 100).toFixed(2)}% positive, excluded: ${dataset.exclude.join(', ')}`,
  )
  console.log(
    `baselines (scikit-learn 1.2 / XGBoost 1.7): ${Object.entries(dataset.baselines)
      .map(([k, v]) => `${k} ${f4(v)}`)
      .join(', ')}`,
  )
  console.log(
    '| learner | seed | threads | chosen | AUC mean | AUC std | gap to best | log loss | Brier | top-decile lift | train (CV + fit) wall | train CPU | final fit wall |',
  )
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const learner of learners)
    for (const seed of seeds)
      for (const threads of threadCounts) {
        const times: number[] = []
        const cpu: number[] = []
        let result: ReturnType<typeof trainModel> | undefined
        for (let r = 0; r < runs; r++) {
          const t = performance.now()
          const c = process.cpuUsage()
          const options = {
            label: dataset.label,
            exclude: dataset.exclude,
            missingValues: dataset.missingValues,
            learner,
            folds: 5,
            seed,
          }
          // one thread: trainModel itself; more: the fits in worker threads (same result)
          result =
            threads <= 1
              ? trainModel(table, options)
              : await trainModelInThreads(table, { ...options, threads })
          times.push(performance.now() - t)
          const used = process.cpuUsage(c) // every thread of the process
          cpu.push((used.user + used.system) / 1000)
        }
        const report = result!.report
        const data = encodeTable(result!.model.features, table, labels.rows)
        const t = performance.now()
        fitLearner(report.learner, data, labels.values, { seed })
        const fit = performance.now() - t
        const gap = report.auc - best
        console.log(
          `| ${learner} | ${seed} | ${threads} | ${report.learner} | ${f4(report.auc)} | ${f4(report.aucStd)} | ${gap >= 0 ? '+' : ''}${f4(gap)} | ${report.logLoss.toFixed(6)} | ${f4(report.brier)} | ${report.topDecileLift.toFixed(2)} | ${secs(median(times))} | ${secs(median(cpu))} | ${secs(fit)} |`,
        )
      }
  console.log('')
}
