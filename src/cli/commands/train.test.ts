import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { syntheticLeads, tableCsv } from '../../predict/test-support/synthetic.js'
import { runCli } from '../test-support/run-cli.js'

let cwd = ''
const run = (...argv: string[]) => runCli(cwd, ...argv)

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-train-'))
  const { table } = syntheticLeads(800, 5)
  writeFileSync(join(cwd, 'leads.csv'), tableCsv(table))
  writeFileSync(join(cwd, 'leads-semicolon.csv'), tableCsv(table, ';'))
  writeFileSync(join(cwd, 'stages.csv'), 'id,stage\n1,New\n2,Won\n3,Lost\n')
})

describe('leadscore train', () => {
  it('prints the evaluation as tables and writes a versioned model', async () => {
    const result = await run(
      'train',
      '--data',
      'leads.csv',
      '--label',
      'converted',
      '--id',
      'lead_id',
      '--missing-values',
      'Select',
      '--out',
      'model.json',
    )
    expect(result.stderr).toMatch(/train: cross-validating gbdt: fold 5 of 5/)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^trained (gbdt|logistic) on 800 leads of leads\.csv/)
    expect(result.stdout).toMatch(/cross-validation \(5 stratified folds, seed 0\):\nlearner +AUC/)
    expect(result.stdout).toMatch(/lift by decile/)
    expect(result.stdout).toMatch(/calibration \(predicted against observed\)/)
    expect(result.stdout).toMatch(/model written to model\.json/)
    const model = JSON.parse(readFileSync(join(cwd, 'model.json'), 'utf8'))
    expect(model).toMatchObject({ format: 'leadscore-predictive', version: 1, idColumn: 'lead_id' })
    expect(model.features.missingValues).toEqual(['Select'])
    expect(model.training.data).toBe('leads.csv')
  })

  it('prints JSON with --json and reads a ;-separated file the same', async () => {
    const comma = await run(
      'train',
      '--data',
      'leads.csv',
      '--label',
      'converted',
      '--learner',
      'logistic',
      '--json',
    )
    const semicolon = await run(
      'train',
      '--data',
      'leads-semicolon.csv',
      '--label',
      'converted',
      '--learner',
      'logistic',
      '--json',
    )
    expect(comma.code).toBe(0)
    const report = JSON.parse(comma.stdout)
    for (const key of ['auc', 'aucStd', 'logLoss', 'topDecileLift', 'learner', 'warnings'])
      expect(report).toHaveProperty(key)
    expect(report.learner).toBe('logistic')
    expect(JSON.parse(semicolon.stdout).auc).toBe(report.auc)
  })

  it('gives the same report and model on one thread and on two (--threads)', async () => {
    const train = async (threads: string) => {
      const result = await run(
        'train',
        '--data',
        'leads.csv',
        '--label',
        'converted',
        '--threads',
        threads,
        '--out',
        `model-${threads}.json`,
        '--json',
      )
      expect(result.code).toBe(0)
      const { seconds: _seconds, model: _model, ...report } = JSON.parse(result.stdout)
      const { training, ...model } = JSON.parse(readFileSync(join(cwd, `model-${threads}.json`), 'utf8'))
      const { trainedAt: _at, ...trained } = training
      return { report, model, trained }
    }
    expect(await train('2')).toEqual(await train('1'))
    const bad = await run('train', '--data', 'leads.csv', '--label', 'converted', '--threads', '0')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--threads/)
  })

  it('names an unknown label column and the columns there are', async () => {
    const result = await run('train', '--data', 'leads.csv', '--label', 'Converted')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/error: no column named "Converted" \(the label\) in the data/)
    expect(result.stderr).toMatch(/hint: did you mean "converted"\?/)
  })

  it('refuses a label that is not binary, naming the column, with a hint', async () => {
    const result = await run('train', '--data', 'stages.csv', '--label', 'stage')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/error: the label column "stage" has 3 values/)
    expect(result.stderr).toMatch(/hint: .*--positive VALUE/)
  })

  it('says when the data file is missing', async () => {
    const result = await run('train', '--data', 'nope.csv', '--label', 'x')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/nope\.csv: no such file/)
  })

  it('refuses a header with a repeated or unnamed column', async () => {
    writeFileSync(join(cwd, 'twice.csv'), 'a,b,a\n1,2,3\n')
    writeFileSync(join(cwd, 'unnamed.csv'), 'a,,c\n1,2,3\n')
    const twice = await run('train', '--data', 'twice.csv', '--label', 'b')
    expect(twice.stderr).toMatch(/twice\.csv:1: the header names "a" twice/)
    const unnamed = await run('train', '--data', 'unnamed.csv', '--label', 'c')
    expect(unnamed.stderr).toMatch(/unnamed\.csv:1: column 2 of the header has no name/)
    expect(unnamed.code).toBe(1)
  })
})
