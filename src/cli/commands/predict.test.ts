import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { syntheticLeads, tableCsv } from '../../predict/test-support/synthetic.js'
import { runCli } from '../test-support/run-cli.js'

let cwd = ''
const run = (...argv: string[]) => runCli(cwd, ...argv)

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-predict-'))
  const { table } = syntheticLeads(800, 5)
  writeFileSync(join(cwd, 'leads.csv'), tableCsv(table))
})

describe('leadscore predict', () => {
  beforeAll(async () => {
    const argv = [
      '--data',
      'leads.csv',
      '--label',
      'converted',
      '--id',
      'lead_id',
      '--learner',
      'gbdt',
      '--cv',
      '2',
    ]
    const trained = await run('train', ...argv, '--out', 'model.json')
    expect(trained.code).toBe(0)
  }, 120_000)

  it('writes a likelihood per lead, with the id, as CSV', async () => {
    const result = await run('predict', '--model', 'model.json', '--data', 'leads.csv')
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toBe('lead_id,likelihood')
    expect(lines).toHaveLength(801)
    const [id, likelihood] = lines[1]!.split(',')
    expect(id).toBe('L1')
    expect(Number(likelihood)).toBeGreaterThan(0)
    expect(Number(likelihood)).toBeLessThan(100)
  })

  it('explains each likelihood in NDJSON', async () => {
    const result = await run(
      'predict',
      '--model',
      'model.json',
      '--data',
      'leads.csv',
      '--explain',
      '--out',
      'scores.ndjson',
    )
    expect(result.code).toBe(0)
    const rows = readFileSync(join(cwd, 'scores.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(800)
    const reasons = [...rows[0].raised, ...rows[0].lowered]
    expect(reasons.length).toBeGreaterThan(0)
    expect(reasons[0]).toEqual({
      feature: expect.any(String),
      value: expect.any(String),
      contribution: expect.any(Number),
    })
  })

  it('refuses a file that is not a model, with a clear error', async () => {
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ format: 'leadscore-predictive', version: 7 }))
    const result = await run('predict', '--model', 'bad.json', '--data', 'leads.csv')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/error: bad\.json: model format version 7; this leadscore reads version 1/)
    expect(result.stderr).toMatch(/hint: train the model again/)
  })

  it('reads absent model columns as missing, and says so', async () => {
    writeFileSync(join(cwd, 'partial.csv'), 'lead_id,minutes,source\nN1,45,Referral\nN2,5,Ads\n')
    const result = await run('predict', '--model', 'model.json', '--data', 'partial.csv')
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(
      /3 of the model's columns are not in partial\.csv and read as missing: visits, noise, plan/,
    )
    const [, first, second] = result.stdout.trim().split('\n')
    expect(Number(first!.split(',')[1])).toBeGreaterThan(Number(second!.split(',')[1]))
  })

  it('refuses data with none of the model columns', async () => {
    writeFileSync(join(cwd, 'other.csv'), 'a,b\n1,2\n')
    const result = await run('predict', '--model', 'model.json', '--data', 'other.csv')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /error: none of the model's columns is in other\.csv\nhint: the model reads visits, minutes, source, noise, plan/,
    )
  })
})
